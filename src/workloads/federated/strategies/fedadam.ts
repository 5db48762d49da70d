/**
 * FedAdam: federated averaging with an Adam server optimizer.
 *
 * Reddi et al., "Adaptive Federated Optimization", ICLR 2021
 * (arXiv:2003.00295), Algorithm 2 with v ← β2·v + (1 − β2)·Δ². The step size
 * is bias-corrected as in Flower's fedadam.py (see {@link adamStepSize}).
 */

import { z } from 'zod';
import { adamSecondMoment, adamStepSize } from '../kernels/fedopt.js';
import { FEDADAM_DEFAULTS } from './defaults.js';
import { FedOpt, type FedOptOptions, fedOptOptionsShape } from './fedopt.js';
import { decayRate, decayRateOption } from './options.js';

/** Options of FedAdam and FedYogi. */
export interface FedAdamOptions extends FedOptOptions {
  /** Second-moment decay β2 in [0, 1). */
  readonly beta2?: number;
}

/** FedAdam's (and FedYogi's) options as a scenario writes them. */
export const fedAdamOptions = z.strictObject({
  ...fedOptOptionsShape,
  beta2: decayRateOption('Second-moment decay β2 in [0, 1)'),
});

/** FedAdam. Defaults (see defaults.ts): serverLearningRate 10^-2.5, beta1 0.9, beta2 0.99, tau 1e-3. */
export class FedAdam extends FedOpt {
  override readonly name: string = 'fedadam';
  readonly beta2: number;

  constructor(options: FedAdamOptions = {}) {
    super(options, FEDADAM_DEFAULTS);
    this.beta2 = decayRate('beta2', options.beta2, FEDADAM_DEFAULTS.beta2);
  }

  protected override updateSecondMoment(v: Float32Array, delta: Float32Array): void {
    adamSecondMoment(v, delta, this.beta2, v);
  }

  protected override stepSize(round: number): number {
    return adamStepSize(this.serverLearningRate, this.beta1, this.beta2, round);
  }
}
