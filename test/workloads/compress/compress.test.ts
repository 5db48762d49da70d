import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prunedCount } from '../../../src/compression/index.js';
import { RandomStreams } from '../../../src/engine/random.js';
import { parseCostCard } from '../../../src/ml/cost/schema.js';
import { loadSplit } from '../../../src/ml/data/from-spec.js';
import { classMetrics } from '../../../src/ml/metrics.js';
import { getFlatWeights, weightLayout } from '../../../src/ml/models/weights.js';
import { buildModel } from '../../../src/ml/models/zoo.js';
import { initBackend, tf } from '../../../src/ml/runtime.js';
import {
  decodeModel,
  encodeModel,
  loadEncodedModel,
} from '../../../src/workloads/compress/encode-model.js';
import { evaluateDeployed } from '../../../src/workloads/compress/measure.js';
import { compressStep, type TrainingSpec } from '../../../src/workloads/compress/schema.js';
import { applyStep } from '../../../src/workloads/compress/steps.js';
import {
  chooseUnits,
  maskUnits,
  removeUnits,
} from '../../../src/workloads/compress/structured-prune.js';
import { nearChanceWarning } from '../../../src/workloads/compress/validation.js';
import {
  quantizeFlat,
  settle,
  startVariant,
  type Variant,
} from '../../../src/workloads/compress/variant.js';
import { loadScenario } from '../../../src/workloads/scenario.js';
import { edgesim } from '../../helpers/cli.js';
import { readCsv } from '../../helpers/tables.js';

const small = resolve('test/fixtures/compress/small.yaml');

beforeAll(async () => {
  await initBackend('wasm');
});

/** A 2NN for 12 features and 4 classes with seeded weights. */
function mlp(seed = 1) {
  return {
    model: buildModel('2nn', { inputShape: [12], numClasses: 4, seed }),
    outputs: 'logits' as const,
  };
}

function randomInputs(shape: number[], seed = 9): tf.Tensor {
  const rng = new RandomStreams(seed).stream('inputs');
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal(0, 1)),
    shape,
  );
}

describe('structured pruning', () => {
  it("removes whole units: the smaller dense model has the kept widths and the masked model's outputs", () => {
    const { model } = mlp();
    const kept = chooseUnits(model, 0.5, 'l1');
    // Hidden layers of 200 units lose round(0.5 x 200) = 100 each; the output layer is never pruned.
    expect([...kept.values()].map((k) => k.length)).toEqual([100, 100]);
    const smaller = removeUnits(model, kept);
    expect(weightLayout(smaller).length).toBe(12 * 100 + 100 + 100 * 100 + 100 + 100 * 4 + 4);
    maskUnits(model, kept);
    const x = randomInputs([16, 12]);
    const a = (smaller.predict(x) as tf.Tensor).dataSync();
    const b = (model.predict(x) as tf.Tensor).dataSync();
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-5);
  });

  it('removes conv filters and the flattened rows that read them, and still matches the masked model', () => {
    const model = buildModel('cnn', { inputShape: [8, 8, 1], numClasses: 3, seed: 2 });
    const kept = chooseUnits(model, 0.25, 'l2');
    // conv 32 -> 24, conv 64 -> 48, dense 512 -> 384 filters/units kept.
    expect([...kept.values()].map((k) => k.length)).toEqual([24, 48, 384]);
    const smaller = removeUnits(model, kept);
    maskUnits(model, kept);
    const x = randomInputs([4, 8, 8, 1]);
    const a = (smaller.predict(x) as tf.Tensor).dataSync();
    const b = (model.predict(x) as tf.Tensor).dataSync();
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-4);
  });
});

