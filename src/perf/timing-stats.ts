/**
 * Statistics of benchmark timings: the median and the median absolute
 * deviation of a sample, and the ratio of two samples with a confidence
 * interval, from the Mann-Whitney (Wilcoxon rank-sum) test.
 *
 * The ratio is the Hodges-Lehmann estimate of the shift between the logs of
 * the timings: the median of the n·m ratios c_j / b_i. Its interval is
 * Lehmann's: the k-th smallest and the k-th largest of those ratios, with k
 * from the distribution of the Mann-Whitney U statistic (E. L. Lehmann,
 * Nonparametrics: Statistical Methods Based on Ranks, 1975, section 2.6;
 * D. F. Bauer, JASA 67, 1972). It assumes only that the candidate's timings
 * are the baseline's scaled by one factor, not that either is normal; timings
 * on a shared machine are skewed, with slow outliers, which a t interval
 * would take at face value. The U distribution is exact (counted) for small
 * samples and normal beyond. No resampling: the same timings always give the
 * same interval.
 */
import { normalCdf, normalQuantile } from '../report/stats.js';

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median absolute deviation from the median (unscaled). */
export function medianAbsoluteDeviation(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/** A ratio candidate / baseline and its confidence interval (NaN bounds when the samples are too small for one). */
export interface RatioInterval {
  ratio: number;
  low: number;
  high: number;
  /** The confidence actually reached (the U distribution is discrete: at least the one asked for). */
  confidence: number;
}

/** Exact U distribution up to this many pairs; the normal approximation beyond. */
const EXACT_PAIRS = 1600;

/**
 * The Hodges-Lehmann ratio of `candidate` to `baseline` (positive timings)
 * and its two-sided interval at `confidence` or just above (see the module
 * comment). Samples too small for any interval at that confidence (such as
 * 2 against 2 at 95%) get NaN bounds.
 */
export function ratioInterval(
  baseline: readonly number[],
  candidate: readonly number[],
  confidence: number,
): RatioInterval {
  for (const [name, sample] of [
    ['baseline', baseline],
    ['candidate', candidate],
  ] as const) {
    if (sample.length === 0) throw new RangeError(`${name} has no timings`);
    if (!sample.every((t) => t > 0 && Number.isFinite(t)))
      throw new RangeError(`${name} timings must be finite and > 0`);
  }
  const logRatios: number[] = [];
  for (const c of candidate) for (const b of baseline) logRatios.push(Math.log(c / b));
  logRatios.sort((a, b) => a - b);
  const ratio = Math.exp(median(logRatios));
  const { k, reached } = lehmannRank(baseline.length, candidate.length, confidence);
  if (k < 1) return { ratio, low: Number.NaN, high: Number.NaN, confidence: reached };
  return {
    ratio,
    low: Math.exp(logRatios[k - 1]!),
    high: Math.exp(logRatios[logRatios.length - k]!),
    confidence: reached,
  };
}

/**
 * The largest k with P(U < k) <= (1 - confidence) / 2 for sample sizes n and
 * m (0 when even k = 1 is too wide a tail), and the confidence 1 - 2 P(U < k)
 * that the k-th smallest and largest pairwise differences give.
 */
export function lehmannRank(
  n: number,
  m: number,
  confidence: number,
): { k: number; reached: number } {
  const alpha = (1 - confidence) / 2;
  if (n * m > EXACT_PAIRS) {
    const mean = (n * m) / 2;
    const sd = Math.sqrt((n * m * (n + m + 1)) / 12);
    // P(U < k) ~ Phi((k - 0.5 - mean) / sd) <= alpha, with the continuity correction.
    const k = Math.max(0, Math.floor(mean + 0.5 - normalQuantile(1 - alpha) * sd));
    return { k, reached: k < 1 ? 0 : 1 - 2 * normalCdf((k - 0.5 - mean) / sd) };
  }
  const cdf = uCdf(n, m);
  let k = 0;
  while (k < cdf.length && cdf[k]! <= alpha) k++;
  // cdf[k - 1] = P(U <= k - 1) = P(U < k) <= alpha.
  return { k, reached: k < 1 ? 0 : 1 - 2 * cdf[k - 1]! };
}

/**
 * P(U <= u) for u = 0..n·m under the null hypothesis, counted with the
 * recurrence f(u; n, m) = f(u - m; n - 1, m) + f(u; n, m - 1) (Mann and
 * Whitney, Ann. Math. Statist. 18, 1947), normalised by C(n + m, n).
 */
function uCdf(n: number, m: number): Float64Array {
  // counts[j] holds f(.; i, j) for the current i, as arrays over u.
  let previous: Float64Array[] = Array.from({ length: m + 1 }, () => Float64Array.of(1)); // i = 0
  for (let i = 1; i <= n; i++) {
    const current: Float64Array[] = [Float64Array.of(1)]; // j = 0: one arrangement, U = 0
    for (let j = 1; j <= m; j++) {
      const f = new Float64Array(i * j + 1);
      const fewerI = previous[j]!; // f(.; i - 1, j), shifted by j
      const fewerJ = current[j - 1]!; // f(.; i, j - 1)
      for (let u = 0; u < f.length; u++)
        f[u] = (u >= j && u - j < fewerI.length ? fewerI[u - j]! : 0) + (fewerJ[u] ?? 0);
      current.push(f);
    }
    previous = current;
  }
  const counts = previous[m]!;
  const total = counts.reduce((a, b) => a + b, 0);
  const cdf = new Float64Array(counts.length);
  let running = 0;
  for (let u = 0; u < counts.length; u++) {
    running += counts[u]!;
    cdf[u] = running / total;
  }
  return cdf;
}
