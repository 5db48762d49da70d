import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { csvTasks } from '../../../src/ml/continual/csv-tasks.js';
import { headsOf, mapLabels } from '../../../src/ml/continual/heads.js';
import { splitMnist, splitTasks } from '../../../src/ml/continual/tasks.js';
import {
  permutedMnist,
  rotateImage,
  taskPermutation,
} from '../../../src/ml/continual/transforms.js';
import type { Dataset } from '../../../src/ml/data/dataset.js';
import { loadMnist } from '../../../src/ml/data/mnist.js';
import { splitDataset } from '../../../src/ml/data/split.js';

/** `count` 4x4 one-channel images; sample i's pixel p is i * 16 + p; labels i % classes. */
function tinyImages(count: number, classes: number): Dataset {
  const features = Float32Array.from({ length: count * 16 }, (_, k) => k);
  const labels = Int32Array.from({ length: count }, (_, i) => i % classes);
  return { name: 'tiny', features, labels, count, sampleShape: [4, 4, 1], numClasses: classes };
}

describe('split MNIST', () => {
  const stream = splitMnist(loadMnist(), { seed: 7 });

  it('has 5 tasks, task t holding exactly digits 2t and 2t+1', () => {
    expect(stream.tasks.map((t) => t.classes)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [8, 9],
    ]);
    for (const task of stream.tasks) {
      const seen = new Set([...task.train.labels, ...task.test.labels]);
      expect([...seen].sort()).toEqual(task.classes);
    }
  });

  it('uses every digit once: per-class counts over all tasks equal the dataset', () => {
    const mnist = loadMnist();
    const want = new Array(10).fill(0);
    for (const l of mnist.labels) want[l]++;
    const got = new Array(10).fill(0);
    for (const t of stream.tasks) for (const l of [...t.train.labels, ...t.test.labels]) got[l]++;
    expect(got).toEqual(want);
  });

  it('holds out 20% of each class by default (digit 0: round(1001 * 0.2) = 200)', () => {
    expect(stream.tasks[0]!.test.labels.filter((l) => l === 0).length).toBe(200);
  });

  it('maps labels to parity under domain-incremental learning', () => {
    for (const task of stream.tasks) {
      const head = task.heads['domain-incremental'];
      expect(head.outputUnits).toBe(2);
      for (const c of task.classes) expect(head.unitOf.get(c)).toBe(c % 2);
      const mapped = mapLabels(task.test, head);
      expect([...mapped.labels].every((l, i) => l === task.test.labels[i]! % 2)).toBe(true);
    }
  });

  it('trains 2(t+1) class-incremental units after task t and scores over all 10', () => {
    stream.tasks.forEach((task, t) => {
      const head = task.heads['class-incremental'];
      expect(head.trainUnits).toEqual(Array.from({ length: 2 * (t + 1) }, (_, u) => u));
      expect(head.scoreUnits.length).toBe(10);
      expect(head.unitOf.get(2 * t)).toBe(2 * t);
    });
  });

  it('gives each task its own two units under task-incremental learning', () => {
    expect(stream.tasks.map((t) => t.heads['task-incremental'].scoreUnits)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [8, 9],
    ]);
  });
});

describe('class groups', () => {
  const data = tinyImages(40, 4);

  it('refuses groups that leave a class out', () => {
    expect(() => splitTasks(data, [[0], [1, 2]], { seed: 1 })).toThrow(
      /do not cover class\(es\) 3/,
    );
  });

  it('refuses a class in two groups', () => {
    expect(() =>
      splitTasks(
        data,
        [
          [0, 1],
          [1, 2, 3],
        ],
        { seed: 1 },
      ),
    ).toThrow(/class 1 is in groups\[0\] and groups\[1\]/);
  });

  it('refuses a single group', () => {
    expect(() => splitTasks(data, [[0, 1, 2, 3]], { seed: 1 })).toThrow(/at least 2 class groups/);
  });
});

describe('permuted MNIST', () => {
  it('draws a bijection, the same for the same seed and task', () => {
    const perm = taskPermutation(784, 3, 1);
    expect([...perm].sort((a, b) => a - b)).toEqual(Array.from({ length: 784 }, (_, i) => i));
    expect(taskPermutation(784, 3, 1)).toEqual(perm);
    expect(taskPermutation(784, 4, 1)).not.toEqual(perm);
    expect(taskPermutation(784, 3, 2)).not.toEqual(perm);
  });

  it('moves pixel perm[i] of each digit to pixel i, every task permuted unless identityFirst', () => {
    const data = tinyImages(20, 2);
    const stream = permutedMnist(data, { tasks: 3, seed: 5, identityFirst: true });
    expect(stream.tasks[0]!.name).toBe('identity');
    expect(stream.tasks[0]!.train.features).toEqual(
      splitDataset(data, { testFraction: 0.2, seed: 5 }).train.features,
    );
    const perm = taskPermutation(16, 5, 2);
    const plain = stream.tasks[0]!.train;
    const shifted = stream.tasks[2]!.train;
    for (let i = 0; i < 16; i++)
      expect(shifted.features[16 + i]).toBe(plain.features[16 + perm[i]!]);
    const allPermuted = permutedMnist(data, { tasks: 2, seed: 5 });
    const perm0 = taskPermutation(16, 5, 0);
    expect(allPermuted.tasks[0]!.train.features[3]).toBe(plain.features[perm0[3]!]);
  });

  it("makes each task's digits new classes under class-incremental learning", () => {
    const stream = permutedMnist(tinyImages(20, 2), { tasks: 3, seed: 5 });
    expect(stream.tasks[2]!.heads['class-incremental'].unitOf.get(1)).toBe(5);
    expect(stream.tasks[2]!.heads['class-incremental'].outputUnits).toBe(6);
    expect(stream.tasks[2]!.heads['domain-incremental'].unitOf.get(1)).toBe(1);
  });
});