describe('encoded models', () => {
  /** A variant of a seeded 2NN with `setup` applied, weights settled as deployed. */
  function variantWith(setup: (v: Variant) => void): Variant {
    const variant = startVariant('v', mlp(3));
    setup(variant);
    settle(variant);
    return variant;
  }

  function expectRoundTrip(variant: Variant) {
    const { bytes } = encodeModel(variant);
    const decoded = decodeModel(bytes);
    const flat = getFlatWeights(variant.handle.model);
    for (const entry of weightLayout(variant.handle.model).entries) {
      const want = flat.subarray(entry.offset, entry.offset + entry.length);
      expect(decoded.get(entry.name), entry.name).toEqual(want);
    }
  }

  it('decode gives back exactly the weights an int8 per-channel variant computes with', () => {
    expectRoundTrip(
      variantWith((v) => (v.quant = { bits: 8, scheme: 'symmetric', granularity: 'per-channel' })),
    );
  });

  it('round-trips int4 asymmetric, fp16, pruned and clustered variants exactly', () => {
    expectRoundTrip(
      variantWith((v) => (v.quant = { bits: 4, scheme: 'asymmetric', granularity: 'per-tensor' })),
    );
    expectRoundTrip(variantWith((v) => (v.quant = { bits: 16 })));
    const pruned = (v: Variant) => {
      const flat = getFlatWeights(v.handle.model);
      for (const e of weightLayout(v.handle.model).entries.filter((e) => e.role === 'kernel')) {
        const mask = new Uint8Array(e.length).map((_, i) =>
          Math.abs(flat[e.offset + i]!) > 0.05 ? 1 : 0,
        );
        v.masks.set(e.name, mask);
      }
    };
    expectRoundTrip(variantWith(pruned));
    expectRoundTrip(
      variantWith((v) => {
        pruned(v);
        v.quant = { bits: 8, scheme: 'asymmetric', granularity: 'per-channel' };
      }),
    );
    expectRoundTrip(
      variantWith((v) => {
        for (const e of weightLayout(v.handle.model).entries.filter((e) => e.role === 'kernel'))
          v.clusters.set(e.name, {
            k: 4,
            assignments: new Uint8Array(e.length).map((_, i) => i % 4),
          });
      }),
    );
  });

  it("is as long as its tensors' encodings plus the container: 16 bytes, the metadata, and 6 plus the name per tensor", () => {
    const variant = variantWith(
      (v) => (v.quant = { bits: 8, scheme: 'symmetric', granularity: 'per-channel' }),
    );
    const { bytes, tensors, metadataBytes } = encodeModel(variant);
    const names = tensors.reduce((sum, t) => sum + 6 + Buffer.byteLength(t.name), 0);
    expect(bytes.length).toBe(
      16 + metadataBytes + names + tensors.reduce((sum, t) => sum + t.bytes.length, 0),
    );
    // An int8 kernel holds one byte per weight: the 12x200 kernel's encoding is at least 2,400 bytes and
    // less than 2,400 + its 200 float32 scales + a header.
    const first = tensors.find((t) => t.format === 'int8')!;
    expect(first.bytes.length).toBeGreaterThanOrEqual(2400);
    expect(first.bytes.length).toBeLessThan(2400 + 200 * 4 + 64);
  });
});

describe('model container versions', () => {
  function variantWith(setup: (v: Variant) => void): Variant {
    const variant = startVariant('v', mlp(5));
    setup(variant);
    settle(variant);
    return variant;
  }

  /** The same container as version 1 wrote it: magic, version 1, the tensors (no metadata). */
  function asVersion1(bytes: Uint8Array): Uint8Array {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint32(4, true)).toBe(2);
    const metadata = view.getUint32(8, true);
    const out = Uint8Array.from([...bytes.subarray(0, 8), ...bytes.subarray(12 + metadata)]);
    new DataView(out.buffer).setUint32(4, 1, true);
    return out;
  }

  it('rebuilds the model from version 2 bytes alone: architecture, weights and activation ranges', () => {
    const variant = variantWith((v) => {
      v.quant = { bits: 8, scheme: 'symmetric', granularity: 'per-channel' };
      v.activationRanges = Array.from({ length: 4 }, (_, i) => ({ min: -i - 0.1, max: i + 0.3 }));
    });
    const rebuilt = loadEncodedModel(encodeModel(variant).bytes);
    expect(rebuilt.activationRanges).toEqual(variant.activationRanges);
    expect(rebuilt.handle.outputs).toBe('logits');
    expect(getFlatWeights(rebuilt.handle.model)).toEqual(getFlatWeights(variant.handle.model));
    rebuilt.handle.model.dispose();
    variant.handle.model.dispose();
  });

  it('still reads the weights of a version 1 container, and refuses to rebuild a model from it', () => {
    const variant = variantWith(() => {});
    const bytes = encodeModel(variant).bytes;
    const old = asVersion1(bytes);
    expect(decodeModel(old)).toEqual(decodeModel(bytes));
    expect(() => loadEncodedModel(old)).toThrow(
      'model container version 1 holds weights only, without the architecture and activation ranges',
    );
    expect(() =>
      decodeModel(Uint8Array.of(...bytes.subarray(0, 4), 3, 0, 0, 0, 0, 0, 0, 0)),
    ).toThrow('model container version(=3) is not 1 or 2');
    variant.handle.model.dispose();
  });
});

