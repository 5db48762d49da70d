/**
 * FedYogi: federated averaging with a Yogi server optimizer.
 *
 * Reddi et al., "Adaptive Federated Optimization", ICLR 2021
 * (arXiv:2003.00295), Algorithm 2 with v ← v − (1 − β2)·Δ²·sign(v − Δ²);
 * Yogi itself is Zaheer et al., "Adaptive Methods for Nonconvex
 * Optimization", NeurIPS 2018. No bias correction, as in Flower's fedyogi.py.
 */
import { yogiSecondMoment } from '../kernels/fedopt.js';
import { FEDYOGI_DEFAULTS } from './defaults.js';
import { type FedAdamOptions, fedAdamOptions } from './fedadam.js';
import { FedOpt } from './fedopt.js';
import { decayRate } from './options.js';

export type FedYogiOptions = FedAdamOptions;
/** FedYogi's options: FedAdam's. */
export const fedYogiOptions = fedAdamOptions;

/** FedYogi. Defaults (see defaults.ts): serverLearningRate 10^-2.5, beta1 0.9, beta2 0.99, tau 1e-3. */
export class FedYogi extends FedOpt {
  override readonly name: string = 'fedyogi';
  readonly beta2: number;

  constructor(options: FedYogiOptions = {}) {
    super(options, FEDYOGI_DEFAULTS);
    this.beta2 = decayRate('beta2', options.beta2, FEDYOGI_DEFAULTS.beta2);
  }

  protected override updateSecondMoment(v: Float32Array, delta: Float32Array): void {
    yogiSecondMoment(v, delta, this.beta2, v);
  }
}
