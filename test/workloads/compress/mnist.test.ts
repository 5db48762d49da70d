/**
 * The compression pipeline's must-holds on real data: the FedAvg 2NN
 * (784-200-200-10) trained once on the 10,000 MNIST digits of the mnist
 * package (a stratified 80/20 split: 8,000 to train, 2,000 held out), on the
 * wasm backend, then copied and compressed step by step as a scenario's
 * variants are (`startVariant`, `applyStep`, `measureVariant`).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Dataset, Split } from '../../../src/ml/data/dataset.js';
import { loadMnist } from '../../../src/ml/data/mnist.js';
import { splitDataset } from '../../../src/ml/data/split.js';
import { evaluateModel } from '../../../src/ml/evaluate.js';
import type { ModelHandle } from '../../../src/ml/models/handle.js';
import { buildModel } from '../../../src/ml/models/zoo.js';
import { initBackend } from '../../../src/ml/runtime.js';
import { trainModel } from '../../../src/ml/train.js';
import { measureVariant, type VariantMeasure } from '../../../src/workloads/compress/measure.js';
import { compressStep, type TrainingSpec } from '../../../src/workloads/compress/schema.js';
import { applyStep, type StepContext } from '../../../src/workloads/compress/steps.js';
import { startVariant } from '../../../src/workloads/compress/variant.js';

const SEED = 7;

/** SGD with momentum: reaches 95.6-96.5% on this split in 10 epochs (63 steps each). */
const TRAINING: TrainingSpec = {
  optimizer: 'momentum',
  learningRate: 0.1,
  momentum: 0.9,
  epochs: 10,
  batchSize: 128,
};

let data: Split;
let baseline: ModelHandle;
let baselineAccuracy: number;
let baselineTrainedTo: string;

beforeAll(async () => {
  await initBackend('wasm');
  data = splitDataset(loadMnist(), { testFraction: 0.2, seed: SEED });
  const model = buildModel('2nn', { inputShape: [28, 28, 1], numClasses: 10, seed: SEED });
  baseline = { model, outputs: 'logits' };
  baselineTrainedTo = trainModel(baseline, data.train, { ...TRAINING, seed: SEED }).kind;
  baselineAccuracy = evaluateModel(baseline, data.test).accuracy;
}, 180_000);

afterAll(() => baseline?.model.dispose());

/** The scenario's view of a step: what a user writes, defaults filled in by the schema. */
type StepInput = z.input<typeof compressStep>;

/**
 * Runs `steps` on a copy of the trained baseline, as the variant `name`, and
 * measures the result on the 2,000 held-out digits. A variant whose training
 * diverged fails the test.
 */
async function compress(
  name: string,
  steps: readonly StepInput[],
  context: Partial<StepContext> = {},
): Promise<VariantMeasure> {
  const full: StepContext = {
    train: data.train,
    // These must-holds predate the validation split: calibration samples come from the
    // training split, as they did then (a scenario run takes them from its validation split).
    validation: data.train,
    training: TRAINING,
    seed: SEED,
    file: 'compress-mnist.test.ts',
    baseDir: '.',
    ...context,
  };
  const variant = startVariant(name, baseline);
  try {
    for (const [step, spec] of steps.entries())
      await applyStep(variant, compressStep.parse(spec), full, { variant: 0, step });
    expect(variant.failure).toBeNull();
    return measureVariant(variant, data.test);
  } finally {
    variant.handle.model.dispose();
  }
}

/** Accuracy points lost against the baseline (positive = worse), logged with both accuracies. */
function pointsLost(measure: VariantMeasure, name: string): number {
  const lost = 100 * (baselineAccuracy - measure.evaluation.accuracy);
  console.info(
    `${name}: accuracy ${measure.evaluation.accuracy} vs baseline ${baselineAccuracy} (${lost.toFixed(2)} points lost)`,
  );
  return lost;
}

describe('the 2NN baseline', () => {
  it('trains to at least 95% on the held-out digits, the level the must-holds are stated at', () => {
    expect(baselineTrainedTo).toBe('completed');
    expect(data.train.count).toBe(8000);
    expect(data.test.count).toBe(2000);
    expect(baselineAccuracy).toBeGreaterThanOrEqual(0.95);
  });
});

