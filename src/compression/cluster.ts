/**
 * Weight clustering: k shared values (centroids) and a small index per weight.
 *
 * Han, Mao and Dally, "Deep Compression: Compressing Deep Neural Networks with
 * Pruning, Trained Quantization and Huffman Coding", ICLR 2016 (weight
 * sharing by 1-D k-means, linear initialisation); TFMOT's clustering API
 * (`LinearCentroidsInitialisation`: tf.linspace(min, max, k)); k-means++ seeding
 * from Arthur and Vassilvitskii, "k-means++: The Advantages of Careful
 * Seeding", SODA 2007.
 *
 * Lloyd's algorithm in one dimension: with centroids sorted, the nearest one
 * is found by binary search over the midpoints between neighbours (a weight
 * exactly halfway goes to the lower centroid). Centroids stay sorted: a
 * cluster's mean lies inside its interval. A centroid that loses all its
 * weights keeps its value. Centroids are float32 throughout, so the returned
 * assignments are exactly the nearest of the returned centroids.
 */

import type { RandomStream } from '../engine/random.js';

/** How centroids start: evenly spaced on [min, max] (deterministic), or k-means++ (random). */
export type ClusterInit = 'linear' | 'kmeans++';

/** Options of {@link clusterWeights}. */
export interface ClusterOptions {
  /** Number of centroids k, 1 ≤ k ≤ 65,536. */
  readonly clusters: number;
  /** Default 'linear'. */
  readonly init?: ClusterInit;
  /** Cap on Lloyd iterations (update centroids, then reassign); default 100. */
  readonly iterations?: number;
  /** Needed for 'kmeans++'. */
  readonly stream?: RandomStream;
}

/** A clustering: each weight is `centroids[assignments[i]]`. */
export interface Clustering {
  /** The k shared values, ascending (neighbours may be equal). */
  readonly centroids: Float32Array;
  /** Index of each weight's centroid: Uint8Array when k ≤ 256, else Uint16Array. */
  readonly assignments: Uint8Array | Uint16Array;
  /** Lloyd iterations run. */
  readonly iterations: number;
  /** True when the last iteration changed no assignment. */
  readonly converged: boolean;
}

/** Clusters `weights` into `clusters` shared values by 1-D k-means. */
export function clusterWeights(weights: Float32Array, options: ClusterOptions): Clustering {
  const k = options.clusters;
  const maxIterations = options.iterations ?? 100;
  if (!Number.isInteger(k) || k < 1 || k > 65536)
    throw new RangeError(`clusters(=${k}) must be an integer in [1, 65536]`);
  if (!Number.isInteger(maxIterations) || maxIterations < 0)
    throw new RangeError(`iterations(=${maxIterations}) must be an integer >= 0`);
  if (weights.length === 0) throw new RangeError('weights must not be empty');
  for (let i = 0; i < weights.length; i++)
    if (!Number.isFinite(weights[i]))
      throw new RangeError(`weights[${i}](=${weights[i]}) must be finite`);
  const centroids = initialCentroids(weights, k, options);
  const assignments = k <= 256 ? new Uint8Array(weights.length) : new Uint16Array(weights.length);
  assign(weights, centroids, assignments);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    updateCentroids(weights, assignments, centroids);
    converged = assign(weights, centroids, assignments) === 0;
    iterations++;
  }
  return { centroids, assignments, iterations, converged };
}

/** The clustered weights: `centroids[assignments[i]]` for each i. */
export function clusteredValues(
  clustering: Pick<Clustering, 'centroids' | 'assignments'>,
): Float32Array {
  const { centroids, assignments } = clustering;
  const out = new Float32Array(assignments.length);
  for (let i = 0; i < assignments.length; i++) {
    const c = assignments[i]!;
    if (c >= centroids.length)
      throw new RangeError(`assignments[${i}](=${c}) has no centroid (k = ${centroids.length})`);
    out[i] = centroids[c]!;
  }
  return out;
}

