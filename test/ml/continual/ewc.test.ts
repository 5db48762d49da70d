import { beforeAll, describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { consolidate, EwcPenalty, ewcLoss } from '../../../src/ml/continual/ewc.js';
import { diagonalFisher } from '../../../src/ml/continual/fisher.js';
import type { Dataset } from '../../../src/ml/data/dataset.js';
import { getFlatWeights, setFlatWeights } from '../../../src/ml/models/weights.js';
import { buildModel } from '../../../src/ml/models/zoo.js';
import { initBackend, tf } from '../../../src/ml/runtime.js';
import { trainModel } from '../../../src/ml/train.js';

/** Element-wise toBeCloseTo. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits = 5): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) expect(actual[k]).toBeCloseTo(expected[k]!, digits);
}

beforeAll(async () => {
  await initBackend('wasm');
});

/** A dense layer of one unit on one input: two parameters, w (kernel) then b (bias). */
function twoParameterModel(w: number, b: number): tf.Sequential {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })],
  });
  setFlatWeights(model, Float32Array.of(w, b));
  return model;
}

/** 48 samples of 4 features in 3 classes, drawn from a seeded stream. */
function synthetic(seed: number): Dataset {
  const s = new RandomStreams(seed).stream('data');
  const count = 48;
  const features = Float32Array.from({ length: count * 4 }, () => s.normal());
  const labels = Int32Array.from({ length: count }, (_, i) => i % 3);
  return { name: 'synthetic', features, labels, count, sampleShape: [4], numClasses: 3 };
}

describe('EWC penalty', () => {
  it('on two parameters its gradient is lambda * F * (theta - theta*) and its value (lambda/2) sum F d^2', () => {
    // theta = (0.5, -1), theta* = (0.2, 0.3), F = (2, 0.5), lambda = 3:
    // gradient = (3 * 2 * 0.3, 3 * 0.5 * -1.3) = (1.8, -1.95);
    // value = 1.5 * (2 * 0.09 + 0.5 * 1.69) = 1.5 * 1.025 = 1.5375.
    const model = twoParameterModel(0.5, -1);
    const penalty = new EwcPenalty(
      model,
      { fisher: Float32Array.of(2, 0.5), anchor: Float32Array.of(0.2, 0.3) },
      3,
    );
    const [kernel, bias] = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => penalty.term(), [kernel!, bias!]);
    expect(value.dataSync()[0]).toBeCloseTo(1.5375, 5);
    expect(grads[kernel!.name]!.dataSync()[0]).toBeCloseTo(1.8, 5);
    expect(grads[bias!.name]!.dataSync()[0]).toBeCloseTo(-1.95, 5);
    tf.dispose([value, ...Object.values(grads)]);
    penalty.dispose();
    model.dispose();
  });

  it('with lambda = 0 training gives the same bits as plain fine-tuning; lambda > 0 does not', () => {
    const data = synthetic(1);
    const train = (lambda: number | undefined): Float32Array => {
      const model = buildModel('logistic', { inputShape: [4], numClasses: 3, seed: 2 });
      const anchor = getFlatWeights(model).map((v) => v + 0.5);
      const memory = { fisher: new Float32Array(anchor.length).fill(1), anchor };
      const penalty = lambda === undefined ? undefined : new EwcPenalty(model, memory, lambda);
      const loss = penalty === undefined ? undefined : ewcLoss(penalty);
      trainModel(model, data, {
        learningRate: 0.1,
        epochs: 2,
        batchSize: 8,
        seed: 3,
        ...(loss ? { loss } : {}),
      });
      penalty?.dispose();
      const flat = getFlatWeights(model);
      model.dispose();
      return flat;
    };
    const plain = train(undefined);
    expect(Buffer.from(train(0).buffer)).toEqual(Buffer.from(plain.buffer));
    expect(Buffer.from(train(1).buffer)).not.toEqual(Buffer.from(plain.buffer));
  });

  it('refuses lambda < 0, naming it', () => {
    const model = twoParameterModel(0, 0);
    const memory = { fisher: Float32Array.of(1, 1), anchor: Float32Array.of(0, 0) };
    expect(() => new EwcPenalty(model, memory, -1)).toThrow(
      /lambda\(=-1\) must be a finite number >= 0/,
    );
    model.dispose();
  });

  it('refuses a Fisher of the wrong length or with a negative entry', () => {
    const model = twoParameterModel(0, 0);
    expect(
      () => new EwcPenalty(model, { fisher: Float32Array.of(1), anchor: Float32Array.of(0) }, 1),
    ).toThrow(/fisher length\(=1\)/);
    expect(
      () =>
        new EwcPenalty(model, { fisher: Float32Array.of(1, -2), anchor: Float32Array.of(0, 0) }, 1),
    ).toThrow(/fisher\[1\]\(=-2\)/);
    model.dispose();
  });
});

