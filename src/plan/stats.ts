/**
 * The statistics of sequential testing over replications: sample mean,
 * standard error, and Student's t distribution (CDF and quantile), the
 * latter from report/stats.ts (the incomplete beta function by its
 * continued fraction, Numerical Recipes 6.4; the quantile by bisection).
 */
import { incompleteBeta, tQuantile } from '../report/stats.js';

/** Mean and standard error (s / sqrt(n)) of a sample; the error is NaN for fewer than two values. */
export function meanAndError(values: readonly number[]): { mean: number; standardError: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, standardError: Number.NaN };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { mean, standardError: Number.NaN };
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { mean, standardError: Math.sqrt(squares / (n - 1) / n) };
}

/** P(T <= t) for Student's t with `degrees` (> 0) degrees of freedom; NaN for t = NaN. */
export function studentTCdf(t: number, degrees: number): number {
  if (!(degrees > 0)) throw new RangeError(`degrees(=${degrees}) must be > 0`);
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const tail = incompleteBeta(degrees / (degrees + t * t), degrees / 2, 0.5) / 2;
  return t >= 0 ? 1 - tail : tail;
}

/** The t with P(T <= t) = p, for 0 < p < 1. */
export const studentTQuantile = tQuantile;
