/**
 * Calibration of activation ranges for post-training quantization: the range
 * [min, max] that `quantizeWithRange` then maps onto the integer grid.
 *
 * 'minmax' takes the extremes (TFLite's default calibration); 'percentile'
 * clips outliers at the p-th and (100 − p)-th percentiles (Wu, Judd, Zhang,
 * Isaev and Micikevicius, "Integer Quantization for Deep Learning Inference:
 * Principles and Empirical Evaluation", arXiv:2004.09602, 2020, §4.1).
 * Percentiles interpolate linearly between order statistics (numpy's default):
 * q-quantile = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]), h = q (n − 1), found by
 * radix select, not by sorting.
 */

import type { ValueRange } from './quantize.js';
import { kthSmallest } from './select.js';

/** How to calibrate: extremes, or percentiles (default p = 99.99). */
export type CalibrationOptions =
  | { readonly method: 'minmax' }
  | { readonly method: 'percentile'; readonly percentile?: number };

/**
 * The range of activation `samples` (all values of a calibration batch, flat).
 * Throws RangeError on an empty or NaN sample, or p outside [50, 100].
 */
export function activationRange(samples: Float32Array, options: CalibrationOptions): ValueRange {
  if (samples.length === 0) throw new RangeError('samples must not be empty');
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (Number.isNaN(v)) throw new RangeError(`samples[${i}](=NaN) must be a number`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (options.method === 'minmax') return { min, max };
  const p = options.percentile ?? 99.99;
  if (!(p >= 50 && p <= 100)) throw new RangeError(`percentile(=${p}) must be in [50, 100]`);
  return { min: quantile(samples, (100 - p) / 100), max: quantile(samples, p / 100) };
}

/** The q-quantile (0 ≤ q ≤ 1) of `values`, linearly interpolated. */
export function quantile(values: Float32Array, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`q(=${q}) must be in [0, 1]`);
  const h = q * (values.length - 1);
  const below = Math.floor(h);
  const low = kthSmallest(values, below);
  if (h === below) return low;
  const high = kthSmallest(values, below + 1);
  return low + (h - below) * (high - low);
}
