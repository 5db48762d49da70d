/**
 * Continual-learning task streams: a dataset cut into T tasks, each with its
 * own seeded train / held-out test split and the dataset classes it holds.
 *
 * - `splitTasks` / `splitMnist`: tasks by class groups; split
 *   MNIST is {0,1}, {2,3}, ..., {8,9} (van de Ven and Tolias, "Three scenarios
 *   for continual learning", arXiv:1904.07734, 2019, Figure 1; their code,
 *   github.com/GMvandeVen/continual-learning, data.py at commit
 *   ff0e03cb913ac0dea4fc59058968b1e6784decfd, lines 181-209, which also
 *   shuffles the digits per seed unless `exception`; edgesim keeps the
 *   paper's fixed order).
 * - `permutedMnist` and `rotatedMnist` (transforms.ts): every
 *   digit in every task, under a per-task pixel permutation or rotation.
 * - `csvTasks` (csv-tasks.ts): the user's CSV with a task column.
 *
 * Splits: each task's samples are split by `splitDataset` (stratified by
 * class, seeded), so a sample of split MNIST lands in exactly one task and
 * one of its two sets. Permuted and rotated tasks share one split of the
 * digits, transformed per task (as the paper's code transforms MNIST's one
 * train and one test set).
 */
import { type Dataset, featureCount } from '../data/dataset.js';
import { indicesByClass, splitDataset, subset } from '../data/split.js';
import { type ClassIdentity, headsOf, type TaskHeads } from './heads.js';

/** One task of a stream: its data (dataset labels) and the classes it holds. */
export interface ContinualTask {
  /** 0-based position in the stream. */
  readonly index: number;
  /** e.g. `digits 0,1`, `permutation 3`, `rotation 45deg`, or the CSV's task value. */
  readonly name: string;
  /** Dataset classes this task holds, ascending. */
  readonly classes: readonly number[];
  /** Training samples, labelled with dataset classes. */
  readonly train: Dataset;
  /** Held-out samples, labelled with dataset classes. */
  readonly test: Dataset;
  /** The label mapping and output units under each of the three settings (heads.ts). */
  readonly heads: TaskHeads;
}

/** A task stream: the tasks in the order they arrive. */
export interface TaskStream {
  /** e.g. `split-mnist`, `permuted-mnist(5)`. */
  readonly name: string;
  readonly tasks: readonly ContinualTask[];
  /** Whether a class is the same class in every task, or new in each (see heads.ts). */
  readonly classIdentity: ClassIdentity;
}

/** How each task's samples are split. */
export interface TaskSplitOptions {
  /** Fraction of each class of each task held out for testing, in (0, 1). Default 0.2. */
  readonly testFraction?: number;
  /** Seed of the split (and of permutations); the same seed gives the same tasks. */
  readonly seed: number;
}

/** A task before its heads are known. */
export type TaskData = Omit<ContinualTask, 'heads'>;

export const DEFAULT_TEST_FRACTION = 0.2;

/** The split MNIST class groups: {0,1}, {2,3}, ..., {8,9}. */
export const SPLIT_MNIST_GROUPS: readonly (readonly number[])[] = [
  [0, 1],
  [2, 3],
  [4, 5],
  [6, 7],
  [8, 9],
];

/**
 * Tasks by class groups: task t holds every sample of the classes in
 * `groups[t]`. The groups must be non-empty, disjoint, name classes in
 * [0, numClasses) and together cover every class that has samples.
 *
 * @throws RangeError naming the group and class that break this, or fewer than 2 groups.
 */
export function splitTasks(
  dataset: Dataset,
  groups: readonly (readonly number[])[],
  options: TaskSplitOptions,
  name = 'split',
): TaskStream {
  checkGroups(dataset, groups);
  const byClass = indicesByClass(dataset);
  const data = groups.map((group, index) => {
    const classes = [...group].sort((a, b) => a - b);
    const rows = classes.flatMap((c) => byClass[c]!).sort((a, b) => a - b);
    return splitTask(dataset, rows, index, `classes ${classes.join(',')}`, options);
  });
  return withHeads(name, data, 'dataset');
}