describe('rotation', () => {
  const image = new Float32Array(28 * 28);
  image[0 * 28 + 27] = 1;
  image[2 * 28 + 20] = 0.5;

  it('is the identity at 0 degrees', () => {
    const out = new Float32Array(image.length);
    rotateImage(image, [28, 28, 1], 0, out);
    expect(out).toEqual(image);
  });

  it('moves (r, c) = (0, 27) to (0, 0) and (2, 20) to (7, 2) at 90 degrees counter-clockwise', () => {
    // Centre 13.5: (2, 20) is x = 6.5, y = 11.5; turned 90 deg it is x = -11.5, y = 6.5, i.e. c = 2, r = 7.
    const out = new Float32Array(image.length);
    rotateImage(image, [28, 28, 1], 90, out);
    expect(out[0]).toBe(1);
    expect(out[7 * 28 + 2]).toBe(0.5);
    expect(out.reduce((a, b) => a + b, 0)).toBe(1.5);
  });

  it('interpolates bilinearly: 45 degrees spreads a pixel over its neighbours', () => {
    // 3x3, centre pixel stays; pixel (1, 2) (x = 1, y = 0) goes to (x, y) = (0.707, 0.707).
    const small = new Float32Array(9);
    small[1 * 3 + 2] = 1;
    const out = new Float32Array(9);
    rotateImage(small, [3, 3, 1], 45, out);
    // Output (0, 2) is x = 1, y = 1: source x = sqrt2, y = 0 -> c = 2.414, r = 1: weight 1 - 0.414 on (1, 2).
    expect(out[0 * 3 + 2]).toBeCloseTo(2 - Math.SQRT2, 6);
  });
});

describe('CSV tasks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-tasks-'));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const rows = (task: string, labels: string[]) =>
    labels.map((l, i) => `${i},${i * 2},${task},${l}`);

  it('makes tasks of the task column in order of first appearance', () => {
    const file = write(
      'ok.csv',
      [
        'x,y,task,label',
        ...rows('b', ['cat', 'dog', 'cat', 'dog', 'cat', 'dog']),
        ...rows('a', ['dog', 'eel', 'dog', 'eel', 'dog', 'eel']),
      ].join('\n'),
    );
    const stream = csvTasks(file, { taskColumn: 'task', seed: 1, testFraction: 0.34 });
    expect(stream.tasks.map((t) => t.name)).toEqual(['b', 'a']);
    expect(stream.classNames).toEqual(['cat', 'dog', 'eel']);
    expect(stream.tasks.map((t) => t.classes)).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(stream.tasks[0]!.train.sampleShape).toEqual([2]);
    // dog is one class: the same class-incremental unit in both tasks.
    expect(stream.tasks[1]!.heads['class-incremental'].unitOf.get(1)).toBe(1);
    expect(stream.tasks[1]!.heads['class-incremental'].trainUnits).toEqual([0, 1, 2]);
  });

  it('refuses a task column with a single value', () => {
    const file = write(
      'one.csv',
      ['x,y,task,label', ...rows('only', ['0', '1', '0', '1'])].join('\n'),
    );
    expect(() => csvTasks(file, { taskColumn: 'task', seed: 1 })).toThrow(InputError);
    expect(() => csvTasks(file, { taskColumn: 'task', seed: 1 })).toThrow(
      /one value \("only"\); a task stream needs at least 2 tasks/,
    );
  });

  it('refuses integer labels that skip a class no task covers', () => {
    const file = write(
      'gap.csv',
      [
        'x,y,task,label',
        ...rows('a', ['0', '1', '0', '1']),
        ...rows('b', ['3', '1', '3', '1']),
      ].join('\n'),
    );
    expect(() => csvTasks(file, { taskColumn: 'task', seed: 1 })).toThrow(
      /class\(es\) 2 have no row in any task/,
    );
  });

  it('refuses an unknown task column, listing the columns', () => {
    const file = write('cols.csv', ['x,y,task,label', ...rows('a', ['0', '1'])].join('\n'));
    expect(() => csvTasks(file, { taskColumn: 'phase', seed: 1 })).toThrow(InputError);
  });
});

describe('heads', () => {
  it('sizes the domain head by the largest task', () => {
    const heads = headsOf(
      [
        [0, 1, 2],
        [3, 4],
      ],
      'dataset',
    );
    expect(heads[1]!['domain-incremental'].outputUnits).toBe(3);
    expect(heads[1]!['task-incremental'].scoreUnits).toEqual([3, 4]);
  });
});
