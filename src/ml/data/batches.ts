/**
 * Sample orders and mini-batches over a {@link Dataset}.
 *
 * Shuffling is the Fisher–Yates shuffle (Durstenfeld's in-place form, Knuth
 * TAOCP vol. 2, Algorithm 3.4.2 P) driven by a caller's {@link RandomStream},
 * so the order depends only on that stream's key.
 */
import type { RandomStream } from '../../engine/random.js';
import { type Dataset, featureCount } from './dataset.js';

/** One mini-batch: `size` samples, row-major features and their labels. */
export interface Batch {
  /** `size × featureCount` values, row-major (sample i at `i * featureCount`). */
  readonly features: Float32Array;
  /** `size` class indices. */
  readonly labels: Int32Array;
  /** Number of samples in this batch; the last batch may be smaller. */
  readonly size: number;
}

/**
 * A uniformly random permutation of `0 .. count-1`, by Fisher–Yates with
 * draws from `stream` (one `integer` draw per position, `count - 1` in all).
 */
export function shuffledOrder(count: number, stream: RandomStream): Int32Array {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`count(=${count}) must be an integer >= 0`);
  }
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = stream.integer(i + 1);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

/**
 * The dataset's samples in `order` (default: dataset order), cut into batches
 * of `batchSize`; the last batch keeps the remainder (it is not dropped).
 *
 * Each batch gets fresh arrays, never a reused buffer: TensorFlow.js's CPU
 * backend may keep a reference to the array a tensor was made from, so reusing
 * one buffer would silently change tensors built from earlier batches. The
 * iterable is lazy and can be iterated more than once.
 *
 * @param order sample indices to visit, e.g. from {@link shuffledOrder}; may
 *   repeat or omit samples. Each must be in `[0, dataset.count)`.
 */
export function batches(
  dataset: Dataset,
  batchSize: number,
  order?: ArrayLike<number>,
): Iterable<Batch> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize(=${batchSize}) must be an integer >= 1`);
  }
  if (order !== undefined) checkIndices(order, dataset.count);
  return {
    *[Symbol.iterator](): Iterator<Batch> {
      const total = order === undefined ? dataset.count : order.length;
      for (let start = 0; start < total; start += batchSize) {
        const size = Math.min(batchSize, total - start);
        yield gatherBatch(dataset, start, size, order);
      }
    },
  };
}

function gatherBatch(
  dataset: Dataset,
  start: number,
  size: number,
  order: ArrayLike<number> | undefined,
): Batch {
  const width = featureCount(dataset);
  if (order === undefined) {
    return {
      features: dataset.features.slice(start * width, (start + size) * width),
      labels: dataset.labels.slice(start, start + size),
      size,
    };
  }
  const features = new Float32Array(size * width);
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const sample = order[start + i]!;
    features.set(dataset.features.subarray(sample * width, (sample + 1) * width), i * width);
    labels[i] = dataset.labels[sample]!;
  }
  return { features, labels, size };
}

/** Throws a RangeError naming the first index that is not a sample of the dataset. */
export function checkIndices(indices: ArrayLike<number>, count: number): void {
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(`indices[${i}](=${index}) must be an integer in [0, ${count})`);
    }
  }
}