describe('EWC end to end', () => {
  it('after task A, learning task B with EWC stays nearer A in the Fisher metric than fine-tuning', () => {
    // Task B: the same inputs with labels shifted by one class, so fine-tuning drifts far from A.
    const a = synthetic(5);
    const b = { ...a, labels: a.labels.map((y) => (y + 1) % 3) };
    const options = { learningRate: 0.1, epochs: 3, batchSize: 8, seed: 3 };
    const base = buildModel('logistic', { inputShape: [4], numClasses: 3, seed: 2 });
    trainModel(base, a, options);
    const memory = { fisher: diagonalFisher(base, a), anchor: getFlatWeights(base) };
    const drift = (lambda: number): number => {
      const model = buildModel('logistic', { inputShape: [4], numClasses: 3, seed: 2 });
      setFlatWeights(model, memory.anchor);
      const penalty = new EwcPenalty(model, memory, lambda);
      trainModel(model, b, { ...options, loss: ewcLoss(penalty) });
      penalty.dispose();
      const theta = getFlatWeights(model);
      model.dispose();
      return theta.reduce((s, v, k) => s + memory.fisher[k]! * (v - memory.anchor[k]!) ** 2, 0);
    };
    // max F is about 0.31 here, so lambda * learningRate * max F = 20 * 0.1 * 0.31 < 2: the
    // penalty pulls without oscillating (lambda = 100 diverges). Measured: 0.040 vs 0.0011.
    expect(drift(20)).toBeLessThan(drift(0) / 4);
    base.dispose();
  });
});

describe('online EWC (consolidate)', () => {
  it('F = gamma F_old + F_new and the anchor is the new one', () => {
    // gamma = 0.5: (0.5 * 2 + 1, 0.5 * 4 + 1) = (2, 3).
    const old = { fisher: Float32Array.of(2, 4), anchor: Float32Array.of(9, 9) };
    const fresh = { fisher: Float32Array.of(1, 1), anchor: Float32Array.of(1, 2) };
    const next = consolidate(old, fresh, 0.5);
    expect([...next.fisher]).toEqual([2, 3]);
    expect([...next.anchor]).toEqual([1, 2]);
    expect([...consolidate(undefined, fresh, 0.5).fisher]).toEqual([1, 1]);
  });

  it('refuses gamma outside [0, 1]', () => {
    const m = { fisher: Float32Array.of(1), anchor: Float32Array.of(0) };
    expect(() => consolidate(m, m, 1.5)).toThrow(/gamma\(=1.5\) must be in \[0, 1\]/);
  });
});

describe('diagonal empirical Fisher', () => {
  /**
   * Logistic model 2 -> 2 with W = 0, b = (ln 3, 0): p = (3/4, 1/4) for every x.
   * d log p(y|x) / dz = e_y - p. Sample 1: x = (1, 2), y = 0: delta = (0.25, -0.25);
   * dW = x delta^T = [[0.25, -0.25], [0.5, -0.5]], squares [[0.0625, 0.0625], [0.25, 0.25]].
   * Sample 2: x = (3, -1), y = 1: delta = (-0.75, 0.75); dW = [[-2.25, 2.25], [0.75, -0.75]],
   * squares [[5.0625, 5.0625], [0.5625, 0.5625]]. Mean W: [[2.5625, 2.5625], [0.40625, 0.40625]];
   * bias: (0.0625 + 0.5625) / 2 = 0.3125 each.
   */
  const expected = [2.5625, 2.5625, 0.40625, 0.40625, 0.3125, 0.3125];
  const data: Dataset = {
    name: 'two',
    features: Float32Array.of(1, 2, 3, -1),
    labels: Int32Array.of(0, 1),
    count: 2,
    sampleShape: [2],
    numClasses: 2,
  };
  const tiny = () => {
    const model = buildModel('logistic', { inputShape: [2], numClasses: 2, seed: 1 });
    setFlatWeights(model, Float32Array.of(0, 0, 0, 0, Math.log(3), 0));
    return model;
  };

  for (const method of ['per-sample', 'dense'] as const) {
    it(`of a tiny model on two samples equals the hand computation (${method})`, () => {
      const model = tiny();
      const fisher = diagonalFisher(model, data, { method });
      expectClose(fisher, expected);
      model.dispose();
    });
  }

  it('the batched dense path equals per-sample autodiff on a 2-hidden-layer ReLU net', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 6, inputShape: [4], activation: 'relu' }),
        tf.layers.dense({ units: 5, activation: 'tanh' }),
        tf.layers.dense({ units: 3 }),
      ],
    });
    const data = synthetic(4);
    const a = diagonalFisher(model, data, { method: 'dense', batchSize: 7 });
    const b = diagonalFisher(model, data, { method: 'per-sample' });
    expectClose(a, b);
    model.dispose();
  });

  it('a model ending in softmax gives the Fisher of the same model ending in logits', () => {
    const softmax = tf.sequential({
      layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: 'softmax' })],
    });
    setFlatWeights(softmax, Float32Array.of(0, 0, 0, 0, Math.log(3), 0));
    for (const method of ['per-sample', 'dense'] as const) {
      expectClose(diagonalFisher(softmax, data, { method }), expected);
    }
    softmax.dispose();
  });

  it('frees every tensor it creates', () => {
    const model = tiny();
    const before = tf.memory().numTensors;
    diagonalFisher(model, data, { method: 'dense' });
    diagonalFisher(model, data, { method: 'per-sample' });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
