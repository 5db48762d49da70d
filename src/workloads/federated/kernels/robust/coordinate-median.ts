/**
 * Coordinate-wise median of client models.
 *
 * Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust Distributed Learning:
 * Towards Optimal Statistical Rates", ICML 2018 (arXiv:1803.01498),
 * the coordinate-wise median: each coordinate of the aggregate is
 * the median of that coordinate over the clients, as numpy.median computes
 * it: the middle value for an odd count, the mean of the two middle values
 * for an even one.
 *
 * Each coordinate's values are found by selection (see select.ts), not by
 * sorting them; the two middle values of an even count are averaged in
 * float64 and rounded once to float32. A zero result is +0 (the value is
 * added to +0, as weightedAverage's sums start from +0), so the result does
 * not depend on which of −0 and +0 a tie picks. A coordinate with a NaN among
 * its values is NaN, as in numpy.
 */
import { type CoordinateRule, maxOf, reduceCoordinates, selectInPlace } from './select.js';

/** The median of values[offset..offset+n), reordering them. */
export const coordinateMedianRule: CoordinateRule = (values, offset, n) => {
  const last = offset + n - 1;
  const upper = offset + (n >> 1);
  selectInPlace(values, offset, last, upper);
  if ((n & 1) === 1) return 0 + values[upper]!;
  return (maxOf(values, offset, upper - 1) + values[upper]!) / 2 + 0;
};

/**
 * The coordinate-wise median of `updates` (at least one, all of one length;
 * not modified), written to `out` when given. Deterministic: the same inputs
 * give the same bits.
 */
export function coordinateMedian(
  updates: readonly Float32Array[],
  out?: Float32Array,
): Float32Array {
  return reduceCoordinates('coordinateMedian', updates, coordinateMedianRule, out);
}
