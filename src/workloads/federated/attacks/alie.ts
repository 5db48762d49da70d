/**
 * "A little is enough" (ALIE): Baruch, Baruch, Goldberg, "A Little Is Enough:
 * Circumventing Defenses For Distributed Learning", NeurIPS 2019
 * (arXiv:1902.06156), §3 (the perturbation range; the attack on convergence). Every
 * attacker sends the same model, per coordinate j the mean μ_j minus z
 * standard deviations σ_j of the benign updates: close enough to the benign
 * ones that median, trimmed mean and Krum keep it, consistently on one side so
 * that it adds up over rounds. z is the largest shift that still leaves the
 * attackers a majority with the benign updates nearer the mean than they are:
 * with n updates of which m are the attackers', s = ⌊n/2 + 1⌋ − m benign
 * "supporters" are needed and z_max = Φ⁻¹((n − s)/n).
 *
 * Statistics are over the deltas w_k − w_global, in float64 in update order;
 * σ is the population standard deviation (divisor n, as numpy's default). The
 * model sent is w_global + μ − z·σ, rounded once to float32.
 */
import { requireSameLength } from '../kernels/vector.js';

/**
 * z_max of n updates of which m are the attackers' (0 ≤ m ≤ n, n ≥ 1):
 * Φ⁻¹((n − s)/n) with s = ⌊n/2 + 1⌋ − m. When the attackers are a majority
 * already (s ≤ 0, so (n − s)/n ≥ 1 and Φ⁻¹ is infinite) s is taken as 1,
 * the smallest number of supporters, so z stays finite; when s ≥ n (no
 * attacker and n ≤ 1) z is 0.
 */
export function alieZ(n: number, m: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`n(=${n}) must be an integer >= 1`);
  if (!(Number.isInteger(m) && m >= 0 && m <= n))
    throw new RangeError(`m(=${m}) must be an integer in [0, n(=${n})]`);
  const s = Math.max(1, Math.floor(n / 2 + 1) - m);
  if (s >= n) return 0;
  return normalQuantile((n - s) / n);
}

/**
 * The ALIE model w_global + μ − z·σ of the `benign` models (at least one, each
 * of `global`'s length); `z` ≥ 0. Inputs are not modified.
 */
export function alieUpdate(
  global: Float32Array,
  benign: readonly Float32Array[],
  z: number,
): Float32Array {
  return alieUpdates(
    benign.map((weights) => ({ base: global, weights })),
    [global],
    z,
  )[0]!;
}

/** A model and the global model it was trained from. */
export interface TrainedFrom {
  readonly base: Float32Array;
  readonly weights: Float32Array;
}

/**
 * ALIE when the updates were trained from different global models (the
 * buffer of asynchronous FedBuff): μ and σ are over the deltas w_k − base_k
 * of the `benign` updates, and each attacker sends its own base + μ − z·σ,
 * one model per entry of `attackerBases`. With one base for all, this is
 * {@link alieUpdate}, bit for bit. Inputs are not modified.
 */
export function alieUpdates(
  benign: readonly TrainedFrom[],
  attackerBases: readonly Float32Array[],
  z: number,
): Float32Array[] {
  if (benign.length === 0) throw new RangeError('alieUpdate needs at least one benign update');
  if (!(Number.isFinite(z) && z >= 0))
    throw new RangeError(`z(=${z}) must be a finite number >= 0`);
  const length = benign[0]!.base.length;
  for (const { base, weights } of benign) {
    requireSameLength('global', benign[0]!.base, 'base', base);
    requireSameLength('global', base, 'benign update', weights);
  }
  for (const base of attackerBases) requireSameLength('global', benign[0]!.base, 'base', base);
  const out = attackerBases.map(() => new Float32Array(length));
  const k = benign.length;
  for (let j = 0; j < length; j++) {
    let sum = 0;
    for (const { base, weights } of benign) sum += weights[j]! - base[j]!;
    const mean = sum / k;
    let squares = 0;
    for (const { base, weights } of benign) squares += (weights[j]! - base[j]! - mean) ** 2;
    const shift = z * Math.sqrt(squares / k);
    for (let a = 0; a < out.length; a++) out[a]![j] = attackerBases[a]![j]! + mean - shift;
  }
  return out;
}

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Φ(x), the standard normal CDF, by Marsaglia's Taylor series ("Evaluating
 * the Normal Distribution", J. Stat. Software 11(4), 2004):
 * Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …), to about 1e-15 absolute;
 * 0 or 1 beyond |x| > 38.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < -38) return 0;
  if (x > 38) return 1;
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let i = 3; sum + term !== sum; i += 2) {
    term *= x2 / i;
    sum += term;
  }
  return 0.5 + sum * Math.exp(-0.5 * x2 - LN_SQRT_2PI);
}

/** Φ⁻¹(p) for p in (0, 1): bisection on {@link normalCdf} to the last bit (no table of coefficients). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p(=${p}) must be in (0, 1)`);
  let low = -38;
  let high = 38;
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (mid === low || mid === high) break;
    if (normalCdf(mid) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
