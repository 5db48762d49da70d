import { beforeAll, describe, expect, it } from 'vitest';
import { headsOf } from '../../../src/ml/continual/heads.js';
import { scoreTask } from '../../../src/ml/continual/score.js';
import type { ContinualTask } from '../../../src/ml/continual/tasks.js';
import type { Dataset } from '../../../src/ml/data/dataset.js';
import { initBackend, tf } from '../../../src/ml/runtime.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** A linear model with an identity kernel and no bias: its logits are its inputs. */
function identityModel(units: number): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [units],
        units,
        useBias: false,
        kernelInitializer: 'identity',
      }),
    ],
  });
  return model;
}

/** Task 1 of a two-task split stream ({0,1}, {2,3}) whose test samples are `logits` with `labels`. */
function task1(logits: number[][], labels: number[]): ContinualTask {
  const test: Dataset = {
    name: 'hand',
    features: Float32Array.from(logits.flat()),
    labels: Int32Array.from(labels),
    count: labels.length,
    sampleShape: [logits[0]!.length],
    numClasses: 4,
  };
  const heads = headsOf(
    [
      [0, 1],
      [2, 3],
    ],
    'dataset',
  )[1]!;
  return { index: 1, name: 'classes 2,3', classes: [2, 3], train: test, test, heads };
}

describe('scoreTask', () => {
  // label 2: [5, 0, 1, 0.5] -> task units {2, 3}: 2 (right); all units: 0 (wrong)
  // label 3: [0, 9, 2, 3]   -> 3 (right); 1 (wrong)
  // label 2: [0, 0, 4, 1]   -> 2 (right); 2 (right)
  // label 3: [0, 0, 2, 1]   -> 2 (wrong); 2 (wrong)
  const logits = [
    [5, 0, 1, 0.5],
    [0, 9, 2, 3],
    [0, 0, 4, 1],
    [0, 0, 2, 1],
  ];
  const task = task1(logits, [2, 3, 2, 3]);

  it('takes the argmax over the task own units under task-incremental learning: 3/4', () => {
    expect(scoreTask(identityModel(4), task, 'task-incremental')).toBe(0.75);
  });

  it('takes the argmax over all units under class-incremental learning: 1/4', () => {
    expect(scoreTask(identityModel(4), task, 'class-incremental')).toBe(0.25);
  });

  it('scores the within-task label on one 2-unit head under domain-incremental learning: 2/3', () => {
    // label 3 -> unit 1: [0, 1] right; label 2 -> unit 0: [3, 1] right; label 2: [0, 2] wrong.
    const domain = task1(
      [
        [0, 1],
        [3, 1],
        [0, 2],
      ],
      [3, 2, 2],
    );
    expect(scoreTask(identityModel(2), domain, 'domain-incremental')).toBeCloseTo(2 / 3, 12);
  });

  it('refuses a model whose output width is not the head', () => {
    expect(() => scoreTask(identityModel(4), task, 'domain-incremental')).toThrow(
      /outputs 4 units; domain-incremental on this stream needs 2/,
    );
  });
});