describe('calibration and the validation split', () => {
  it('calibrates activation ranges on the validation split, never on the training data', async () => {
    // Training inputs lie in [0, 1); validation inputs in [5, 6): the input range shows which was used.
    const make = (offset: number, count: number) => ({
      name: 'toy',
      features: Float32Array.from({ length: count * 12 }, (_, i) => offset + ((i * 7) % 10) / 10),
      labels: Int32Array.from({ length: count }, (_, i) => i % 4),
      count,
      sampleShape: [12],
      numClasses: 4,
    });
    const variant = startVariant('q', mlp(6));
    const training: TrainingSpec = {
      optimizer: 'sgd',
      learningRate: 0.01,
      momentum: 0.9,
      epochs: 1,
      batchSize: 8,
    };
    const context = {
      train: make(0, 40),
      validation: make(5, 16),
      training,
      seed: 1,
      file: 'toy.yaml',
      baseDir: '.',
    };
    const step = compressStep.parse({ kind: 'quantize', bits: 8, calibrationSamples: 100 });
    await applyStep(variant, step, context, { variant: 0, step: 0 });
    // All 16 validation samples (fewer than 100 asked): values 5.0 .. 5.9.
    expect(variant.activationRanges![0]!.min).toBeCloseTo(5, 6);
    expect(variant.activationRanges![0]!.max).toBeCloseTo(5.9, 6);
    variant.handle.model.dispose();
  });
});

describe('quantization-aware training', () => {
  it("says in the variant's steps that it fake-quantizes the weights only", async () => {
    const variant = startVariant('qat', mlp(7));
    const toy = {
      name: 'toy',
      features: Float32Array.from({ length: 16 * 12 }, (_, i) => (i % 5) / 5),
      labels: Int32Array.from({ length: 16 }, (_, i) => i % 4),
      count: 16,
      sampleShape: [12],
      numClasses: 4,
    };
    const training: TrainingSpec = {
      optimizer: 'sgd',
      learningRate: 0.01,
      momentum: 0.9,
      epochs: 1,
      batchSize: 8,
    };
    const context = {
      train: toy,
      validation: toy,
      training,
      seed: 2,
      file: 'toy.yaml',
      baseDir: '.',
    };
    const step = compressStep.parse({ kind: 'quantize', bits: 4, mode: 'aware', epochs: 1 });
    await applyStep(variant, step, context, { variant: 0, step: 0 });
    expect(variant.steps[0]).toBe('quantize(int4 symmetric per-channel, aware, weights only)');
    variant.handle.model.dispose();
  });
});

describe('near-chance warnings', () => {
  it('warn up to a quarter of the way from chance (1/classes) to perfect accuracy', () => {
    // 10 classes: the line at 0.1 + 0.25 x 0.9 = 0.325, so the audit's student at 29% warns.
    // 4 classes: 0.25 + 0.25 x 0.75 = 0.4375.
    expect(nearChanceWarning('tiny', 0.29, 10)).toContain(
      'compress variant "tiny" ends at test accuracy 0.29, near chance (1/10 = 0.1)',
    );
    expect(nearChanceWarning('tiny', 0.33, 10)).toBeNull();
    expect(nearChanceWarning('tiny', 0.43, 4)).not.toBeNull();
    expect(nearChanceWarning('tiny', 0.44, 4)).toBeNull();
  });
});

