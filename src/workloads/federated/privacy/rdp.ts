/**
 * Rényi differential privacy of the Poisson-subsampled Gaussian mechanism,
 * and its conversion to (ε, δ).
 *
 * Mironov, "Rényi Differential Privacy", CSF 2017 (arXiv:1702.07476);
 * Mironov, Talwar, Zhang, "Rényi Differential Privacy of the Sampled Gaussian
 * Mechanism", arXiv:1908.10530, 2019, §3: with each record included
 * independently with probability q and Gaussian noise of multiplier σ (the
 * noise std over the L2 sensitivity), the RDP at order α is log(A_α)/(α − 1),
 * A_α = E_{z∼μ0}[((1 − q) + q·μ1(z)/μ0(z))^α], summed as a binomial series for
 * integer α and as the two-sided erfc series of §3.3 for fractional α.
 *
 * A line-by-line port of Google's dp_accounting
 * (github.com/google/differential-privacy, commit b5b0286e,
 * python/dp_accounting/dp_accounting/rdp/rdp_privacy_accountant.py:
 * `_compute_log_a_int`, `_compute_log_a_frac`,
 * `_compute_rdp_poisson_subsampled_gaussian`, `compute_epsilon`,
 * `DEFAULT_RDP_ORDERS`), the code TensorFlow Privacy's compute_dp_sgd_privacy
 * calls and Opacus's analysis/rdp.py copies. The neighbouring relation is
 * add-or-remove-one, as dp_accounting requires for Poisson sampling.
 *
 * (ε, δ) comes from the improved conversion of Canonne, Kamath, Steinke,
 * "The Discrete Gaussian for Differential Privacy", arXiv:2004.00010,
 * Proposition 12 (also Asoodeh et al., arXiv:2001.05990, eq. 20):
 * ε = min_α ( RDP(α) + log((α−1)/α) − (log δ + log α)/(α − 1) ), which is
 * what dp_accounting's `compute_epsilon` and Opacus's `get_privacy_spent`
 * compute; the reference values the tests match were printed by them.
 */
import { logAdd, logComb, logErfc } from './log-math.js';

/**
 * dp_accounting's DEFAULT_RDP_ORDERS: 1.1 to 10.9 in steps of 0.1, 11 to 63,
 * and 128, 256, 512, 1024.
 */
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, x) => 1 + (x + 1) / 10),
  ...Array.from({ length: 53 }, (_, x) => 11 + x),
  128,
  256,
  512,
  1024,
]);

/** The terms `_compute_log_a_frac` sums at most before giving up on an order. */
const MAX_STEPS_LOG_A_FRAC = 1000;

/** log(A_α) for integer α (the binomial expansion), 0 < q < 1. */
function logAInteger(q: number, sigma: number, alpha: number): number {
  let logA = -Infinity;
  const logQ = Math.log(q);
  const log1mq = Math.log1p(-q);
  for (let i = 0; i <= alpha; i++) {
    const logCoef = logComb(alpha, i) + i * logQ + (alpha - i) * log1mq;
    logA = logAdd(logA, logCoef + (i * i - i) / (2 * sigma ** 2));
  }
  return logA;
}

/**
 * log(A_α) for fractional α (Mironov, Talwar, Zhang §3.3): the integrals over
 * (−∞, z0] and [z0, ∞) as two series, stopped once both are decreasing and
 * 30 nats below the total. Infinity when it does not converge, which drops
 * the order from the minimum, as dp_accounting does.
 */
function logAFractional(q: number, sigma: number, alpha: number): number {
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  const z0 = sigma ** 2 * Math.log(1 / q - 1) + 0.5;
  const logQ = Math.log(q);
  const log1mq = Math.log1p(-q);
  const scale = Math.SQRT2 * sigma;
  let lastS0 = -Infinity;
  let lastS1 = -Infinity;
  for (let i = 0; i < MAX_STEPS_LOG_A_FRAC; i++) {
    const logCoef = logComb(alpha, i);
    const j = alpha - i;
    const logT0 = logCoef + i * logQ + j * log1mq;
    const logT1 = logCoef + j * logQ + i * log1mq;
    const logE0 = Math.log(0.5) + logErfc((i - z0) / scale);
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / scale);
    const logS0 = logT0 + (i * i - i) / (2 * sigma ** 2) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * sigma ** 2) + logE1;
    logA0 = logAdd(logA0, logS0);
    logA1 = logAdd(logA1, logS1);
    const total = logAdd(logA0, logA1);
    if (logS0 < lastS0 && logS1 < lastS1 && Math.max(logS0, logS1) < total - 30) return total;
    lastS0 = logS0;
    lastS1 = logS1;
  }
  return Infinity;
}

/** Throws a RangeError unless 0 ≤ q ≤ 1, σ ≥ 0 and every order ≥ 1. */
function checkMechanism(q: number, sigma: number, orders: readonly number[]): void {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`q(=${q}) must be in [0, 1]`);
  if (!(sigma >= 0)) throw new RangeError(`noiseMultiplier(=${sigma}) must be >= 0`);
  for (const order of orders)
    if (!(order >= 1)) throw new RangeError(`RDP order(=${order}) must be >= 1`);
}

