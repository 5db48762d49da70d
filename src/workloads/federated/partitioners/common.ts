/**
 * Pieces shared by the partitioners. A partitioner decides an owner (client)
 * for every sample; {@link groupByOwner} then lists each client's samples in
 * ascending order, so every sample lands in exactly one list.
 */
import type { RandomStream } from '../../../engine/random.js';

/** Throws a RangeError naming the first bad argument or label. */
export function checkPartitionInput(
  labels: Int32Array,
  numClients: number,
  numClasses: number,
): void {
  if (!(Number.isInteger(numClients) && numClients >= 1))
    throw new RangeError(`numClients(=${numClients}) must be an integer >= 1`);
  if (!(Number.isInteger(numClasses) && numClasses >= 1))
    throw new RangeError(`numClasses(=${numClasses}) must be an integer >= 1`);
  if (numClients > labels.length)
    throw new RangeError(
      `numClients(=${numClients}) must be <= the number of samples(=${labels.length})`,
    );
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < 0 || label >= numClasses)
      throw new RangeError(`labels[${i}](=${label}) must be in [0, numClasses(=${numClasses}))`);
  }
}

/** Throws a RangeError unless `value` is finite and > 0. */
export function checkPositive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0))
    throw new RangeError(`${name}(=${value}) must be > 0`);
}

/** 0, 1, ..., n − 1. */
export function range(n: number): Int32Array {
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = i;
  return values;
}

/** Shuffles `values` in place (Fisher–Yates, drawing from `rng`) and returns it. */
export function shuffle(values: Int32Array, rng: RandomStream): Int32Array {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.integer(i + 1);
    const t = values[i]!;
    values[i] = values[j]!;
    values[j] = t;
  }
  return values;
}

/** The sample indices of each class, ascending. */
export function indicesByClass(labels: Int32Array, numClasses: number): Int32Array[] {
  const sizes = new Int32Array(numClasses);
  for (const label of labels) sizes[label]!++;
  const byClass = Array.from(sizes, (size) => new Int32Array(size));
  const filled = new Int32Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    byClass[label]![filled[label]!++] = i;
  }
  return byClass;
}

/**
 * Whole counts summing to exactly `total`, proportional to `proportions`
 * (which sum to 1): count j is round(total·P_j) − round(total·P_{j−1}) for
 * the cumulative sums P, so no rounding error accumulates.
 */
export function roundedCounts(proportions: Float64Array, total: number): Int32Array {
  const counts = new Int32Array(proportions.length);
  let cumulative = 0;
  let previous = 0;
  for (let j = 0; j < proportions.length; j++) {
    cumulative += proportions[j]!;
    const boundary =
      j === proportions.length - 1 ? total : Math.min(total, Math.round(total * cumulative));
    counts[j] = boundary - previous;
    previous = boundary;
  }
  return counts;
}

/**
 * Gives `samples`, in order, to the clients: the first counts[0] to client 0,
 * the next counts[1] to client 1, and so on. Writes owner[sample] = client.
 */
export function deal(samples: Int32Array, counts: Int32Array, owner: Int32Array): void {
  let position = 0;
  for (let client = 0; client < counts.length; client++) {
    const end = position + counts[client]!;
    for (; position < end; position++) owner[samples[position]!] = client;
  }
}

/** A fresh owner table, −1 (unassigned) everywhere. */
export function unassigned(numSamples: number): Int32Array {
  return new Int32Array(numSamples).fill(-1);
}

/** Each client's samples, ascending. Throws if a sample has no owner (a partitioner bug). */
export function groupByOwner(owner: Int32Array, numClients: number): Int32Array[] {
  const sizes = new Int32Array(numClients);
  for (let i = 0; i < owner.length; i++) {
    const client = owner[i]!;
    if (client < 0 || client >= numClients)
      throw new Error(`sample ${i} has owner ${client}, outside [0, ${numClients})`);
    sizes[client]!++;
  }
  const parts = Array.from(sizes, (size) => new Int32Array(size));
  const filled = new Int32Array(numClients);
  for (let i = 0; i < owner.length; i++) {
    const client = owner[i]!;
    parts[client]![filled[client]!++] = i;
  }
  return parts;
}
