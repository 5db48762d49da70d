/**
 * Log-space arithmetic for the RDP accountant, as in Google's dp_accounting
 * (python/dp_accounting/dp_accounting/rdp/rdp_privacy_accountant.py,
 * github.com/google/differential-privacy at b5b0286e): `_log_add`,
 * `_log_sub_sign`, `_log_comb` and `_log_erfc`. The RDP series add terms of
 * size up to e^700 and below e^-700, so every sum is kept as a logarithm.
 *
 * `logAbsGamma` is log|Γ(x)| (scipy's `gammaln`) from the engine's Lanczos
 * `logGamma` and the reflection formula. `logErfc` is log(erfc(x)) for any x:
 * below x = 3 from the everywhere-positive series of erf, from 3 on from
 * erfc's continued fraction (Lentz's method) in log space, so it neither
 * underflows nor loses digits for large x (relative error in erfc below 1e-11).
 */
import { logGamma } from '../../../engine/random.js';

/** log(e^x + e^y); −Infinity stands for 0. */
export function logAdd(x: number, y: number): number {
  const a = Math.min(x, y);
  const b = Math.max(x, y);
  if (a === -Infinity) return b;
  return Math.log1p(Math.exp(a - b)) + b;
}

/** log|e^x − e^y| and whether e^x − e^y ≥ 0 (true with −Infinity when they are equal). */
export function logSubSign(x: number, y: number): { positive: boolean; log: number } {
  if (x > y) return { positive: true, log: x + Math.log1p(-Math.exp(y - x)) };
  if (x < y) return { positive: false, log: y + Math.log1p(-Math.exp(x - y)) };
  return { positive: true, log: -Infinity };
}

/** log|Γ(x)| for any x that is not 0 or a negative integer (scipy.special.gammaln). */
export function logAbsGamma(x: number): number {
  if (x >= 0.5) return logGamma(x);
  // Reflection: Γ(x)Γ(1 − x) = π / sin(πx); sin taken on x reduced to [−0.5, 0.5].
  const reduced = x - Math.round(x);
  return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * reduced))) - logGamma(1 - x);
}

/** log|C(n, k)| = log|Γ(n+1) / (Γ(k+1) Γ(n−k+1))|, also for fractional n. */
export function logComb(n: number, k: number): number {
  return logAbsGamma(n + 1) - logAbsGamma(k + 1) - logAbsGamma(n - k + 1);
}

const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
/** Below it erfc comes from the erf series; from it on, from the continued fraction. */
const SERIES_LIMIT = 3;

/** log(erfc(x)), accurate where erfc(x) underflows (x > 26) too. */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Infinity) return -Infinity;
  if (x < 0) return Math.log(2 - Math.exp(logErfc(-x)));
  if (x < SERIES_LIMIT) return Math.log1p(-erfSeries(x));
  return -x * x - LOG_SQRT_PI - Math.log(erfcFractionTail(x));
}

/**
 * erf(x) = (2/√π) e^(−x²) Σ_{n≥0} 2^n x^(2n+1) / (1·3·…·(2n+1)); all terms
 * are positive, so the sum loses no digits (Abramowitz and Stegun 7.1.6).
 */
function erfSeries(x: number): number {
  const twoX2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500; n++) {
    term *= twoX2 / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/**
 * D(x) in erfc(x) = e^(−x²) / (√π D(x)), from the continued fraction
 * erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
 * (Abramowitz and Stegun 7.1.14), evaluated by the modified Lentz method.
 */
function erfcFractionTail(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 1000; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const step = c * d;
    f *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return f;
}