/** Centroids evenly spaced on [min, max] as tf.linspace (k = 1 gives [min]). */
export function linearCentroids(weights: Float32Array, k: number): Float32Array {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < weights.length; i++) {
    min = Math.min(min, weights[i]!);
    max = Math.max(max, weights[i]!);
  }
  const centroids = new Float32Array(k);
  const step = k === 1 ? 0 : (max - min) / (k - 1);
  for (let j = 0; j < k; j++) centroids[j] = j === k - 1 && k > 1 ? max : min + j * step;
  return centroids;
}

/**
 * k-means++ seeding, sorted ascending: the first centroid is a uniformly drawn
 * weight, each next one a weight drawn with probability ∝ its squared distance
 * to the nearest centroid so far. When every weight already sits on a centroid
 * (fewer distinct values than k), the rest repeat the last one.
 */
export function kmeansPlusPlusCentroids(
  weights: Float32Array,
  k: number,
  stream: RandomStream,
): Float32Array {
  const centroids = new Float32Array(k);
  centroids[0] = weights[stream.integer(weights.length)]!;
  const distance2 = new Float64Array(weights.length).fill(Number.POSITIVE_INFINITY);
  for (let j = 1; j < k; j++) {
    let total = 0;
    const last = centroids[j - 1]!;
    for (let i = 0; i < weights.length; i++) {
      const d = weights[i]! - last;
      distance2[i] = Math.min(distance2[i]!, d * d);
      total += distance2[i]!;
    }
    centroids[j] = total === 0 ? last : weights[drawIndex(distance2, total * stream.next())]!;
  }
  return centroids.sort();
}

function initialCentroids(weights: Float32Array, k: number, options: ClusterOptions): Float32Array {
  const init = options.init ?? 'linear';
  if (init === 'linear') return linearCentroids(weights, k);
  if (init !== 'kmeans++') throw new RangeError(`init(=${init}) must be 'linear' or 'kmeans++'`);
  if (options.stream === undefined) throw new TypeError("init 'kmeans++' needs a stream");
  return kmeansPlusPlusCentroids(weights, k, options.stream);
}

/** The first index whose running sum of `weights` exceeds `target`, skipping zero weights. */
function drawIndex(weights: Float64Array, target: number): number {
  let sum = 0;
  let lastPositive = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] === 0) continue;
    sum += weights[i]!;
    lastPositive = i;
    if (sum > target) return i;
  }
  return lastPositive;
}

/** Assigns each weight to its nearest centroid; returns how many assignments changed. */
function assign(
  weights: Float32Array,
  centroids: Float32Array,
  assignments: Uint8Array | Uint16Array,
): number {
  const k = centroids.length;
  const midpoints = new Float64Array(k - 1);
  for (let j = 0; j < k - 1; j++) midpoints[j] = (centroids[j]! + centroids[j + 1]!) / 2;
  let changed = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    // The number of midpoints strictly below w is the index of the nearest centroid.
    let lo = 0;
    let hi = k - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (midpoints[mid]! < w) lo = mid + 1;
      else hi = mid;
    }
    if (assignments[i] !== lo) {
      assignments[i] = lo;
      changed++;
    }
  }
  return changed;
}

/** Moves each centroid to the mean of its weights (float64 sums, stored as float32). */
function updateCentroids(
  weights: Float32Array,
  assignments: Uint8Array | Uint16Array,
  centroids: Float32Array,
): void {
  const sums = new Float64Array(centroids.length);
  const counts = new Float64Array(centroids.length);
  for (let i = 0; i < weights.length; i++) {
    const c = assignments[i]!;
    sums[c] = sums[c]! + weights[i]!;
    counts[c] = counts[c]! + 1;
  }
  for (let j = 0; j < centroids.length; j++)
    if (counts[j]! > 0) centroids[j] = sums[j]! / counts[j]!;
}
