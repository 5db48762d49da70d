/**
 * Coordinate-wise trimmed mean of client models.
 *
 * Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust Distributed Learning:
 * Towards Optimal Statistical Rates", ICML 2018 (arXiv:1803.01498),
 * the coordinate-wise β-trimmed mean: per coordinate, drop the
 * largest and the smallest β fraction of the values and average the rest.
 * The count dropped at each end is floor(β·n), as scipy.stats.trim_mean
 * (scipy/stats/_stats_py.py: `lowercut = int(proportiontocut * nobs)`),
 * so β in [0, 0.5) always keeps at least one value.
 *
 * The kept values are found by selecting two ranks (see select.ts), not by
 * sorting; they are summed in float64 from +0 in the order the selections
 * leave them (fixed for given inputs), divided by their count and rounded
 * once to float32. A coordinate with a NaN among its values is NaN.
 */
import { type CoordinateRule, reduceCoordinates, selectTwoInPlace } from './select.js';

/** Values dropped at each end of n: floor(beta·n), as scipy.stats.trim_mean. */
export function trimmedCount(beta: number, n: number): number {
  return Math.floor(beta * n);
}

/** The rule that drops `trim` values at each end of a coordinate's n and averages the rest. */
export function trimmedMeanRule(trim: number): CoordinateRule {
  return (values, offset, n) => {
    const last = offset + n - 1;
    if (trim > 0) selectTwoInPlace(values, offset, last, offset + trim, last - trim);
    let sum = 0;
    for (let i = offset + trim; i <= last - trim; i++) sum += values[i]!;
    return sum / (n - 2 * trim);
  };
}

/**
 * The coordinate-wise β-trimmed mean of `updates` (at least one, all of one
 * length; not modified), written to `out` when given. `beta` must be in
 * [0, 0.5). Deterministic: the same inputs give the same bits.
 */
export function trimmedMean(
  updates: readonly Float32Array[],
  beta: number,
  out?: Float32Array,
): Float32Array {
  if (!(beta >= 0 && beta < 0.5)) throw new RangeError(`beta(=${beta}) must be in [0, 0.5)`);
  const trim = trimmedCount(beta, updates.length);
  return reduceCoordinates('trimmedMean', updates, trimmedMeanRule(trim), out);
}
