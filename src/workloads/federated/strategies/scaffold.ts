/**
 * SCAFFOLD: stochastic controlled averaging.
 *
 * Karimireddy, Kale, Mohri, Reddi, Stich, Suresh, "SCAFFOLD: Stochastic
 * Controlled Averaging for Federated Learning", ICML 2020 (arXiv:1910.06378),
 * Algorithm 1. The server keeps a control variate c, sends it with every fit
 * configuration, and after the round moves the model by the unweighted mean
 * client change (scaled by η_g) and c by (1/N)·Σ Δc_i. The client side (the
 * corrected local steps and c_i⁺, option II) is the trainer's, with
 * `scaffoldClientControl`.
 */

import { z } from 'zod';
import { MAX_DEVICES } from '../../../scenario/limits.js';
import { scaffoldServerControl, scaffoldServerModel } from '../kernels/scaffold.js';
import { FedAvg } from './fedavg.js';
import {
  count,
  positive,
  type ServerLearningRateOptions,
  serverLearningRateShape,
} from './options.js';
import type { ClientUpdate, FitConfig } from './strategy.js';

export interface ScaffoldOptions extends ServerLearningRateOptions {
  /** N, the number of clients in the federation (not per round); integer ≥ 1. */
  readonly totalClients: number;
}

/** SCAFFOLD's options as a scenario writes them; totalClients defaults to the fleet's devices. */
export const scaffoldOptions = z.strictObject({
  ...serverLearningRateShape,
  totalClients: z
    .number()
    .int()
    .min(1)
    .max(MAX_DEVICES)
    .optional()
    .describe('N, clients in the federation (default: the devices of the fleet)'),
});

/** SCAFFOLD's server. Defaults: serverLearningRate (η_g) 1. */
export class Scaffold extends FedAvg {
  override readonly name: string = 'scaffold';
  readonly serverLearningRate: number;
  readonly totalClients: number;
  private control: Float32Array | undefined;

  constructor(options: ScaffoldOptions) {
    super(options);
    this.serverLearningRate = positive('serverLearningRate', options.serverLearningRate, 1);
    this.totalClients = count('totalClients', options.totalClients);
  }

  /**
   * Sends the server control variate c (zeros before the first aggregation).
   * The array is never modified afterwards: each round replaces it.
   */
  override configureFit(_round: number, global: Float32Array): FitConfig {
    return { proximalMu: 0, serverControl: this.serverControl(global.length) };
  }

  protected override serverUpdate(
    _round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
  ): Float32Array {
    const deltas = results.map((r) => {
      if (r.controlDelta === undefined)
        throw new TypeError(`client ${r.clientId} sent no controlDelta, which SCAFFOLD needs`);
      return r.controlDelta;
    });
    const next = scaffoldServerModel(
      global,
      results.map((r) => r.weights),
      this.serverLearningRate,
    );
    this.control = scaffoldServerControl(
      this.serverControl(global.length),
      deltas,
      this.totalClients,
    );
    return next;
  }

  private serverControl(length: number): Float32Array {
    this.control ??= new Float32Array(length);
    return this.control;
  }
}
