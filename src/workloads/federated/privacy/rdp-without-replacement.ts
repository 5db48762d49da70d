/**
 * Rényi differential privacy of the Gaussian mechanism on a fixed-size
 * sample drawn without replacement (m of n, q = m/n), for fixed-size client
 * selection.
 *
 * Wang, Balle, Kasiviswanathan, "Subsampled Rényi Differential Privacy and
 * Analytical Moments Accountant", AISTATS 2019 (arXiv:1808.00087), Theorem 27
 * (the strengthened bound for the subsampled Gaussian), with Corollary 10's
 * interpolation of the cumulant generating function for fractional orders.
 * The neighbouring relation is replace-one (n is public), as in
 * dp_accounting, which allows this mechanism only under REPLACE_ONE.
 *
 * A port of dp_accounting (github.com/google/differential-privacy, commit
 * b5b0286e, python/dp_accounting/dp_accounting/rdp/rdp_privacy_accountant.py:
 * `_compute_rdp_sample_wor_gaussian_scalar`,
 * `_compute_rdp_sample_wor_gaussian_int`, `_get_forward_diffs`,
 * `_stable_inplace_diff_in_log`): exact O(α²) forward differences up to
 * α = 256, the cheaper bound above it.
 */
import { logAdd, logComb, logSubSign } from './log-math.js';
import { DEFAULT_RDP_ORDERS, rdpAtOrders } from './rdp.js';

/** Above this order the bound uses the O(α) form, as dp_accounting does. */
const MAX_EXACT_ORDER = 256;

/**
 * The RDP of one step of the Gaussian mechanism with noise multiplier σ on a
 * sample of a fraction q drawn without replacement, at each of `orders`:
 * 0 when q = 0, α/(2σ²) when q = 1, Infinity for an infinite order.
 */
export function rdpSampledWithoutReplacementGaussian(
  q: number,
  sigma: number,
  orders: readonly number[] = DEFAULT_RDP_ORDERS,
): Float64Array {
  return rdpAtOrders(q, sigma, orders, (alpha) => {
    if (Number.isInteger(alpha)) return logAInteger(q, sigma, alpha) / (alpha - 1);
    const floor = Math.floor(alpha);
    const x = logAInteger(q, sigma, floor);
    const y = logAInteger(q, sigma, Math.ceil(alpha));
    const t = alpha - floor;
    return ((1 - t) * x + t * y) / (alpha - 1);
  });
}

/** log of WBK19 Theorem 27's bound on A_α for integer α. */
function logAInteger(q: number, sigma: number, alpha: number): number {
  if (alpha === 1) return 0;
  // The Gaussian mechanism's CGF, (x)(x+1)/(2σ²), and its RDP, x/(2σ²).
  const cgf = (x: number) => (x * (x + 1)) / (2 * sigma ** 2);
  const rdp = (x: number) => x / (2 * sigma ** 2);
  const logQ = Math.log(q);
  const logF2m1 = rdp(2) + Math.log1p(-Math.exp(-rdp(2)));
  const second =
    2 * logQ + logComb(alpha, 2) + Math.min(Math.log(4) + logF2m1, rdp(2) + Math.log(2));
  let logA = logAdd(0, second);
  if (alpha <= MAX_EXACT_ORDER) {
    const deltas = forwardDifferences(cgf, alpha);
    for (let i = 3; i <= alpha; i++) {
      const lo = deltas[2 * Math.floor(i / 2) - 1]!;
      const hi = deltas[2 * Math.ceil(i / 2) - 1]!;
      const s = Math.min(Math.log(4) + 0.5 * (lo + hi), Math.log(2) + cgf(i - 1));
      logA = logAdd(logA, s + i * logQ + logComb(alpha, i));
    }
  } else {
    for (let i = 3; i <= alpha; i++)
      logA = logAdd(logA, Math.log(2) + cgf(i - 1) + i * logQ + logComb(alpha, i));
  }
  return logA;
}

/**
 * log|Δ^i exp(f)(0)| for i = 0 … n + 1, the forward differences of exp(f)
 * at −1, 0, 1, … kept as logarithms with signs (WBK19 Theorem 27).
 */
function forwardDifferences(f: (x: number) => number, n: number): Float64Array {
  const values = new Float64Array(n + 3);
  const signs = new Uint8Array(n + 3).fill(1);
  for (let i = 1; i < n + 3; i++) values[i] = f(i - 1);
  const deltas = new Float64Array(n + 2);
  for (let i = 0; i < n + 2; i++) {
    differenceInPlace(values, signs, n + 2 - i);
    deltas[i] = values[0]!;
  }
  return deltas;
}

/** Replaces entries 0 … count−1 of (values, signs) by the log|difference| of neighbours. */
function differenceInPlace(values: Float64Array, signs: Uint8Array, count: number): void {
  for (let j = 0; j < count; j++) {
    if (signs[j] === signs[j + 1]) {
      const { positive, log } = logSubSign(values[j + 1]!, values[j]!);
      values[j] = log;
      // Both negative: the difference's sign flips.
      signs[j] = signs[j + 1] === 1 ? Number(positive) : Number(!positive);
    } else {
      values[j] = logAdd(values[j]!, values[j + 1]!);
      signs[j] = signs[j + 1]!;
    }
  }
}