describe('depthwise kernels in a variant', () => {
  /** A ds-cnn variant whose dw1 kernel [3, 3, 16, 1] has channel c spread 10^-(c mod 4). */
  function dsCnnVariant(): { variant: Variant; offset: number; length: number } {
    const model = buildModel('ds-cnn', { inputShape: [8, 8, 1], numClasses: 3, seed: 4 });
    const variant = startVariant('dw', { model, outputs: 'logits' });
    model.dispose();
    const entry = weightLayout(variant.handle.model).entries.find(
      (e) => e.name === 'dw1/depthwise_kernel',
    )!;
    expect(entry.shape).toEqual([3, 3, 16, 1]);
    const flat = getFlatWeights(variant.handle.model);
    const rng = new RandomStreams(3).stream('dw');
    for (let i = 0; i < entry.length; i++)
      flat[entry.offset + i] = rng.normal(0, 10 ** -((i % 16) % 4));
    setFlatWeightsOf(variant, flat);
    return { variant, offset: entry.offset, length: entry.length };
  }

  function setFlatWeightsOf(variant: Variant, flat: Float32Array) {
    const tensors = weightLayout(variant.handle.model).entries.map((e) =>
      tf.tensor(flat.subarray(e.offset, e.offset + e.length), [...e.shape]),
    );
    variant.handle.model.setWeights(tensors);
    tf.dispose(tensors);
  }

  it('are quantized per output channel: every channel within 1/254 of its own largest weight', () => {
    const { variant, offset, length } = dsCnnVariant();
    variant.quant = { bits: 8, scheme: 'symmetric', granularity: 'per-channel' };
    const flat = getFlatWeights(variant.handle.model);
    const restored = quantizeFlat(variant, flat);
    const worst = new Float64Array(16);
    const largest = new Float64Array(16);
    for (let i = 0; i < length; i++) {
      const w = flat[offset + i]!;
      worst[i % 16] = Math.max(worst[i % 16]!, Math.abs(restored[offset + i]! - w));
      largest[i % 16] = Math.max(largest[i % 16]!, Math.abs(w));
    }
    // Per multiplier (the old behaviour, one scale for the whole kernel) the 10^-3 channels
    // would lose nearly everything; per output channel each is within scale/2 = max|w_c| / 254.
    for (let c = 0; c < 16; c++)
      expect(worst[c]! / largest[c]!, `channel ${c}`).toBeLessThanOrEqual(1 / 254 + 1e-6);
    variant.handle.model.dispose();
  });

  it('round-trip through the encoded model exactly', () => {
    const { variant } = dsCnnVariant();
    variant.quant = { bits: 8, scheme: 'asymmetric', granularity: 'per-channel' };
    settle(variant);
    const { bytes, tensors } = encodeModel(variant);
    expect(tensors.find((t) => t.name === 'dw1/depthwise_kernel')!.bytes[0]).toBe(2);
    const decoded = decodeModel(bytes);
    const flat = getFlatWeights(variant.handle.model);
    for (const entry of weightLayout(variant.handle.model).entries)
      expect(decoded.get(entry.name), entry.name).toEqual(
        flat.subarray(entry.offset, entry.offset + entry.length),
      );
    variant.handle.model.dispose();
  });
});