/**
 * The RDP of one step of the Poisson-subsampled Gaussian mechanism at each of
 * `orders`: 0 when q = 0; Infinity when σ = 0 or the order is infinite;
 * α/(2σ²) when q = 1 (the Gaussian mechanism); log(A_α)/(α − 1) otherwise.
 * Compose k steps by multiplying by k.
 */
export function rdpSubsampledGaussian(
  q: number,
  sigma: number,
  orders: readonly number[] = DEFAULT_RDP_ORDERS,
): Float64Array {
  return rdpAtOrders(q, sigma, orders, (alpha) => {
    const logA = Number.isInteger(alpha)
      ? logAInteger(q, sigma, alpha)
      : logAFractional(q, sigma, alpha);
    return logA / (alpha - 1);
  });
}

/**
 * A sampled Gaussian mechanism's RDP at each of `orders`, the cases every
 * sampling shares handled here: 0 when q = 0; Infinity when σ = 0 or the
 * order is infinite; α/(2σ²) when q = 1 (no sampling). `general` gives the
 * rest, for 0 < q < 1, σ > 0 and a finite order.
 */
export function rdpAtOrders(
  q: number,
  sigma: number,
  orders: readonly number[],
  general: (alpha: number) => number,
): Float64Array {
  checkMechanism(q, sigma, orders);
  return Float64Array.from(orders, (alpha) => {
    if (q === 0) return 0;
    if (alpha === Infinity || sigma === 0) return Infinity;
    if (q === 1) return alpha / (2 * sigma ** 2);
    return general(alpha);
  });
}

/** An (ε, δ) guarantee and the RDP order that gave it. */
export interface EpsilonAtOrder {
  readonly epsilon: number;
  /** The order α at which the conversion was tightest (0 when δ = 0 and the RDP is all 0). */
  readonly order: number;
}

/**
 * The per-order parts of the conversion at `delta`, to be reused across
 * rounds: term[k] = log(1 − 1/α) − log(δα)/(α − 1) for α > 1.01 (Infinity
 * at lower orders, where the bound is unstable), and the RDP below which the
 * KL bound δ² + e^(−RDP) − 1 > 0 already gives ε = 0.
 */
export interface Conversion {
  readonly delta: number;
  readonly terms: Float64Array;
  /** −log(1 − δ²): an RDP below it converts to ε = 0. */
  readonly zeroBelow: number;
}

/** The {@link Conversion} of `orders` at `delta` (> 0). */
export function conversionAt(orders: readonly number[], delta: number): Conversion {
  if (!(delta > 0)) throw new RangeError(`delta(=${delta}) must be > 0`);
  const terms = Float64Array.from(orders, (a) => {
    if (!(a >= 1)) throw new RangeError(`RDP order(=${a}) must be >= 1`);
    return a > 1.01 ? Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1) : Infinity;
  });
  return { delta, terms, zeroBelow: -Math.log1p(-(delta ** 2)) };
}

/**
 * The smallest ε over the orders of `conversion` for RDP `rdp` (one value
 * per order): per order, 0 for negative RDP (numerical noise) or RDP below
 * the KL threshold, else RDP + term. The first order of equal values wins,
 * as numpy's argmin.
 */
export function convert(
  orders: readonly number[],
  rdp: ArrayLike<number>,
  conversion: Conversion,
): EpsilonAtOrder {
  const { terms, zeroBelow } = conversion;
  let best = Infinity;
  let bestOrder = orders[0] ?? 0;
  for (let k = 0; k < terms.length; k++) {
    const r = rdp[k]!;
    const epsilon = r < 0 || r < zeroBelow ? 0 : r + terms[k]!;
    if (epsilon < best) {
      best = epsilon;
      bestOrder = orders[k]!;
    }
  }
  return { epsilon: Math.max(0, best), order: bestOrder };
}

/**
 * The smallest ε over `orders` such that the mechanism with RDP `rdp` (one
 * value per order) is (ε, δ)-DP, by Canonne, Kamath, Steinke's Proposition 12
 * (dp_accounting's `compute_epsilon`): per order, 0 when the KL bound
 * δ² + e^(−RDP) − 1 > 0 already gives δ, the CKS bound for α > 1.01, Infinity
 * for α ≤ 1.01 (unstable near 1). Negative RDP (numerical noise) counts as 0.
 */
export function epsilonFromRdp(
  orders: readonly number[],
  rdp: ArrayLike<number>,
  delta: number,
): EpsilonAtOrder {
  if (!(delta >= 0)) throw new RangeError(`delta(=${delta}) must be >= 0`);
  if (orders.length !== rdp.length)
    throw new RangeError(`rdp.length(=${rdp.length}) must equal orders.length(=${orders.length})`);
  if (delta === 0) {
    for (let k = 0; k < rdp.length; k++) if (rdp[k] !== 0) return { epsilon: Infinity, order: 0 };
    return { epsilon: 0, order: 0 };
  }
  return convert(orders, rdp, conversionAt(orders, delta));
}
