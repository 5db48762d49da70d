/**
 * The statistics of reports, plans, checks and benchmarks: Student-t
 * confidence intervals over replications, the normal distribution. Computed
 * here, not by Vega-Lite, so that the numbers in a chart are exact and tested.
 *
 * The t quantile inverts the Student-t CDF, written with the regularised
 * incomplete beta function I_x(a, b) evaluated by its continued fraction
 * (Press et al., Numerical Recipes, 3rd ed., section 6.4); the log-gamma is
 * Lanczos' approximation (g = 7, n = 9), accurate to about 1e-15.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Gamma(x) for x > 0. */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction for I_x(a, b), modified Lentz's method. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    for (const aa of [
      (m * (b - m) * x) / ((a + m2 - 1) * (a + m2)),
      (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1)),
    ]) {
      d = 1 + aa * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-16) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b), 0 <= x <= 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(x, a, b)) / a
    : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(T <= t) for Student's t with `df` (> 0) degrees of freedom; NaN for t = NaN. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`df(=${df}) must be > 0`);
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

const quantileCache = new Map<string, number>();

/**
 * The p-quantile of Student's t with `df` degrees of freedom (df > 0,
 * 0 < p < 1), by bisection on the CDF to the last bit: t(0.975, 2) = 4.3027.
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`tQuantile: p (=${p}) must be in (0, 1)`);
  if (!(df > 0)) throw new Error(`tQuantile: df (=${df}) must be > 0`);
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (p === 0.5) return 0;
  const key = `${p}:${df}`;
  const cached = quantileCache.get(key);
  if (cached !== undefined) return cached;
  let low = 0;
  let high = 1;
  while (studentTCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-15 * high; i++) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  const value = (low + high) / 2;
  quantileCache.set(key, value);
  return value;
}

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

/** Mean and 95% confidence interval of a sample; NaN where undefined. */
export interface MeanCi {
  /** Number of finite values used. */
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n - 1 in the denominator); NaN when n < 2. */
  readonly sd: number;
  /** t_{0.975, n-1} * sd / sqrt(n); NaN when n < 2. */
  readonly halfWidth: number;
  readonly low: number;
  readonly high: number;
}

/**
 * Mean and 95% Student-t confidence interval of the finite values in
 * `values`, summed in the order given: mean +- t_{0.975, n-1} * sd / sqrt(n).
 * Non-finite values (failed runs) are left out. With no values every field
 * but n is NaN; with one value sd, halfWidth, low and high are NaN.
 */
export function meanCi(values: readonly number[]): MeanCi {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  let sum = 0;
  for (const v of finite) sum += v;
  const mean = n === 0 ? Number.NaN : sum / n;
  if (n < 2) {
    return { n, mean, sd: Number.NaN, halfWidth: Number.NaN, low: Number.NaN, high: Number.NaN };
  }
  let squares = 0;
  for (const v of finite) squares += (v - mean) * (v - mean);
  const sd = Math.sqrt(squares / (n - 1));
  const halfWidth = sd === 0 ? 0 : (tQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, halfWidth, low: mean - halfWidth, high: mean + halfWidth };
}

/**
 * A number rounded to 12 significant digits, as result CSVs are, so charts
 * never carry last-bit floating-point noise; null for non-finite values
 * (JSON has no NaN).
 */
export function chartNumber(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  return Number.isInteger(value) ? value : Number(value.toPrecision(12));
}

/**
 * The standard normal CDF, through erfc by the Chebyshev fit of Numerical
 * Recipes in C, 2nd ed., section 6.2 (`erfcc`, fractional error < 1.2e-7).
 */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(z / Math.SQRT2));
  const x = Math.abs(z / Math.SQRT2);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** The standard normal quantile, by bisection on {@link normalCdf} (to 1e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p(=${p}) must be in (0, 1)`);
  let low = -40;
  let high = 40;
  while (high - low > 1e-9) {
    const mid = (low + high) / 2;
    if (normalCdf(mid) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
