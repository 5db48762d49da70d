/**
 * FedProx.
 *
 * Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith, "Federated Optimization in
 * Heterogeneous Networks", MLSys 2020 (arXiv:1812.06127). Clients minimise
 * their loss plus (μ/2)·‖w − w_global‖²; the server aggregates as FedAvg.
 *
 * Compute: the proximal term adds μ·(w − w_global) to every local gradient,
 * one elementwise pass over the parameters per local step, counted as
 * {@link PROXIMAL_FLOPS_PER_PARAMETER} FLOPs per parameter (a subtraction, a
 * multiplication and an addition) and charged to the client's training time.
 */
import { z } from 'zod';
import { type ClientHook, PROXIMAL_TRAINING } from './client-hook.js';
import { FedAvg } from './fedavg.js';
import { type FedAvgOptions, fedAvgOptionsShape, nonNegative } from './options.js';
import type { ClientCost, FitConfig } from './strategy.js';

/** FLOPs per parameter per local step of the proximal gradient μ·(w − w_global) added to the loss's. */
export const PROXIMAL_FLOPS_PER_PARAMETER = 3;

export interface FedProxOptions extends FedAvgOptions {
  /** The proximal weight μ ≥ 0 (required, as in Flower; 0 is FedAvg). */
  readonly proximalMu: number;
}

/** FedProx's options as a scenario writes them (proximalMu is required). */
export const fedProxOptions = z.strictObject({
  ...fedAvgOptionsShape,
  proximalMu: z.number().min(0).describe('The proximal weight μ >= 0 (0 is FedAvg)'),
});

/** FedProx: FedAvg whose clients add a proximal term to their loss. */
export class FedProx extends FedAvg {
  override readonly name: string = 'fedprox';
  /** Local training with the proximal term of the round's configuration. */
  override readonly clientHook: ClientHook = PROXIMAL_TRAINING;
  readonly proximalMu: number;

  constructor(options: FedProxOptions) {
    super(options);
    this.proximalMu = nonNegative('proximalMu', options.proximalMu);
  }

  override configureFit(_round: number, _global: Float32Array): FitConfig {
    return { proximalMu: this.proximalMu };
  }

  /** FedAvg's traffic; each local step also computes the proximal gradient (none when μ = 0, which trains plainly). */
  override clientCost(parameters: number): ClientCost {
    const flopsPerStep = this.proximalMu > 0 ? PROXIMAL_FLOPS_PER_PARAMETER * parameters : 0;
    return { ...super.clientCost(parameters), flopsPerStep };
  }
}
