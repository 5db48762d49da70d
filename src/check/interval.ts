/**
 * Confidence intervals of means and of differences of means, by Student's t
 * (from report/stats.ts). A sample of one value, or a pair of samples
 * too small for an estimate of spread, has no interval: its bounds are NaN.
 */
import { meanAndError, tQuantile as studentTQuantile } from '../report/stats.js';

/** A mean and its two-sided confidence interval; low/high are NaN when there is none. */
export interface Interval {
  mean: number;
  low: number;
  high: number;
  /** Values the mean is over (pairs, for a paired difference). */
  n: number;
}

/** The t interval of the mean of `values` at `confidence` (0.5..1). */
export function meanInterval(values: readonly number[], confidence: number): Interval {
  const { mean, standardError } = meanAndError(values);
  const n = values.length;
  if (n < 2) return { mean, low: Number.NaN, high: Number.NaN, n };
  if (standardError === 0) return { mean, low: mean, high: mean, n };
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * standardError;
  return { mean, low: mean - half, high: mean + half, n };
}

/**
 * Welch's interval for mean(b) - mean(a), for samples that are not paired
 * (degrees of freedom by Welch-Satterthwaite; B. L. Welch, Biometrika 34,
 * 1947). Exact (zero width) when both samples are constant.
 */
export function welchInterval(
  a: readonly number[],
  b: readonly number[],
  confidence: number,
): Interval {
  const ea = meanAndError(a);
  const eb = meanAndError(b);
  const mean = eb.mean - ea.mean;
  const n = Math.min(a.length, b.length);
  if (a.length < 2 || b.length < 2) return { mean, low: Number.NaN, high: Number.NaN, n };
  const va = ea.standardError ** 2;
  const vb = eb.standardError ** 2;
  if (va + vb === 0) return { mean, low: mean, high: mean, n };
  const degrees = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const half = studentTQuantile(1 - (1 - confidence) / 2, degrees) * Math.sqrt(va + vb);
  return { mean, low: mean - half, high: mean + half, n };
}
