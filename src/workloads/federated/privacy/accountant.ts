/**
 * The privacy accountant of a federated run: composes the rounds' subsampled
 * Gaussian mechanisms in RDP (composition adds RDP order by order; Mironov,
 * CSF 2017, Proposition 1) and converts the total to (ε, δ), as
 * dp_accounting's RdpAccountant does for a `SelfComposedDpEvent` of a
 * `PoissonSampledDpEvent` or `SampledWithoutReplacementDpEvent` of a
 * `GaussianDpEvent` (github.com/google/differential-privacy, commit b5b0286e,
 * python/dp_accounting/dp_accounting/rdp/rdp_privacy_accountant.py).
 *
 * Client sampling decides the bound:
 * - `poisson`: each client joins a round independently with probability q;
 *   add-or-remove-one neighbours (Mironov, Talwar, Zhang 2019).
 * - `fixed-size`: m of N clients drawn without replacement, q = m/N;
 *   replace-one neighbours (Wang, Balle, Kasiviswanathan 2019).
 *
 * One step's RDP depends only on (q, σ), so it is computed once per distinct
 * pair and kept; composing a round is then one add per order, and ε after
 * each of 10,000 rounds costs 10,000 conversions over the orders.
 */
import {
  type Conversion,
  conversionAt,
  convert,
  DEFAULT_RDP_ORDERS,
  type EpsilonAtOrder,
  epsilonFromRdp,
  rdpSubsampledGaussian,
} from './rdp.js';
import { rdpSampledWithoutReplacementGaussian } from './rdp-without-replacement.js';

/** How the clients of a round are drawn, which decides the RDP bound. */
export type ClientSampling = 'poisson' | 'fixed-size';

/** Options of an {@link RdpAccountant}. */
export interface AccountantOptions {
  /** The RDP orders α (each ≥ 1); default dp_accounting's DEFAULT_RDP_ORDERS. */
  readonly orders?: readonly number[];
  /** Default `poisson`. */
  readonly sampling?: ClientSampling;
}

/** The RDP of one step of the sampled Gaussian mechanism under `sampling`. */
export function rdpOfStep(
  sampling: ClientSampling,
  q: number,
  sigma: number,
  orders: readonly number[],
): Float64Array {
  return sampling === 'poisson'
    ? rdpSubsampledGaussian(q, sigma, orders)
    : rdpSampledWithoutReplacementGaussian(q, sigma, orders);
}

/** Total RDP of the rounds composed so far, and its (ε, δ). */
export class RdpAccountant {
  readonly orders: readonly number[];
  readonly sampling: ClientSampling;
  private readonly total: Float64Array;
  private readonly perStep = new Map<string, Float64Array>();
  /** The conversion at the last δ asked for (a run asks for one δ every round). */
  private conversion: Conversion | undefined;

  constructor(options: AccountantOptions = {}) {
    this.orders = Object.freeze([...(options.orders ?? DEFAULT_RDP_ORDERS)]);
    this.sampling = options.sampling ?? 'poisson';
    if (this.orders.length === 0) throw new RangeError('orders must not be empty');
    for (const order of this.orders)
      if (!(order >= 1)) throw new RangeError(`RDP order(=${order}) must be >= 1`);
    this.total = new Float64Array(this.orders.length);
  }

  /**
   * Adds `steps` rounds (an integer ≥ 0) in which the Gaussian mechanism with
   * noise multiplier `noiseMultiplier` (σ ≥ 0: noise std over the L2
   * sensitivity) ran on clients sampled at rate `q` (in [0, 1]).
   */
  compose(q: number, noiseMultiplier: number, steps = 1): this {
    if (!(Number.isInteger(steps) && steps >= 0))
      throw new RangeError(`steps(=${steps}) must be an integer >= 0`);
    if (steps === 0) return this;
    const rdp = this.stepRdp(q, noiseMultiplier);
    for (let k = 0; k < rdp.length; k++) this.total[k] = this.total[k]! + steps * rdp[k]!;
    return this;
  }

  /** The smallest ε for which the rounds so far are (ε, δ)-DP, and its order. */
  epsilon(delta: number): EpsilonAtOrder {
    if (!(delta > 0)) return epsilonFromRdp(this.orders, this.total, delta);
    if (this.conversion?.delta !== delta) this.conversion = conversionAt(this.orders, delta);
    return convert(this.orders, this.total, this.conversion);
  }

  /** A copy of the total RDP at each order. */
  get rdp(): Float64Array {
    return this.total.slice();
  }

  private stepRdp(q: number, sigma: number): Float64Array {
    const key = `${q}/${sigma}`;
    let rdp = this.perStep.get(key);
    if (rdp === undefined) {
      rdp = rdpOfStep(this.sampling, q, sigma, this.orders);
      this.perStep.set(key, rdp);
    }
    return rdp;
  }
}

/** What {@link noiseForEpsilon} may be told besides the target. */
export interface NoiseSearchOptions extends AccountantOptions {
  /** Stop when the bracket is narrower than this fraction of σ (default 1e-6). */
  readonly relativeTolerance?: number;
}

/** The ε after `steps` rounds at rate q with multiplier σ. */
export function epsilonAfter(
  q: number,
  sigma: number,
  steps: number,
  delta: number,
  options: AccountantOptions = {},
): number {
  return new RdpAccountant(options).compose(q, sigma, steps).epsilon(delta).epsilon;
}

/** The largest σ searched; a target needing more is refused. */
const MAX_SIGMA = 2 ** 40;

/**
 * The smallest noise multiplier σ (to `relativeTolerance`) such that `steps`
 * rounds at sampling rate `q` are (targetEpsilon, δ)-DP: a bisection on σ,
 * since ε falls as σ grows. The σ returned always meets the target (it is the
 * upper end of the final bracket). 0 when no noise is needed (q = 0 or
 * steps = 0). Throws a RangeError for a target ≤ 0 or one that would need
 * σ > 2^40.
 */
export function noiseForEpsilon(
  targetEpsilon: number,
  delta: number,
  q: number,
  steps: number,
  options: NoiseSearchOptions = {},
): number {
  if (!(targetEpsilon > 0)) throw new RangeError(`targetEpsilon(=${targetEpsilon}) must be > 0`);
  if (!(delta > 0 && delta < 1)) throw new RangeError(`delta(=${delta}) must be in (0, 1)`);
  const tolerance = options.relativeTolerance ?? 1e-6;
  if (!(tolerance > 0)) throw new RangeError(`relativeTolerance(=${tolerance}) must be > 0`);
  const meets = (sigma: number) => epsilonAfter(q, sigma, steps, delta, options) <= targetEpsilon;
  if (q === 0 || steps === 0) return 0;
  let hi = 1;
  while (!meets(hi)) {
    hi *= 2;
    if (hi > MAX_SIGMA)
      throw new RangeError(
        `targetEpsilon(=${targetEpsilon}) needs a noise multiplier above ${MAX_SIGMA}`,
      );
  }
  let lo = hi / 2;
  while (meets(lo)) {
    hi = lo;
    lo /= 2;
    if (lo < Number.MIN_VALUE) return hi;
  }
  while (hi - lo > tolerance * hi) {
    const mid = (lo + hi) / 2;
    if (meets(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
