import { beforeAll, describe, expect, it } from 'vitest';
import { headLoss, headMask, MASKED } from '../../../src/ml/continual/mask.js';
import { type TaskData, withHeads } from '../../../src/ml/continual/tasks.js';
import type { Dataset } from '../../../src/ml/data/dataset.js';
import { initBackend, tf } from '../../../src/ml/runtime.js';
import { softmaxCrossEntropy } from '../../../src/ml/train/step.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** One sample per class of `classes`, one feature each: enough for a task's train and test sets. */
function tiny(classes: readonly number[]): Dataset {
  const labels = Int32Array.from(classes);
  const features = Float32Array.from(classes);
  return { name: 'tiny', features, labels, count: labels.length, sampleShape: [1], numClasses: 6 };
}

/**
 * Three tasks of unequal size, classes {0,1}, {2,3,4}, {5} (class identity
 * `dataset`). Task-incremental heads: units {0,1}, {2,3,4}, {5} of 6.
 * Class-incremental: unit = class, trainUnits 0-1, 0-4, 0-5. Domain: 3 units.
 */
const groups = [[0, 1], [2, 3, 4], [5]];
const data: TaskData[] = groups.map((classes, index) => ({
  index,
  name: `classes ${classes.join(',')}`,
  classes,
  train: tiny(classes),
  test: tiny(classes),
}));
const tasks = withHeads('three', data, 'dataset').tasks;

/** The open units (value 0) of row u of a `[units, units]` mask; every other entry must be MASKED. */
function openUnits(mask: Float32Array, u: number): number[] {
  const units = Math.round(Math.sqrt(mask.length));
  const row = Array.from(mask.subarray(u * units, (u + 1) * units));
  for (const v of row) expect(v === 0 || v === MASKED).toBe(true);
  return row.flatMap((v, k) => (v === 0 ? [k] : []));
}

describe('headMask', () => {
  it('task-incremental, last task: each row opens only its own task head (replayed units keep theirs)', () => {
    const mask = headMask(tasks, 2, 'task-incremental')!;
    expect(mask.length).toBe(36);
    expect([0, 1, 2, 3, 4, 5].map((u) => openUnits(mask, u))).toEqual([
      [0, 1],
      [0, 1],
      [2, 3, 4],
      [2, 3, 4],
      [2, 3, 4],
      [5],
    ]);
  });

  it('task-incremental, middle task: earlier and current heads own their rows; unseen units get the current head', () => {
    const mask = headMask(tasks, 1, 'task-incremental')!;
    expect([0, 1, 2, 3, 4, 5].map((u) => openUnits(mask, u))).toEqual([
      [0, 1],
      [0, 1],
      [2, 3, 4],
      [2, 3, 4],
      [2, 3, 4],
      [2, 3, 4],
    ]);
  });

  it('class-incremental: every row opens the classes seen so far (0-1 after task 0, 0-4 after task 1)', () => {
    const first = headMask(tasks, 0, 'class-incremental')!;
    const second = headMask(tasks, 1, 'class-incremental')!;
    for (let u = 0; u < 6; u++) {
      expect(openUnits(first, u)).toEqual([0, 1]);
      expect(openUnits(second, u)).toEqual([0, 1, 2, 3, 4]);
    }
  });

  it('class-incremental on the last task, with every unit seen, needs no mask (null)', () => {
    expect(headMask(tasks, 2, 'class-incremental')).toBeNull();
  });

  it('domain-incremental needs no mask on any task (null)', () => {
    for (let t = 0; t < 3; t++) expect(headMask(tasks, t, 'domain-incremental')).toBeNull();
  });
});

describe('headLoss', () => {
  /** Two task heads of two units on 4 outputs: {0,1} and {2,3}. */
  const mask = Float32Array.from(
    [
      [0, 0, MASKED, MASKED],
      [0, 0, MASKED, MASKED],
      [MASKED, MASKED, 0, 0],
      [MASKED, MASKED, 0, 0],
    ].flat(),
  );

  it('without a mask is softmaxCrossEntropy itself (the same function)', () => {
    expect(headLoss(null)).toBe(softmaxCrossEntropy);
  });

  it('with a mask is the cross-entropy over each row’s open units only: mean 1.72009485', () => {
    // Row 0: logits (1, 2 | 5, 0), label 0, open {0,1}: -log(e/(e + e^2)) = log(1 + e) = 1.31326169.
    // Row 1: logits (0.5, 3 | 1, -1), label 3, open {2,3}: 1 + log(e + 1/e) = 2.12692801.
    // Mean 1.72009485 (the plain loss over all four units would be 4.14191955).
    const logits = tf.tensor2d([
      [1, 2, 5, 0],
      [0.5, 3, 1, -1],
    ]);
    const labels = tf.tensor1d([0, 3], 'int32');
    const loss = headLoss(mask)(logits, labels, logits);
    expect(loss.dataSync()[0]).toBeCloseTo(1.7200948493, 5);
    tf.dispose([logits, labels, loss]);
  });

  it('sends no gradient to the logits of masked units', () => {
    // d(mean CE)/d logit = (softmax over open units - one-hot) / 2 on open units, 0 elsewhere:
    // row 0: (e/(e+e^2) - 1, e^2/(e+e^2)) / 2 = (-0.36552929, 0.36552929);
    // row 1: (e/(e+1/e), 1/e/(e+1/e) - 1) / 2 = (0.44039854, -0.44039854).
    const logits = tf.tensor2d([
      [1, 2, 5, 0],
      [0.5, 3, 1, -1],
    ]);
    const labels = tf.tensor1d([0, 3], 'int32');
    const loss = headLoss(mask);
    const grad = tf.grad((z: tf.Tensor) => loss(z as tf.Tensor2D, labels, z))(logits);
    const want = [-0.36552929, 0.36552929, 0, 0, 0, 0, 0.44039854, -0.44039854];
    const got = grad.dataSync();
    for (let k = 0; k < want.length; k++) expect(got[k]).toBeCloseTo(want[k]!, 6);
    tf.dispose([logits, labels, grad]);
  });
});
