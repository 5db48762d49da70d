/**
 * Seeded, stratified train/test splits, subsets and shuffles of a {@link Dataset}.
 */
import { type RandomStream, RandomStreams } from '../../engine/random.js';
import { checkIndices, shuffledOrder } from './batches.js';
import { type Dataset, featureCount, type Split } from './dataset.js';

/** How to split: the share of each class held out for testing, and the seed. */
export interface SplitOptions {
  /** Fraction of each class put in the test set, in (0, 1). */
  readonly testFraction: number;
  /** Seed of the shuffle; the same seed always gives the same split. */
  readonly seed: number;
}

/**
 * Splits `dataset` into train and test sets, stratified by class: class c
 * with n_c samples puts `Math.round(n_c * testFraction)` of them (half rounds
 * up) in the test set and the rest in the train set, so both sets keep the
 * dataset's class proportions up to that rounding. Which samples go to test
 * is chosen by a Fisher–Yates shuffle of each class from the stream
 * `('split', c)` of `RandomStreams(seed)`, so the split depends only on the
 * seed and the labels.
 *
 * Both sets keep the dataset's sample order (ascending index), so a dataset
 * stored class by class (such as MNIST) stays sorted: shuffle before
 * training, e.g. with {@link shuffledOrder}. Every sample lands in exactly
 * one of the two sets.
 */
export function splitDataset(dataset: Dataset, options: SplitOptions): Split {
  const { testFraction, seed } = options;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(`testFraction(=${testFraction}) must be in (0, 1)`);
  }
  const streams = new RandomStreams(seed);
  const inTest = new Uint8Array(dataset.count);
  indicesByClass(dataset).forEach((members, c) => {
    const testCount = Math.round(members.length * testFraction);
    const order = shuffledOrder(members.length, streams.stream('split', c));
    for (let i = 0; i < testCount; i++) inTest[members[order[i]!]!] = 1;
  });
  const train: number[] = [];
  const test: number[] = [];
  inTest.forEach((flag, i) => {
    (flag === 1 ? test : train).push(i);
  });
  return { train: subset(dataset, train), test: subset(dataset, test) };
}

/**
 * A new dataset holding the samples at `indices`, in that order (copied;
 * repeats allowed), with the same name, shape and number of classes.
 */
export function subset(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  checkIndices(indices, dataset.count);
  const width = featureCount(dataset);
  const features = new Float32Array(indices.length * width);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const sample = indices[i]!;
    features.set(dataset.features.subarray(sample * width, (sample + 1) * width), i * width);
    labels[i] = dataset.labels[sample]!;
  }
  return {
    name: dataset.name,
    features,
    labels,
    count: indices.length,
    sampleShape: dataset.sampleShape,
    numClasses: dataset.numClasses,
  };
}

/** A copy of `dataset` with its samples in a random order drawn from `stream`. */
export function shuffleDataset(dataset: Dataset, stream: RandomStream): Dataset {
  return subset(dataset, shuffledOrder(dataset.count, stream));
}

/** For each class c in [0, numClasses), the indices of its samples in ascending order. */
export function indicesByClass(dataset: Dataset): number[][] {
  const groups: number[][] = Array.from({ length: dataset.numClasses }, () => []);
  dataset.labels.forEach((label, i) => {
    const group = groups[label];
    if (group === undefined) {
      throw new RangeError(`labels[${i}](=${label}) must be in [0, ${dataset.numClasses})`);
    }
    group.push(i);
  });
  return groups;
}