describe('edgesim compress', () => {
  let first: ReturnType<typeof edgesim>;
  beforeAll(() => {
    first = edgesim(['compress', small, '--out', 'a']);
  }, 120_000);

  it('writes a row per variant, the baseline first, with the bytes of its encoded model file', () => {
    expect(first.code, first.stderr).toBe(0);
    const rows = readCsv(join(first.cwd, 'a', 'variants.csv'));
    expect(rows.map((r) => r.variant)).toEqual([
      'baseline',
      'int8',
      'prune80-int4',
      'cluster8',
      'halved',
    ]);
    for (const row of rows) {
      expect(row.status).toBe('ok');
      const file = join(first.cwd, 'a', 'models', `${row.variant}.edgm`);
      expect(Number(row.encoded_bytes)).toBe(statSync(file).size);
    }
  });

  it('prunes to the exact sparsity asked and keeps it through quantization', () => {
    const row = readCsv(join(first.cwd, 'a', 'variants.csv')).find(
      (r) => r.variant === 'prune80-int4',
    )!;
    // Kernels of the 2NN on 60 features, 10 classes: 60x200 + 200x200 + 200x10; each pruned per layer.
    const zeros = prunedCount(12_000, 0.8) + prunedCount(40_000, 0.8) + prunedCount(2_000, 0.8);
    expect(Number(row.kernel_sparsity)).toBeCloseTo(zeros / 54_000, 12);
    expect(row.weight_precision).toBe('int4');
    expect(Number(row.effective_flops)).toBeCloseTo(2 * (54_000 - zeros), 6);
  });

  it('shrinks the model by structured pruning: half the hidden units, a quarter of the hidden-to-hidden weights', () => {
    const row = readCsv(join(first.cwd, 'a', 'variants.csv')).find((r) => r.variant === 'halved')!;
    expect(Number(row.params)).toBe(60 * 100 + 100 + 100 * 100 + 100 + 100 * 10 + 10);
  });

  it('writes cost cards with their deployment that fleet scenarios run at their precision', () => {
    const cardFile = join(first.cwd, 'a', 'cards', 'prune80-int4.json');
    const parsed = parseCostCard(JSON.parse(readFileSync(cardFile, 'utf8')), cardFile);
    expect(parsed.params).toBe(60 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10);
    const variant = readCsv(join(first.cwd, 'a', 'variants.csv')).find(
      (r) => r.variant === 'prune80-int4',
    )!;
    expect(parsed.deployment).toEqual({
      precision: 'int4',
      weightSparsity: Number(variant.kernel_sparsity),
      encodedBytes: Number(variant.encoded_bytes),
    });
    const fleet = join(first.cwd, 'fleet.yaml');
    writeFileSync(
      fleet,
      [
        'name: compressed-fleet',
        'duration: 10 s',
        `model: { card: ${JSON.stringify(cardFile)} }`,
        'fleet: [{ name: phones, profile: phone-midrange, count: 2, network: { technology: wifi6 }, arrivals: { kind: poisson, rate: 1/s } }]',
        'workload: { inference: { placement: device, input: 1 kB, output: 100 B, slo: 100 ms, modelDownload: true } }',
      ].join('\n'),
    );
    const run = edgesim(['run', fleet, '--out', 'fleet'], first.cwd);
    expect(run.code, run.stderr).toBe(0);
    const summary = readCsv(join(first.cwd, 'fleet', 'summary.csv'))[0]!;
    expect(summary.precision).toBe('int4');
    expect(summary.model).toBe('compress-small/prune80-int4');
    // What each device downloads is the encoded model, byte for byte.
    expect(Number(summary.model_bytes)).toBe(Number(variant.encoded_bytes));
    expect(Number(summary.model_bytes)).toBe(
      statSync(join(first.cwd, 'a', 'models', 'prune80-int4.edgm')).size,
    );
    expect(Number(summary.model_download_bytes)).toBe(2 * Number(variant.encoded_bytes));
  });

  it('rebuilds the int8-activation and structurally pruned variants from their .edgm files alone, scoring exactly as reported', () => {
    const loaded = loadScenario(small);
    if (!('compress' in loaded.scenario)) throw new Error('small.yaml is a compress scenario');
    const test = loadSplit(loaded.scenario.compress.dataset, dirname(small), 5).test;
    const rows = readCsv(join(first.cwd, 'a', 'variants.csv'));
    const confusion = readCsv(join(first.cwd, 'a', 'confusion.csv'));
    for (const name of ['int8', 'halved', 'baseline']) {
      const row = rows.find((r) => r.variant === name)!;
      const bytes = readFileSync(join(first.cwd, 'a', 'models', `${name}.edgm`));
      const { handle, activationRanges } = loadEncodedModel(bytes);
      expect(activationRanges === null ? 'float32' : 'int8', name).toBe(row.activation_format);
      const scores = evaluateDeployed(handle, activationRanges, test);
      handle.model.dispose();
      expect(Number(scores.accuracy.toPrecision(12)), name).toBe(Number(row.accuracy));
      const reported = confusion.filter((r) => r.variant === name).map((r) => Number(r.count));
      expect(reported, name).toEqual([...scores.confusion]);
    }
    expect(rows.find((r) => r.variant === 'int8')!.activation_format).toBe('int8');
  });

  it("writes each variant's confusion matrix and per-class scores whose means are the macro columns", () => {
    const summary = readCsv(join(first.cwd, 'a', 'summary.csv'))[0]!;
    const rows = readCsv(join(first.cwd, 'a', 'variants.csv'));
    const confusion = readCsv(join(first.cwd, 'a', 'confusion.csv'));
    const classes = readCsv(join(first.cwd, 'a', 'classes.csv'));
    const k = 10; // FedProx Synthetic has 10 classes
    for (const row of rows) {
      const cells = confusion.filter((r) => r.variant === row.variant);
      expect(cells).toHaveLength(k * k);
      const counts = cells.map((c) => Number(c.count));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(Number(summary.test_samples));
      const correct = cells
        .filter((c) => c.actual === c.predicted)
        .reduce((sum, c) => sum + Number(c.count), 0);
      expect(correct / Number(summary.test_samples)).toBeCloseTo(Number(row.accuracy), 10);
      const perClass = classMetrics(counts);
      const written = classes.filter((r) => r.variant === row.variant);
      expect(written.map((r) => Number(r.support))).toEqual(perClass.map((c) => c.support));
      const present = perClass.filter((c) => c.support + c.predicted > 0);
      const meanF1 = present.reduce((sum, c) => sum + c.f1, 0) / present.length;
      expect(meanF1).toBeCloseTo(Number(row.macro_f1), 10);
      for (const [c, r] of written.entries()) expect(Number(r.f1)).toBeCloseTo(perClass[c]!.f1, 10);
    }
  });

  it('holds out a tenth of the training split for validation and reports validation scores', () => {
    const loaded = loadScenario(small);
    if (!('compress' in loaded.scenario)) throw new Error('small.yaml is a compress scenario');
    const split = loadSplit(loaded.scenario.compress.dataset, dirname(small), 5);
    const summary = readCsv(join(first.cwd, 'a', 'summary.csv'))[0]!;
    const train = Number(summary.train_samples);
    const validation = Number(summary.validation_samples);
    expect(train + validation).toBe(split.train.count);
    // Stratified: each of the 10 classes rounds its tenth by at most half a sample.
    expect(Math.abs(validation - split.train.count / 10)).toBeLessThanOrEqual(5);
    expect(Number(summary.test_samples)).toBe(split.test.count);
    for (const row of readCsv(join(first.cwd, 'a', 'variants.csv'))) {
      expect(Number(row.validation_accuracy)).toBeGreaterThan(0);
      expect(Number(row.validation_accuracy)).toBeLessThanOrEqual(1);
    }
  });

  it('estimates every variant on every profile, and writes the report', () => {
    const rows = readCsv(join(first.cwd, 'a', 'estimates.csv'));
    expect(rows).toHaveLength(5 * 2);
    expect(rows.every((r) => Number(r.latency_s) > 0 && Number(r.energy_j) > 0)).toBe(true);
    expect(readFileSync(join(first.cwd, 'a', 'report', 'report.html'), 'utf8')).toContain(
      'Accuracy vs encoded size',
    );
  });

  it('gives byte-identical results for the same seed, and different ones for another', () => {
    expect(edgesim(['compress', small, '--out', 'b'], first.cwd).code).toBe(0);
    for (const file of [
      'summary.csv',
      'variants.csv',
      'classes.csv',
      'confusion.csv',
      'estimates.csv',
      'models/int8.edgm',
      'models/halved.edgm',
      'models/prune80-int4.edgm',
    ]) {
      expect(readFileSync(join(first.cwd, 'b', file)), file).toEqual(
        readFileSync(join(first.cwd, 'a', file)),
      );
    }
    expect(edgesim(['compress', small, '--seed', '6', '--out', 'c'], first.cwd).code).toBe(0);
    expect(readFileSync(join(first.cwd, 'c', 'variants.csv'), 'utf8')).not.toBe(
      readFileSync(join(first.cwd, 'a', 'variants.csv'), 'utf8'),
    );
  }, 120_000);
});

