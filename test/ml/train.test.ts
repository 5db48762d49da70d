import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/ml/data/dataset.js';
import { loadMnist } from '../../src/ml/data/mnist.js';
import { splitDataset, subset } from '../../src/ml/data/split.js';
import { evaluateModel, lossAndAccuracy, predictProbabilities } from '../../src/ml/evaluate.js';
import { handleOf } from '../../src/ml/models/handle.js';
import { loadModelFromDisk } from '../../src/ml/models/load.js';
import { getFlatWeights, setFlatWeights } from '../../src/ml/models/weights.js';
import { buildModel, type ZooModelName } from '../../src/ml/models/zoo.js';
import { initBackend, tf } from '../../src/ml/runtime.js';
import { type TrainOptions, trainModel } from '../../src/ml/train.js';

const MNIST_SHAPE = { inputShape: [28, 28, 1], numClasses: 10 } as const;

/** 256 MNIST digits, every 39th: the package stores digits class by class, so all ten occur. */
let small: Dataset;

beforeAll(async () => {
  await initBackend('wasm');
  small = subset(
    loadMnist(),
    Array.from({ length: 256 }, (_, i) => i * 39),
  );
});

function model(name: ZooModelName = 'logistic', seed = 1): tf.Sequential {
  return buildModel(name, { ...MNIST_SHAPE, seed });
}

/** Trains a fresh zoo model and returns its final flat weights. */
function trainedWeights(
  options: Partial<TrainOptions>,
  name: ZooModelName = 'logistic',
): Float32Array {
  const m = model(name);
  trainModel(m, small, { learningRate: 0.1, epochs: 1, batchSize: 32, seed: 1, ...options });
  const flat = getFlatWeights(m);
  m.dispose();
  return flat;
}

function distance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}

