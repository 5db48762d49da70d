/**
 * Bulyan.
 *
 * El Mhamdi, Guerraoui, Rouault, "The Hidden Vulnerability of Distributed
 * Learning in Byzantium", ICML 2018 (arXiv:1802.07927): with n >= 4f + 3
 * updates, (1) pick θ = n − 2f of them by Krum applied repeatedly, each time
 * to the updates not yet picked; (2) per coordinate, average the β = θ − 2f
 * picked values closest to their median.
 *
 * Step 1 follows Flower's aggregate_bulyan (adap/flower,
 * framework/py/flwr/server/strategy/aggregate.py at 0cb7993a): each Krum
 * counts max(1, s − f − 2) neighbours among the s updates left, with the
 * same f, and reads one distance matrix computed once per round. Step 2 uses
 * numpy's median (the mean of the two middle values for an even θ). The β
 * values closest to the median are a run of the θ values in sorted order;
 * it is found by dropping, 2f times, whichever end of the run lies farther
 * from the median, the upper one on a tie (so ties keep the lower value).
 * The kept values are summed in float64 from +0 in the order the selections
 * leave them, divided by β and rounded once to float32.
 */
import { coordinateMedianRule } from './coordinate-median.js';
import { krumScores, rankByScore } from './krum.js';
import { type CoordinateRule, insertionSort, reduceCoordinates, selectInPlace } from './select.js';

/** Throws a RangeError unless Bulyan may run on n updates with f attackers (n >= 4f + 3). */
export function requireBulyan(n: number, f: number): void {
  if (!(Number.isInteger(f) && f >= 0)) throw new RangeError(`f(=${f}) must be an integer >= 0`);
  if (!(n >= 4 * f + 3))
    throw new RangeError(
      `Bulyan needs n >= 4f + 3 updates: n(=${n}) with f(=${f}) needs ${4 * f + 3}`,
    );
}

/**
 * Step 1: the indices of the θ = n − 2f updates picked by repeated Krum over
 * the n × n matrix `distances`, in the order picked (ties to the lowest index).
 */
export function bulyanSelect(distances: Float64Array, n: number, f: number): number[] {
  requireBulyan(n, f);
  const left = Array.from({ length: n }, (_, i) => i);
  const picked: number[] = [];
  while (picked.length < n - 2 * f) {
    const best = rankByScore(krumScores(distances, n, f, left))[0]!;
    picked.push(left[best]!);
    left.splice(best, 1);
  }
  return picked;
}

/** Step 2's rule for θ values and f: the mean of the θ − 2f values closest to their median. */
export function closestToMedianRule(f: number): CoordinateRule {
  return (values, offset, theta) => {
    const median = coordinateMedianRule(values, offset, theta);
    const last = offset + theta - 1;
    const ends = 2 * f;
    if (2 * ends >= theta) insertionSort(values, offset, last);
    else if (ends > 0) {
      // The 2f smallest, then the 2f largest, to the ends and sorted: the only values dropped.
      selectInPlace(values, offset, last, offset + ends - 1);
      insertionSort(values, offset, offset + ends - 1);
      selectInPlace(values, offset + ends, last, last - ends + 1);
      insertionSort(values, last - ends + 1, last);
    }
    let lo = offset;
    let hi = last;
    for (let dropped = 0; dropped < ends; dropped++) {
      if (median - values[lo]! > values[hi]! - median) lo++;
      else hi--;
    }
    let sum = 0;
    for (let i = lo; i <= hi; i++) sum += values[i]!;
    return sum / (theta - ends);
  };
}

/**
 * Step 2 on the picked updates (θ of them, θ >= 2f + 1): per coordinate the
 * mean of the θ − 2f values closest to the median. Not modified; written to
 * `out` when given.
 */
export function closestToMedianMean(
  picked: readonly Float32Array[],
  f: number,
  out?: Float32Array,
): Float32Array {
  if (!(picked.length >= 2 * f + 1))
    throw new RangeError(`picked.length(=${picked.length}) must be >= 2f + 1 = ${2 * f + 1}`);
  return reduceCoordinates('closestToMedianMean', picked, closestToMedianRule(f), out);
}

/**
 * Bulyan of `updates` (n >= 4f + 3, all of one length; not modified) given
 * their distance matrix: the aggregate and the indices step 1 picked.
 */
export function bulyan(
  updates: readonly Float32Array[],
  distances: Float64Array,
  f: number,
  out?: Float32Array,
): { weights: Float32Array; picked: number[] } {
  const picked = bulyanSelect(distances, updates.length, f);
  const weights = closestToMedianMean(
    picked.map((i) => updates[i]!),
    f,
    out,
  );
  return { weights, picked };
}
