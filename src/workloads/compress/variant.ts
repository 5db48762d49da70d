import {
  type Clustering,
  clusteredValues,
  type FakeQuantizeOptions,
  fakeQuantize,
} from '../../compression/index.js';
import type { ValueRange } from '../../compression/quantize.js';
import type { KernelLayout } from '../../compression/shape.js';
import { cloneModel } from '../../ml/models/clone.js';
import type { ModelHandle } from '../../ml/models/handle.js';
import {
  getFlatWeights,
  setFlatWeights,
  type WeightEntry,
  weightLayout,
} from '../../ml/models/weights.js';

/**
 * A model on its way through a compression pipeline, with the constraints
 * its steps have put on it. Every step that trains keeps them: after each
 * optimizer step pruned weights are zeroed again and clustered weights are
 * pulled back to their cluster's mean; under quantization, gradients are
 * taken at the quantized weights (straight-through estimator), so later
 * fine-tuning is quantization-aware. Weights are always held as the values
 * the deployed model computes with.
 */
export interface Variant {
  readonly name: string;
  handle: ModelHandle;
  /** Pruning masks (1 = kept) of kernels, by weight name. */
  masks: Map<string, Uint8Array>;
  /** Cluster assignments of kernels, by weight name (centroids are recomputed from the weights). */
  clusters: Map<string, { k: number; assignments: Uint8Array | Uint16Array }>;
  /** Weight quantization, or null for float32. */
  quant: FakeQuantizeOptions | null;
  /**
   * Under quantization, the float weights (structure kept) that the model's
   * quantized weights were made from: training continues from them, and the
   * encoder quantizes them, so decoding gives the model's weights exactly.
   */
  float: Float32Array | null;
  /** Calibrated activation ranges (model input, then each layer's output) for integer inference. */
  activationRanges: ValueRange[] | null;
  /** Steps applied, as text for the results. */
  readonly steps: string[];
  /** Why the pipeline failed (training diverged), or null. */
  failure: string | null;
}

/** Re-exported for its former importers; the copy lives in `ml/models/clone.ts`. */
export { cloneModel };

/** A fresh variant of a trained model (a copy: the original is left as it is). */
export function startVariant(name: string, trained: ModelHandle): Variant {
  return {
    name,
    handle: { model: cloneModel(trained.model), outputs: trained.outputs },
    masks: new Map(),
    clusters: new Map(),
    quant: null,
    float: null,
    activationRanges: null,
    steps: [],
    failure: null,
  };
}

/** The kernels (multiplying weights) of the model's flat vector: what pruning, clustering and integer quantization act on. */
export function kernelEntries(variant: Variant): WeightEntry[] {
  return weightLayout(variant.handle.model).entries.filter((e) => e.role === 'kernel');
}

/** Masks and clusters applied to a flat weight vector, in place (after an optimizer step). */
export function keepStructure(variant: Variant, flat: Float32Array): Float32Array {
  for (const entry of weightLayout(variant.handle.model).entries) {
    const values = flat.subarray(entry.offset, entry.offset + entry.length);
    const mask = variant.masks.get(entry.name);
    if (mask !== undefined)
      for (let i = 0; i < values.length; i++) if (mask[i] === 0) values[i] = 0;
    const clusters = variant.clusters.get(entry.name);
    if (clusters !== undefined) values.set(clusteredValues(meanCentroids(values, clusters)));
  }
  return flat;
}

/** Weight quantization applied to a flat vector (a new vector): what the deployed model computes with. */
export function quantizeFlat(variant: Variant, flat: Float32Array): Float32Array {
  const quant = variant.quant;
  if (quant === null) return flat;
  const out = flat.slice();
  for (const entry of weightLayout(variant.handle.model).entries) {
    // Integer formats quantize kernels only; biases stay float32 (as TFLite keeps them wide). fp16 rounds everything.
    if (quant.bits !== 16 && entry.role !== 'kernel') continue;
    const values = out.subarray(entry.offset, entry.offset + entry.length);
    values.set(fakeQuantize(values, entry.shape, withLayout(quant, entry)));
  }
  return out;
}

/**
 * Where a kernel's output channels lie: depthwise kernels (TF.js names them
 * `depthwise_kernel`, in DepthwiseConv2D and SeparableConv2D) on their last
 * two axes, every other weight on its last axis.
 */
export function kernelLayoutOf(entry: Pick<WeightEntry, 'name'>): KernelLayout {
  return entry.name.endsWith('/depthwise_kernel') ? 'depthwise' : 'standard';
}

/** Quantization options for one weight: per output channel of its own layout. */
export function withLayout<Q extends FakeQuantizeOptions>(
  quant: Q,
  entry: Pick<WeightEntry, 'name'>,
): Q {
  return quant.bits === 16 ? quant : { ...quant, layout: kernelLayoutOf(entry) };
}

/** Sets the model's weights to their deployed values: structure kept, then quantized. */
export function settle(variant: Variant): void {
  const model = variant.handle.model;
  const float = keepStructure(variant, getFlatWeights(model));
  variant.float = variant.quant === null ? null : float;
  setFlatWeights(model, quantizeFlat(variant, float));
}

/** The float weights behind the model's: the master copy under quantization, else the model's own. */
export function floatWeights(variant: Variant): Float32Array {
  return variant.float?.slice() ?? getFlatWeights(variant.handle.model);
}

/** Puts the float weights back in the model before training (training updates floats, not quantized values). */
export function unsettle(variant: Variant): void {
  if (variant.float !== null) setFlatWeights(variant.handle.model, variant.float);
}

/** Each cluster's centroid as the mean of its members' current values (empty clusters keep 0). */
export function meanCentroids(
  values: Float32Array,
  clusters: { k: number; assignments: Uint8Array | Uint16Array },
): Pick<Clustering, 'centroids' | 'assignments'> {
  const sums = new Float64Array(clusters.k);
  const counts = new Float64Array(clusters.k);
  const { assignments } = clusters;
  for (let i = 0; i < values.length; i++) {
    sums[assignments[i]!]! += values[i]!;
    counts[assignments[i]!]! += 1;
  }
  const centroids = new Float32Array(clusters.k);
  for (let c = 0; c < clusters.k; c++) centroids[c] = counts[c]! > 0 ? sums[c]! / counts[c]! : 0;
  return { centroids, assignments };
}
