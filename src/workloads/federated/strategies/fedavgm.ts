/**
 * Federated Averaging with server momentum (FedAvgM).
 *
 * Hsu, Qi, Brown, "Measuring the Effects of Non-Identical Data Distribution
 * for Federated Visual Classification", arXiv:1909.06335, 2019. The server
 * applies SGD with momentum to the pseudo-gradient g = global − average:
 * v ← β·v + g, global ← global − η·v, as in Flower's fedavgm.py.
 */

import { z } from 'zod';
import { momentumVelocity, pseudoGradient, sgdStep } from '../kernels/server-momentum.js';
import { FEDAVGM_DEFAULTS } from './defaults.js';
import { exampleWeightedAverage, FedAvg } from './fedavg.js';
import {
  decayRate,
  decayRateOption,
  positive,
  type ServerLearningRateOptions,
  serverLearningRateShape,
} from './options.js';
import type { ClientUpdate } from './strategy.js';

export interface FedAvgMOptions extends ServerLearningRateOptions {
  /** The server momentum β, in [0, 1) (default 0.9: see defaults.ts). */
  readonly serverMomentum?: number;
}

/** FedAvgM's options as a scenario writes them. */
export const fedAvgMOptions = z.strictObject({
  ...serverLearningRateShape,
  serverMomentum: decayRateOption(
    `The server momentum β in [0, 1) (default ${FEDAVGM_DEFAULTS.serverMomentum})`,
  ),
});

/** FedAvgM: FedAvg followed by a server SGD-with-momentum step. */
export class FedAvgM extends FedAvg {
  override readonly name: string = 'fedavgm';
  readonly serverLearningRate: number;
  readonly serverMomentum: number;
  private velocity: Float32Array | undefined;

  /** Defaults of Reddi et al. (2021) and Hsu et al. (2019): serverLearningRate 10^-0.5, serverMomentum 0.9 (see defaults.ts). */
  constructor(options: FedAvgMOptions = {}) {
    super(options);
    this.serverLearningRate = positive(
      'serverLearningRate',
      options.serverLearningRate,
      FEDAVGM_DEFAULTS.serverLearningRate,
    );
    this.serverMomentum = decayRate(
      'serverMomentum',
      options.serverMomentum,
      FEDAVGM_DEFAULTS.serverMomentum,
    );
  }

  protected override serverUpdate(
    _round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
  ): Float32Array {
    const average = exampleWeightedAverage(global, results);
    // As Flower: without momentum and with η = 1 the step lands on the average; return it exactly.
    if (this.serverMomentum === 0 && this.serverLearningRate === 1) return average;
    const gradient = pseudoGradient(global, average);
    this.velocity = momentumVelocity(
      this.velocity ?? new Float32Array(global.length),
      gradient,
      this.serverMomentum,
    );
    return sgdStep(global, this.velocity, this.serverLearningRate);
  }
}