describe('a variant that learns nothing', () => {
  it('is flagged near chance on stderr and in variants.csv; the trained baseline is not', () => {
    // MNIST (10 balanced classes): a logistic student distilled for 0 epochs keeps its seeded
    // random weights and guesses.
    const dir = mkdtempSync(join(tmpdir(), 'edgesim-compress-chance-'));
    const file = join(dir, 'chance.yaml');
    writeFileSync(
      file,
      [
        'name: chance',
        'seed: 3',
        'compress:',
        '  dataset: { kind: mnist }',
        '  model: { zoo: logistic }',
        '  train: { optimizer: adam, learningRate: 0.005, epochs: 1, batchSize: 64 }',
        '  profiles: [raspberry-pi-4]',
        '  variants:',
        '    - { name: untrained, steps: [{ kind: distill, student: { zoo: logistic }, epochs: 0 }] }',
      ].join('\n'),
    );
    const run = edgesim(['compress', file, '--out', 'out'], dir);
    expect(run.code, run.stderr).toBe(0);
    const rows = readCsv(join(dir, 'out', 'variants.csv'));
    const [baseline, untrained] = [rows[0]!, rows[1]!];
    expect(Number(untrained.accuracy)).toBeLessThanOrEqual(0.15);
    expect(untrained.warning).toContain('near chance (1/10 = 0.1)');
    expect(run.stderr).toContain(
      `edgesim: warning: compress variant "untrained" ends at test accuracy ${Number(Number(untrained.accuracy).toPrecision(4))}, near chance`,
    );
    expect(Number(baseline.accuracy)).toBeGreaterThan(0.15);
    expect(baseline.warning).toBe('');
    expect(run.stderr).not.toContain('"baseline"');
  }, 120_000);
});