function maxAbsDifference(a: Float32Array, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('trainModel on MNIST', () => {
  it('trains the FedAvg 2NN to at least 95% test accuracy', { timeout: 180_000 }, () => {
    // 8,000 training and 2,000 test digits. Measured on wasm: 95.95% (seed 1); seeds 2-4
    // with other splits gave 95.60-96.55%, while 8 epochs fall short (94.85%).
    const split = splitDataset(loadMnist(), { testFraction: 0.2, seed: 1 });
    const m = model('2nn');
    const result = trainModel(m, split.train, {
      optimizer: 'momentum',
      learningRate: 0.1,
      momentum: 0.9,
      epochs: 10,
      batchSize: 128,
      seed: 1,
    });
    expect(result.kind).toBe('completed');
    expect(evaluateModel(m, split.test).accuracy).toBeGreaterThanOrEqual(0.95);
    m.dispose();
  });
});

describe('reproducibility', () => {
  it('gives bit-identical weights when the same seed trains twice', () => {
    const options = { optimizer: 'adam', learningRate: 0.001, epochs: 2 } as const;
    const a = trainedWeights(options, '2nn');
    const b = trainedWeights(options, '2nn');
    expect(a.every((v, i) => Object.is(v, b[i]))).toBe(true);
  });

  it('gives different weights for a different shuffle seed', () => {
    expect(trainedWeights({ seed: 1 })).not.toEqual(trainedWeights({ seed: 2 }));
  });

  it('trains a depthwise-separable CNN on wasm reproducibly', () => {
    const a = trainedWeights({ maxSteps: 2 }, 'ds-cnn');
    const b = trainedWeights({ maxSteps: 2 }, 'ds-cnn');
    const m = model('ds-cnn');
    expect(a).not.toEqual(getFlatWeights(m));
    expect(a.every((v, i) => Object.is(v, b[i]))).toBe(true);
    m.dispose();
  });
});

describe('bookkeeping', () => {
  it('takes ceil(count / batchSize) steps per epoch and reports each to afterStep', () => {
    const m = model();
    const seen: string[] = [];
    const result = trainModel(m, small, {
      learningRate: 0.1,
      epochs: 2,
      batchSize: 100,
      seed: 1,
      afterStep: (_model, { epoch, step }) => seen.push(`${epoch}:${step}`),
    });
    // 256 samples in batches of 100: 100, 100, 56.
    expect(result.history.map((h) => h.steps)).toEqual([3, 3]);
    expect(seen).toEqual(['0:0', '0:1', '0:2', '1:3', '1:4', '1:5']);
    expect(result.steps).toBe(6);
    m.dispose();
  });

  it('stops after maxSteps, even mid-epoch', () => {
    const m = model();
    const result = trainModel(m, small, {
      learningRate: 0.1,
      epochs: 5,
      batchSize: 100,
      seed: 1,
      maxSteps: 4,
    });
    expect([result.kind, result.steps, result.history.map((h) => h.steps)]).toEqual([
      'completed',
      4,
      [3, 1],
    ]);
    m.dispose();
  });

  it('frees every tensor it makes: the count is flat across steps and epochs', () => {
    const m = model('2nn');
    const anchor = getFlatWeights(m);
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    trainModel(m, small, {
      optimizer: 'adam',
      learningRate: 0.001,
      epochs: 3,
      batchSize: 64,
      seed: 1,
      proximal: { mu: 0.1, anchor },
      gradientCorrection: new Float32Array(anchor.length).fill(0.001),
      weightTransform: (w) => w,
      earlyStopping: { validation: small, patience: 5 },
      afterStep: () => counts.push(tf.memory().numTensors),
    });
    // 4 steps per epoch, 3 epochs; after the first step the optimizer's state exists.
    expect(counts).toHaveLength(12);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('rejects invalid options, naming the option and value', () => {
    const m = model();
    const base = { learningRate: 0.1, epochs: 1, batchSize: 32, seed: 1 };
    expect(() => trainModel(m, small, { ...base, batchSize: 0 })).toThrow(
      'batchSize(=0) must be an integer >= 1',
    );
    expect(() =>
      trainModel(m, small, { ...base, proximal: { mu: 1, anchor: new Float32Array(3) } }),
    ).toThrow('proximal.anchor length(=3) must equal');
    m.dispose();
  });

  it('rejects data that does not fit the model', () => {
    const m = model();
    const flat: Dataset = { ...small, sampleShape: [784] };
    expect(() =>
      trainModel(m, flat, { learningRate: 0.1, epochs: 1, batchSize: 32, seed: 1 }),
    ).toThrow(/model input shape \[28, 28, 1\] does not fit/);
    m.dispose();
  });
});

describe('divergence', () => {
  it('reports a loss that becomes NaN as a result, not an exception', () => {
    const m = model('2nn');
    const result = trainModel(m, small, { learningRate: 1e6, epochs: 3, batchSize: 32, seed: 1 });
    expect(result.kind).toBe('diverged');
    if (result.kind !== 'diverged') return;
    expect(Number.isFinite(result.loss)).toBe(false);
    expect(result.epoch).toBe(0);
    // The failing step was not applied: steps counts only the applied ones.
    expect(result.steps).toBe(result.step);
    m.dispose();
  });
});

describe('hooks', () => {
  it('uses a custom loss with the batch logits, int32 labels and inputs', () => {
    const seen: string[] = [];
    const initial = getFlatWeights(model());
    const weights = trainedWeights({
      maxSteps: 1,
      loss: (logits, labels, inputs) => {
        seen.push(`${logits.shape} ${labels.dtype} ${labels.shape} ${inputs.shape}`);
        // Zero everywhere: the gradient is zero, so plain SGD leaves the weights alone.
        return tf.mul(0, tf.sum(logits)) as tf.Scalar;
      },
    });
    expect(seen).toEqual(['32,10 int32 32 32,28,28,1']);
    expect(weights).toEqual(initial);
  });

  it('adds the proximal term (mu/2)||w - anchor||^2: its gradient mu(w - a) alone halves w - a when lr*mu = 1/2', () => {
    const zeroLoss = (logits: tf.Tensor2D) => tf.mul(0, tf.sum(logits)) as tf.Scalar;
    const initial = getFlatWeights(model());
    const anchor = new Float32Array(initial.length);
    // w_{k+1} = w_k - lr * mu * (w_k - a): with a = 0, lr = 0.1, mu = 5, two steps scale w by 1/4.
    const weights = trainedWeights({ maxSteps: 2, loss: zeroLoss, proximal: { mu: 5, anchor } });
    expect(
      maxAbsDifference(
        weights,
        initial.map((w) => w / 4),
      ),
    ).toBeLessThan(1e-7);
  });

  it('keeps the weights closer to the anchor with mu > 0 than with mu = 0', () => {
    const anchor = getFlatWeights(model());
    const options = { epochs: 3, optimizer: 'momentum' } as const;
    const free = trainedWeights({ ...options, proximal: { mu: 0, anchor } });
    const held = trainedWeights({ ...options, proximal: { mu: 1, anchor } });
    const drift = distance(free, anchor);
    expect(drift).toBeGreaterThan(0);
    expect(distance(held, anchor)).toBeLessThan(0.8 * drift);
  });

  it('shifts a one-step SGD update by -lr * c with gradientCorrection c', () => {
    // One full-batch step: w1 = w0 - lr (g + c), so the shift from plain SGD is -0.1 * 0.5 = -0.05
    // for every weight, up to float32 rounding of weights of size ~0.1 (ulp ~ 7e-9).
    const oneStep = { batchSize: 256, maxSteps: 1, learningRate: 0.1 };
    const plain = trainedWeights(oneStep);
    const c = new Float32Array(plain.length).fill(0.5);
    const corrected = trainedWeights({ ...oneStep, gradientCorrection: c });
    const shift = corrected.map((w, i) => w - plain[i]!);
    expect(maxAbsDifference(shift, new Float32Array(shift.length).fill(-0.05))).toBeLessThan(1e-7);
  });

  it('with an identity weightTransform trains exactly as without one', () => {
    const options = { epochs: 2, optimizer: 'adam', learningRate: 0.01 } as const;
    const plain = trainedWeights(options);
    const transformed = trainedWeights({ ...options, weightTransform: (w) => w });
    expect(transformed.every((v, i) => Object.is(v, plain[i]))).toBe(true);
  });

  it('computes the gradient at the transformed weights and applies it to the float weights', () => {
    // Transform to all zeros: w1 = w0 - lr * g(0). A model starting at zero takes the step
    // 0 - lr * g(0), so w1 - w0 equals that model's weights.
    const oneStep = { batchSize: 256, maxSteps: 1 };
    const zeros = (w: Float32Array) => new Float32Array(w.length);
    const w0 = getFlatWeights(model());
    const w1 = trainedWeights({ ...oneStep, weightTransform: zeros });
    const fromZero = model();
    setFlatWeights(fromZero, new Float32Array(w0.length));
    trainModel(fromZero, small, { learningRate: 0.1, epochs: 1, seed: 1, ...oneStep });
    const step = getFlatWeights(fromZero);
    expect(
      maxAbsDifference(
        w1.map((w, i) => w - w0[i]!),
        step,
      ),
    ).toBeLessThan(1e-7);
    fromZero.dispose();
  });

  it('trains a model that outputs probabilities as the same model outputting logits', () => {
    const logits = model();
    const probabilities = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [28, 28, 1] }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    setFlatWeights(probabilities, getFlatWeights(logits));
    expect(handleOf(probabilities).outputs).toBe('probabilities');
    // log softmax(z) differs from z by a constant per row, so the cross-entropy and its gradient agree.
    const options = { learningRate: 0.1, epochs: 1, batchSize: 64, seed: 1 };
    trainModel(logits, small, options);
    trainModel(probabilities, small, options);
    expect(maxAbsDifference(getFlatWeights(probabilities), getFlatWeights(logits))).toBeLessThan(
      1e-5,
    );
    logits.dispose();
    probabilities.dispose();
  });
});

describe('early stopping', () => {
  it('stops when validation loss stops improving and restores the best epoch', () => {
    // Validate against deliberately wrong labels (y + 1 mod 10): learning the true labels makes
    // the validation loss worse, so epoch 0 is best and patience 0 stops after epoch 1.
    const wrong: Dataset = { ...small, labels: small.labels.map((y) => (y + 1) % 10) };
    const m = model('2nn');
    const result = trainModel(m, small, {
      optimizer: 'adam',
      learningRate: 0.01,
      epochs: 10,
      batchSize: 32,
      seed: 1,
      earlyStopping: { validation: wrong, patience: 0 },
    });
    expect(result.kind).toBe('stopped-early');
    if (result.kind !== 'stopped-early') return;
    expect(result.restoredEpoch).toBe(0);
    const [first, second] = result.history.map((h) => h.validation?.loss ?? Number.NaN);
    expect(result.history).toHaveLength(2);
    expect(second).toBeGreaterThan(first!);
    // The model holds epoch 0's weights again: its validation loss is epoch 0's, bit for bit.
    expect(lossAndAccuracy(m, wrong).loss).toBe(first);
    m.dispose();
  });

  it('with metric accuracy keeps the epoch of highest validation accuracy', () => {
    const m = model();
    const result = trainModel(m, small, {
      learningRate: 0.1,
      epochs: 4,
      batchSize: 32,
      seed: 1,
      earlyStopping: { validation: small, patience: 10, metric: 'accuracy' },
    });
    const accuracies = result.history.map((h) => h.validation?.accuracy ?? 0);
    const best = accuracies.indexOf(Math.max(...accuracies));
    expect(result.kind).toBe('completed');
    if (result.kind !== 'completed') return;
    expect(result.restoredEpoch).toBe(best);
    expect(lossAndAccuracy(m, small).accuracy).toBe(accuracies[best]);
    m.dispose();
  });
});

describe('evaluateModel', () => {
  it('scores uniform predictions by hand: loss ln 10, argmax ties go to class 0', () => {
    const m = model('2nn');
    setFlatWeights(m, new Float32Array(199_210));
    const evaluation = evaluateModel(m, small);
    // Zero weights: every logit 0, every probability 1/10, so -ln p(label) = ln 10 for every sample.
    expect(evaluation.loss).toBeCloseTo(Math.log(10), 6);
    // Every sample is predicted class 0, so accuracy is the share of zeros among the labels.
    const zeros = small.labels.filter((y) => y === 0).length;
    expect(evaluation.accuracy).toBe(zeros / small.count);
    expect(evaluation.confusion.reduce((a, b) => a + b, 0)).toBe(small.count);
    m.dispose();
  });

  it("uses a softmax model's own probabilities, not a second softmax", async () => {
    const handle = await loadModelFromDisk(
      join(import.meta.dirname, '..', 'fixtures', 'models', 'tiny-softmax', 'model.json'),
    );
    const data: Dataset = {
      name: 'two',
      features: new Float32Array([Math.LN2, 0]),
      labels: new Int32Array([0]),
      count: 1,
      sampleShape: [2],
      numClasses: 3,
    };
    // The fixture maps [ln 2, 0] to logits [ln 2, 0, 0]: softmax [1/2, 1/4, 1/4]; loss -ln(1/2).
    const p = Array.from(predictProbabilities(handle, data));
    expect(p.map((v) => v.toFixed(6))).toEqual(['0.500000', '0.250000', '0.250000']);
    expect(evaluateModel(handle, data).loss).toBeCloseTo(Math.LN2, 6);
    handle.model.dispose();
  });
});
