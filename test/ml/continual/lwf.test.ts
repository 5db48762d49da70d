import { beforeAll, describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { distillationTerm, lwfLoss } from '../../../src/ml/continual/lwf.js';
import type { Dataset } from '../../../src/ml/data/dataset.js';
import { handleOf } from '../../../src/ml/models/handle.js';
import { getFlatWeights, setFlatWeights } from '../../../src/ml/models/weights.js';
import { buildModel } from '../../../src/ml/models/zoo.js';
import { initBackend, tf } from '../../../src/ml/runtime.js';
import { trainModel } from '../../../src/ml/train.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/**
 * The 3-class example, T = 2. New logits z = (1, 2, 0), old z_old = (2, 0, 1);
 * z / T = (0.5, 1, 0), z_old / T = (1, 0, 0.5): the same three numbers permuted, so both
 * softmaxes share the normaliser S = e^0 + e^0.5 + e^1 = 5.36700...
 * p_old = (e^1, e^0, e^0.5) / S = (0.506480, 0.186324, 0.307196);
 * log p_old - log p_new = z_old / T - z / T = (0.5, -1, 0.5);
 * KL = 0.506480 * 0.5 - 0.186324 + 0.307196 * 0.5 = 0.220514; times T^2 = 4: 0.882058.
 */
const NEW = [[1, 2, 0]];
const OLD = [[2, 0, 1]];
const TERM = 0.882058;

/** A model on one input whose logits are `bias` whatever the input (zero kernel). */
function constantLogits(bias: number[]): tf.Sequential {
  const model = buildModel('logistic', { inputShape: [1], numClasses: bias.length, seed: 1 });
  setFlatWeights(model, Float32Array.from([...bias.map(() => 0), ...bias]));
  return model;
}

function synthetic(seed: number): Dataset {
  const s = new RandomStreams(seed).stream('data');
  const count = 48;
  const features = Float32Array.from({ length: count * 4 }, () => s.normal());
  const labels = Int32Array.from({ length: count }, (_, i) => i % 3);
  return { name: 'synthetic', features, labels, count, sampleShape: [4], numClasses: 3 };
}

describe('LwF distillation term', () => {
  it('equals T^2 KL(p_old || p_new) worked by hand on a 3-class example', () => {
    const value = tf.tidy(
      () => distillationTerm(tf.tensor2d(NEW), tf.tensor2d(OLD), 2).dataSync()[0],
    );
    expect(value).toBeCloseTo(TERM, 5);
  });

  it('is 0 on columns where old and new differ by a constant: columns (0, 2) give (0.5, 0) and (1, 0.5)', () => {
    const teacher = handleOf(constantLogits(OLD[0]!));
    const loss = lwfLoss({ teacher, temperature: 2, alpha: 1, columns: [0, 2] });
    const value = tf.tidy(
      () => loss(tf.tensor2d(NEW), tf.tensor1d([0], 'int32'), tf.tensor2d([[0]])).dataSync()[0],
    );
    expect(value).toBeCloseTo(0, 6);
    teacher.model.dispose();
  });

  it('mixes with the hard loss: (1 - alpha) CE + alpha T^2 KL', () => {
    // CE of label 0 under z = (1, 2, 0): log(e^1 + e^2 + e^0) - 1 = 1.407606;
    // alpha = 0.25: 0.75 * 1.407606 + 0.25 * 0.882058 = 1.276219.
    const teacher = handleOf(constantLogits(OLD[0]!));
    const loss = lwfLoss({ teacher, temperature: 2, alpha: 0.25 });
    const value = tf.tidy(
      () => loss(tf.tensor2d(NEW), tf.tensor1d([0], 'int32'), tf.tensor2d([[5]])).dataSync()[0],
    );
    expect(value).toBeCloseTo(1.276219, 5);
    teacher.model.dispose();
  });
});

describe('LwF training', () => {
  it('with alpha = 0 gives the same bits as plain fine-tuning; alpha > 0 does not', () => {
    const data = synthetic(1);
    const teacher = handleOf(buildModel('logistic', { inputShape: [4], numClasses: 3, seed: 9 }));
    const train = (alpha: number | undefined): Float32Array => {
      const model = buildModel('logistic', { inputShape: [4], numClasses: 3, seed: 2 });
      const loss = alpha === undefined ? undefined : lwfLoss({ teacher, temperature: 2, alpha });
      trainModel(model, data, {
        learningRate: 0.1,
        epochs: 2,
        batchSize: 8,
        seed: 3,
        ...(loss ? { loss } : {}),
      });
      const flat = getFlatWeights(model);
      model.dispose();
      return flat;
    };
    const plain = train(undefined);
    expect(Buffer.from(train(0).buffer)).toEqual(Buffer.from(plain.buffer));
    expect(Buffer.from(train(0.5).buffer)).not.toEqual(Buffer.from(plain.buffer));
    teacher.model.dispose();
  });
});

describe('LwF refuses bad input', () => {
  const teacher = { model: {} as tf.LayersModel, outputs: 'logits' } as const;
  it('T <= 0', () => {
    expect(() => lwfLoss({ teacher, temperature: 0, alpha: 0.5 })).toThrow(
      /temperature\(=0\) must be a finite number > 0/,
    );
  });
  it('alpha outside [0, 1]', () => {
    expect(() => lwfLoss({ teacher, temperature: 2, alpha: 1.5 })).toThrow(
      /alpha\(=1.5\) must be in \[0, 1\]/,
    );
    expect(() => lwfLoss({ teacher, temperature: 2, alpha: -0.1 })).toThrow(/alpha\(=-0.1\)/);
  });
});
