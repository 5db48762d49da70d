import { sparsityOf } from '../../compression/index.js';
import type { ValueRange } from '../../compression/quantize.js';
import type { HardwareProfile } from '../../fleet/profiles.js';
import { inferenceTime } from '../../fleet/roofline.js';
import type { Precision } from '../../ml/cost/card.js';
import { MAC_KINDS } from '../../ml/cost/card.js';
import { costCardFromModel } from '../../ml/cost/from-model.js';
import type { CostCard } from '../../ml/cost/index.js';
import { batches } from '../../ml/data/batches.js';
import type { Dataset } from '../../ml/data/dataset.js';
import { type Evaluation, evaluateFromProbabilities, evaluateModel } from '../../ml/evaluate.js';
import type { ModelHandle } from '../../ml/models/handle.js';
import { getFlatWeights, weightLayout } from '../../ml/models/weights.js';
import { tf } from '../../ml/runtime.js';
import { quantizedForward } from './activation-quant.js';
import { type EncodedTensor, encodeModel } from './encode-model.js';
import type { Variant } from './variant.js';

/** What a variant is, measured: held-out scores, real encoded bytes, parameters and FLOPs. */
export interface VariantMeasure {
  readonly evaluation: Evaluation;
  /** The encoded model (container bytes), each tensor's encoding, and the metadata's share of the bytes. */
  readonly encoded: { bytes: Uint8Array; tensors: EncodedTensor[]; metadataBytes: number };
  /** Trainable parameters, zeros included. */
  readonly params: number;
  /** Parameters that are not zero. */
  readonly nonzeroParams: number;
  /** Fraction of kernel weights that are zero. */
  readonly kernelSparsity: number;
  /** The model's cost card (dense FLOPs per layer). */
  readonly card: CostCard;
  /** FLOPs of one inference with every weight multiplied. */
  readonly flops: number;
  /** FLOPs with multiplications by zero weights skipped: each multiplying layer scaled by its kernel's density. */
  readonly effectiveFlops: number;
  /** Precision the weights are stored in: what devices compute at. */
  readonly precision: Precision;
  /** `int8`, or `float32` when activations are not quantized. */
  readonly activationFormat: string;
}

/** Scores the variant on `test` and measures its size and cost. */
export function measureVariant(variant: Variant, test: Dataset): VariantMeasure {
  const { model } = variant.handle;
  const flat = getFlatWeights(model);
  const entries = weightLayout(model).entries;
  const kernels = entries.filter((e) => e.role === 'kernel');
  const density = new Map<string, number>();
  let kernelZeros = 0;
  let kernelCount = 0;
  for (const e of kernels) {
    const zeros = Math.round(sparsityOf(flat.subarray(e.offset, e.offset + e.length)) * e.length);
    kernelZeros += zeros;
    kernelCount += e.length;
    density.set(e.layer, 1 - zeros / e.length);
  }
  let nonzeroParams = 0;
  for (const w of flat) if (w !== 0) nonzeroParams++;
  const card = costCardFromModel(model, variant.name);
  const effectiveFlops = card.layers.reduce(
    (sum, layer) =>
      sum +
      (MAC_KINDS.includes(layer.kind) ? layer.flops * (density.get(layer.name) ?? 1) : layer.flops),
    0,
  );
  return {
    evaluation: evaluateVariant(variant, test),
    encoded: encodeModel(variant),
    params: flat.length,
    nonzeroParams,
    kernelSparsity: kernelCount === 0 ? 0 : kernelZeros / kernelCount,
    card,
    flops: card.flops,
    effectiveFlops,
    precision: precisionOf(variant),
    activationFormat: variant.activationRanges === null ? 'float32' : 'int8',
  };
}

/** One inference of the variant on a hardware profile (roofline), or why it cannot run there. */
export interface ProfileEstimate {
  readonly profile: string;
  /** The software stack asked for (`{ profile, stack }`); null = the profile's reference stack. */
  readonly stack: string | null;
  readonly ok: boolean;
  /** Precision it runs at after the profile's fallbacks. */
  readonly precision: Precision | null;
  readonly latencyS: number | null;
  /** Active power times latency. */
  readonly energyJ: number | null;
  readonly boundBy: string | null;
  readonly reason: string | null;
}

/** Latency and energy of one inference on each profile, sparsity counted where the profile can use it. */
export function estimateOnProfiles(
  measure: VariantMeasure,
  profiles: readonly HardwareProfile[],
): ProfileEstimate[] {
  return profiles.map((profile) => {
    const time = inferenceTime(measure.card, profile, measure.precision, {
      sparsity: measure.kernelSparsity,
    });
    if (!time.ok)
      return {
        profile: profile.name,
        stack: profile.stack ?? null,
        ok: false,
        precision: null,
        latencyS: null,
        energyJ: null,
        boundBy: null,
        reason: time.reason,
      };
    return {
      profile: profile.name,
      stack: profile.stack ?? null,
      ok: true,
      precision: time.precision,
      latencyS: time.timeS,
      energyJ: time.timeS * profile.activeW,
      boundBy: time.boundBy,
      reason: null,
    };
  });
}

function precisionOf(variant: Variant): Precision {
  const bits = variant.quant?.bits;
  return bits === 16 ? 'fp16' : bits === 8 ? 'int8' : bits === 4 ? 'int4' : 'fp32';
}

/** The variant's scores on `data`, as it computes: with integer activations when it has them. */
export function evaluateVariant(variant: Variant, data: Dataset): Evaluation {
  return evaluateDeployed(variant.handle, variant.activationRanges, data);
}

/**
 * Scores of a model on `data`, through the integer-activation forward pass
 * (8-bit, `activation-quant.ts`) when `ranges` are given, else in float32.
 * A variant and the model rebuilt from its encoded file give the same bits.
 */
export function evaluateDeployed(
  handle: ModelHandle,
  ranges: readonly ValueRange[] | null,
  data: Dataset,
): Evaluation {
  if (ranges === null) return evaluateModel(handle, data);
  const k = data.numClasses;
  const probabilities = new Float32Array(data.count * k);
  let row = 0;
  for (const batch of batches(data, 256)) {
    const p = tf.tidy(() => {
      const x = tf.tensor(batch.features, [batch.size, ...data.sampleShape]);
      const out = quantizedForward(handle, x, ranges, 8);
      return handle.outputs === 'logits' ? tf.softmax(out) : out;
    });
    probabilities.set(p.dataSync() as Float32Array, row * k);
    p.dispose();
    row += batch.size;
  }
  return evaluateFromProbabilities(probabilities, data);
}
