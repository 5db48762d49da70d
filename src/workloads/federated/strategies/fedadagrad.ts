/**
 * FedAdagrad: federated averaging with an Adagrad server optimizer.
 *
 * Reddi et al., "Adaptive Federated Optimization", ICLR 2021
 * (arXiv:2003.00295), Algorithm 2 with v ← v + Δ². Flower's fedadagrad.py
 * fixes β1 = 0 (m = Δ, no momentum); that is the default here, and beta1 may
 * be set for the paper's momentum variant.
 */

import { z } from 'zod';
import { adagradSecondMoment } from '../kernels/fedopt.js';
import { FEDADAGRAD_DEFAULTS } from './defaults.js';
import { FedOpt, type FedOptOptions, fedOptOptionsShape } from './fedopt.js';

export type FedAdagradOptions = FedOptOptions;
/** FedAdagrad's options as a scenario writes them. */
export const fedAdagradOptions = z.strictObject(fedOptOptionsShape);

/** FedAdagrad. Defaults (see defaults.ts): serverLearningRate 10^-1, beta1 0, tau 1e-3. */
export class FedAdagrad extends FedOpt {
  override readonly name: string = 'fedadagrad';

  constructor(options: FedAdagradOptions = {}) {
    super(options, FEDADAGRAD_DEFAULTS);
  }

  protected override updateSecondMoment(v: Float32Array, delta: Float32Array): void {
    adagradSecondMoment(v, delta, v);
  }
}