describe('compression sweeps', () => {
  it('run each point in a worker and join their summaries, one row per point', () => {
    const sweep = resolve('test/fixtures/compress/sweep.yaml');
    const { code, stderr, cwd } = edgesim(['sweep', sweep, '--workers', '2', '--out', 's']);
    expect(code, stderr).toBe(0);
    const rows = readCsv(join(cwd, 's', 'sweep.csv'));
    expect(rows.map((r) => r['compress.variants[0].steps[0].bits'])).toEqual(['8', '4']);
    // Same trained baseline in both runs (same seed); int4 packs two weights per byte, so it is smaller.
    expect(rows[0]!.baseline_accuracy).toBe(rows[1]!.baseline_accuracy);
    expect(Number(rows[1]!.quantized_encoded_bytes)).toBeLessThan(
      Number(rows[0]!.quantized_encoded_bytes),
    );
  }, 180_000);
});

describe('bad compression scenarios', () => {
  function rejected(text: string): { code: number | null; stderr: string } {
    const dir = mkdtempSync(join(tmpdir(), 'edgesim-compress-bad-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, text);
    const result = edgesim(['compress', file], dir);
    return { code: result.code, stderr: result.stderr };
  }
  const base = (variants: string, extra = '') =>
    `name: bad\ncompress:\n  dataset: { kind: synthetic, alpha: 0, beta: 0, devices: 2 }\n  model: { zoo: logistic }\n${extra}${variants ? `  variants:\n${variants}` : ''}`;

  it('rejects a sparsity outside [0, 1), naming the field', () => {
    const { code, stderr } = rejected(
      base('    - { name: p, steps: [{ kind: prune, sparsity: 1 }] }\n'),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('compress.variants[0].steps[0].sparsity');
    expect(stderr).toContain('< 1');
  });

  it('rejects an unsupported bit width, listing the supported ones', () => {
    const { code, stderr } = rejected(
      base('    - { name: q, steps: [{ kind: quantize, bits: 3 }] }\n'),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('compress.variants[0].steps[0].bits');
    expect(stderr).toMatch(/16.*8.*4/);
  });

  it('rejects a missing model file and a missing dataset file, naming both', () => {
    const { code, stderr } = rejected(
      'name: bad\ncompress:\n  dataset: { kind: csv, file: nowhere.csv }\n  model: { file: nothing/model.json }\n',
    );
    expect(code).toBe(2);
    expect(stderr).toContain(
      'compress.model.file: model file not found (got "nothing/model.json")',
    );
    expect(stderr).toContain('compress.dataset.file: dataset file not found (got "nowhere.csv")');
  });

  it('rejects a zoo model that cannot take the dataset, without a stack trace', () => {
    const { code, stderr } = rejected(base('').replace('zoo: logistic', 'zoo: cnn'));
    expect(code).toBe(2);
    expect(stderr).toContain('compress.model.zoo');
    expect(stderr).not.toContain('    at ');
  });

  it('rejects an unknown profile and a variant named baseline', () => {
    const { code, stderr } = rejected(
      base('    - { name: baseline, steps: [] }\n', '  profiles: [toaster]\n'),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('compress.profiles[0]');
    expect(stderr).toContain('reserved');
  });
});