/**
 * Split MNIST (5 two-class tasks, digits {0,1} to {8,9}) from a dataset of
 * the 10 digits, such as `loadMnist()`.
 */
export function splitMnist(mnist: Dataset, options: TaskSplitOptions): TaskStream {
  if (mnist.numClasses !== 10) {
    throw new RangeError(`split-mnist needs 10 classes; ${mnist.name} has ${mnist.numClasses}`);
  }
  const stream = splitTasks(mnist, SPLIT_MNIST_GROUPS, options, 'split-mnist');
  const tasks = stream.tasks.map((t) => ({ ...t, name: `digits ${t.classes.join(',')}` }));
  return { ...stream, tasks };
}

/**
 * The samples at `rows` of `dataset` as task `index`, split into train and
 * test by `splitDataset` (stratified by class, seeded).
 *
 * @throws RangeError when the train or test set comes out empty.
 */
export function splitTask(
  dataset: Dataset,
  rows: readonly number[],
  index: number,
  name: string,
  options: TaskSplitOptions,
): TaskData {
  const testFraction = options.testFraction ?? DEFAULT_TEST_FRACTION;
  const { train, test } = splitDataset(subset(dataset, rows), { testFraction, seed: options.seed });
  if (train.count === 0 || test.count === 0) {
    throw new RangeError(
      `task ${index} (${name}) has ${rows.length} samples: too few for a train and a test set at testFraction(=${testFraction})`,
    );
  }
  const present = new Set(rows.map((r) => dataset.labels[r]!));
  const classes = [...present].sort((a, b) => a - b);
  return { index, name, classes, train, test };
}

/** The stream with each task's heads under the three settings. */
export function withHeads(
  name: string,
  data: readonly TaskData[],
  classIdentity: ClassIdentity,
): TaskStream {
  if (data.length < 2) {
    throw new RangeError(`a task stream needs at least 2 tasks; ${name} has ${data.length}`);
  }
  const heads = headsOf(
    data.map((t) => t.classes),
    classIdentity,
  );
  const tasks = data.map((t, i) => ({ ...t, heads: heads[i]! }));
  return { name, tasks, classIdentity };
}

function checkGroups(dataset: Dataset, groups: readonly (readonly number[])[]): void {
  if (groups.length < 2) {
    throw new RangeError(`a task stream needs at least 2 class groups; got ${groups.length}`);
  }
  const owner = new Map<number, number>();
  groups.forEach((group, g) => {
    if (group.length === 0) throw new RangeError(`groups[${g}] is empty`);
    for (const c of group) {
      if (!Number.isInteger(c) || c < 0 || c >= dataset.numClasses) {
        throw new RangeError(
          `groups[${g}] class(=${c}) must be an integer in [0, ${dataset.numClasses})`,
        );
      }
      const previous = owner.get(c);
      if (previous !== undefined) {
        throw new RangeError(
          `class ${c} is in groups[${previous}] and groups[${g}]; tasks must not share classes`,
        );
      }
      owner.set(c, g);
    }
  });
  const counts = new Int32Array(dataset.numClasses);
  for (const label of dataset.labels) counts[label]! += 1;
  const missing = [...counts.keys()].filter((c) => counts[c]! > 0 && !owner.has(c));
  if (missing.length > 0) {
    throw new RangeError(
      `the class groups do not cover class(es) ${missing.join(', ')} of ${dataset.name}; every class with samples must be in a task`,
    );
  }
}

/** Samples of a dataset transformed per task, each sample with `featureCount` values. */
export function mapFeatures(
  dataset: Dataset,
  transform: (sample: Float32Array, out: Float32Array) => void,
): Dataset {
  const width = featureCount(dataset);
  const features = new Float32Array(dataset.features.length);
  for (let i = 0; i < dataset.count; i++) {
    const range = [i * width, (i + 1) * width] as const;
    transform(dataset.features.subarray(...range), features.subarray(...range));
  }
  return { ...dataset, features, labels: dataset.labels.slice() };
}
