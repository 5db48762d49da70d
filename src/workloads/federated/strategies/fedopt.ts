/**
 * The adaptive server optimizers' common part (FedOpt).
 *
 * Reddi, Charles, Zaheer, Garrett, Rush, Konečný, Kumar, McMahan, "Adaptive
 * Federated Optimization", ICLR 2021 (arXiv:2003.00295), Algorithm 2. Each
 * round the server takes Δ = FedAvg(results) − global as its direction,
 * updates a first moment m and a second moment v (the subclass's rule), and
 * steps global ← global + η·m / (√v + τ). Both moments start at zero, as in
 * Flower's fedopt.py.
 */
import { z } from 'zod';
import { adaptiveStep, firstMoment } from '../kernels/fedopt.js';
import { subtract } from '../kernels/vector.js';
import { exampleWeightedAverage, FedAvg } from './fedavg.js';
import {
  decayRate,
  decayRateOption,
  positive,
  type ServerLearningRateOptions,
  serverLearningRateShape,
} from './options.js';
import type { ClientUpdate } from './strategy.js';

/** Options of the adaptive family; defaults differ per optimizer. */
export interface FedOptOptions extends ServerLearningRateOptions {
  /** First-moment decay β1 in [0, 1). */
  readonly beta1?: number;
  /** Adaptivity τ > 0: added to √v, it bounds the step where v is small. */
  readonly tau?: number;
}

/** The adaptive family's options as a scenario writes them. */
export const fedOptOptionsShape = {
  ...serverLearningRateShape,
  beta1: decayRateOption('First-moment decay β1 in [0, 1)'),
  tau: z.number().positive().optional().describe('Adaptivity τ > 0'),
};

/** One optimizer's defaults. */
export interface FedOptDefaults {
  readonly serverLearningRate: number;
  readonly beta1: number;
  readonly tau: number;
}

/** FedAvg followed by an adaptive server step; subclasses give the second-moment rule. */
export abstract class FedOpt extends FedAvg {
  readonly serverLearningRate: number;
  readonly beta1: number;
  readonly tau: number;
  private m: Float32Array | undefined;
  private v: Float32Array | undefined;

  constructor(options: FedOptOptions, defaults: FedOptDefaults) {
    super(options);
    this.serverLearningRate = positive(
      'serverLearningRate',
      options.serverLearningRate,
      defaults.serverLearningRate,
    );
    this.beta1 = decayRate('beta1', options.beta1, defaults.beta1);
    this.tau = positive('tau', options.tau, defaults.tau);
  }

  /** v's update in place (`out` = v) from the round's direction Δ. */
  protected abstract updateSecondMoment(v: Float32Array, delta: Float32Array): void;

  /** The step size η_t of round t; the server learning rate unless overridden. */
  protected stepSize(_round: number): number {
    return this.serverLearningRate;
  }

  protected override serverUpdate(
    round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
  ): Float32Array {
    const delta = subtract(exampleWeightedAverage(global, results), global);
    this.m ??= new Float32Array(global.length);
    this.v ??= new Float32Array(global.length);
    firstMoment(this.m, delta, this.beta1, this.m);
    this.updateSecondMoment(this.v, delta);
    return adaptiveStep(global, this.m, this.v, this.stepSize(round), this.tau);
  }
}