describe('int8 post-training quantization', () => {
  it('costs at most 1 point: int8 symmetric per-channel weights and calibrated int8 activations', async () => {
    const measure = await compress('int8', [
      {
        kind: 'quantize',
        bits: 8,
        scheme: 'symmetric',
        granularity: 'per-channel',
        calibrationSamples: 512,
      },
    ]);
    // The variant really computes in int8, weights and activations alike...
    expect(measure.precision).toBe('int8');
    expect(measure.activationFormat).toBe('int8');
    // ...and is stored so: one byte per kernel weight (784*200 + 200*200 + 200*10 = 198,800), the 410
    // biases and the 410 per-channel scales in float32 (1,640 bytes each), and headers well under 1 KB,
    // beside the metadata (architecture and the 5 activation ranges) that rebuilds the model.
    const kernels = 784 * 200 + 200 * 200 + 200 * 10;
    const weights = measure.encoded.bytes.length - measure.encoded.metadataBytes;
    expect(weights).toBeGreaterThanOrEqual(kernels + 410 * 4);
    expect(weights).toBeLessThan(kernels + 2 * 410 * 4 + 1024);
    console.info(`int8: ${measure.encoded.metadataBytes} bytes of metadata`);
    expect(pointsLost(measure, 'int8')).toBeLessThanOrEqual(1);
  }, 60_000);
});

describe('unstructured magnitude pruning', () => {
  it('at 80%, with one epoch of fine-tuning that keeps the masks, costs at most 2 points', async () => {
    const measure = await compress('prune80', [
      { kind: 'prune', sparsity: 0.8, scope: 'layer', schedule: 'oneshot', fineTuneEpochs: 1 },
    ]);
    // Per layer, exactly 80% of each kernel is zero after fine-tuning (156,800, 40,000 and 2,000
    // weights: all divisible by 5), so every multiply-accumulate layer keeps a fifth of its FLOPs.
    expect(measure.kernelSparsity).toBeCloseTo(0.8, 6);
    expect(measure.effectiveFlops / measure.flops).toBeCloseTo(0.2, 6);
    expect(pointsLost(measure, 'prune80')).toBeLessThanOrEqual(2);
  }, 60_000);
});

/**
 * Knowledge distillation (Hinton, Vinyals and Dean, 2015). Where it helps:
 * Hinton et al.'s speech model trained on 3% of the data generalised far
 * better from the soft targets than from the labels. Here the student is a
 * fresh 2NN trained on a stratified 5% of the training split (about 400 digits),
 * 20 epochs of Adam (lr 0.001, batches of 32), with T = 4 and alpha = 0.9
 * (the schema's defaults). Adam's steps do not scale with the gradient, so
 * the T^2 factor cannot pass for a larger learning rate.
 *
 * The control is the same step with alpha = 0: the loss is then exactly the
 * label cross-entropy (0 x KL adds nothing, to the loss or its gradient),
 * and the same variant name, step and seed give the same initial weights
 * and the same batches. So the two arms differ only in the teacher.
 *
 * Measured while choosing this setting (8 seeds): +2.26 points on average,
 * the smallest gain +1.75; T = 2, 8 and alpha = 0.5 gain on every seed too.
 * A capacity-limited student does not gain on this data: logistic regression
 * distilled at T = 4 loses 1.5 to 2 points to its label-only twin (Adam, 1 to
 * 40 epochs), as Hinton et al. (Section 2.1) and Cho and Hariharan ("On the
 * Efficacy of Knowledge Distillation", ICCV 2019) lead one to expect.
 */
describe('knowledge distillation', () => {
  const SEEDS = [1, 2, 3];
  const STUDENT_TRAINING: TrainingSpec = {
    optimizer: 'adam',
    learningRate: 0.001,
    momentum: 0.9,
    epochs: 20,
    batchSize: 32,
  };

  /** A stratified 5% of the training split: 5% of each class's samples, rounded. */
  function fewDigits(): Dataset {
    return splitDataset(data.train, { testFraction: 0.05, seed: SEED }).test;
  }

  async function studentAccuracy(alpha: number, seed: number, train: Dataset): Promise<number> {
    const step: StepInput = {
      kind: 'distill',
      student: { zoo: '2nn' },
      temperature: 4,
      alpha,
      epochs: STUDENT_TRAINING.epochs,
    };
    const measure = await compress('student', [step], {
      train,
      training: STUDENT_TRAINING,
      seed,
    });
    return measure.evaluation.accuracy;
  }

  it('a student distilled from the trained 2NN beats the same student trained on the labels alone, on every seed', async () => {
    const train = fewDigits();
    // 5% of 8,000 is 400; each of the 10 classes rounds its share by at most half a sample.
    expect(Math.abs(train.count - 400)).toBeLessThanOrEqual(5);
    const gains: number[] = [];
    const rows: string[] = [];
    for (const seed of SEEDS) {
      const distilled = await studentAccuracy(0.9, seed, train);
      const alone = await studentAccuracy(0, seed, train);
      gains.push(100 * (distilled - alone));
      rows.push(`seed ${seed}: ${distilled} vs ${alone}`);
    }
    const meanGain = gains.reduce((a, b) => a + b, 0) / gains.length;
    console.info(
      `distilled vs labels alone: ${rows.join('; ')}; mean gain ${meanGain.toFixed(2)} points`,
    );
    for (const gain of gains) expect(gain).toBeGreaterThan(0);
    expect(meanGain).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
