/**
 * SCAFFOLD: stochastic controlled averaging.
 *
 * Karimireddy, Kale, Mohri, Reddi, Stich, Suresh, "SCAFFOLD: Stochastic
 * Controlled Averaging for Federated Learning", ICML 2020 (arXiv:1910.06378),
 * Algorithm 1. The server keeps a control variate c, sends it with every fit
 * configuration, and after the round moves the model by the unweighted mean
 * client change (scaled by η_g) and c by (1/N)·Σ Δc_i. Its client hook
 * ({@link ScaffoldClient}) keeps each client's c_i, corrects the local
 * gradients by c − c_i and computes c_i⁺ (option II) after training.
 *
 * Traffic (Algorithm 1, lines 5 and 14): the server sends the model x and c,
 * each client sends its model change and Δc_i: twice FedAvg's bytes each way.
 * Compute: adding c − c_i to each local gradient is one addition per
 * parameter per step. Option II's c_i⁺ = c_i − c + (x − y_i)/(K·η_l) holds
 * only for K plain SGD steps of size η_l, so SCAFFOLD accepts only the `sgd`
 * local optimizer.
 */

import { z } from 'zod';
import type { OptimizerName } from '../../../ml/train/options.js';
import { MAX_DEVICES } from '../../../scenario/limits.js';
import {
  scaffoldClientControl,
  scaffoldServerControl,
  scaffoldServerModel,
} from '../kernels/scaffold.js';
import { subtract } from '../kernels/vector.js';
import type { ClientContext, ClientHook, TrainedClient, TrainingOptions } from './client-hook.js';
import { FedAvg } from './fedavg.js';
import {
  count,
  positive,
  type ServerLearningRateOptions,
  serverLearningRateShape,
} from './options.js';
import {
  BYTES_PER_PARAMETER,
  type ClientCost,
  type ClientUpdate,
  type FitConfig,
} from './strategy.js';

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
  /** The clients' control variates c_i, kept across rounds. */
  override readonly clientHook: ClientHook = new ScaffoldClient();
  /** Option II's control variate assumes plain SGD steps. */
  override readonly localOptimizers: readonly OptimizerName[] = ['sgd'];
  readonly serverLearningRate: number;
  readonly totalClients: number;
  private control: Float32Array | undefined;

  constructor(options: ScaffoldOptions) {
    super(options);
    this.serverLearningRate = positive('serverLearningRate', options.serverLearningRate, 1);
    this.totalClients = count('totalClients', options.totalClients);
  }

  /** The model and c down; the model change and Δc_i up; one addition per parameter per local step. */
  override clientCost(parameters: number): ClientCost {
    const vectorBytes = parameters * BYTES_PER_PARAMETER;
    return { bytesDown: 2 * vectorBytes, bytesUp: 2 * vectorBytes, flopsPerStep: parameters };
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

/**
 * SCAFFOLD's client side (Algorithm 1, lines 7-13, option II): client i
 * corrects each local gradient by c − c_i, and after its K local steps from x
 * to y_i sets c_i⁺ = c_i − c + (x − y_i)/(K·η_l) and sends Δc_i = c_i⁺ − c_i
 * with its model. A client never selected before has c_i = 0.
 */
export class ScaffoldClient implements ClientHook {
  private readonly controls = new Map<number, Float32Array>();

  /** The gradient correction c − c_i. */
  prepare(context: ClientContext): TrainingOptions {
    const c = serverControlOf(context);
    return { gradientCorrection: subtract(c, this.controlOf(context.clientId, c.length)) };
  }

  /** Stores c_i⁺ and adds Δc_i to the update; K is at least 1 (a client with no step counts one). */
  finish(context: ClientContext, trained: TrainedClient): ClientUpdate {
    const c = serverControlOf(context);
    const before = this.controlOf(context.clientId, c.length);
    const after = scaffoldClientControl(
      before,
      c,
      context.global,
      trained.update.weights,
      Math.max(1, trained.steps),
      context.local.learningRate,
    );
    this.controls.set(context.clientId, after);
    return { ...trained.update, controlDelta: subtract(after, before) };
  }

  /** c_i: zeros for a client not seen before. */
  controlOf(clientId: number, length: number): Float32Array {
    return this.controls.get(clientId) ?? new Float32Array(length);
  }
}

function serverControlOf(context: ClientContext): Float32Array {
  const c = context.config.serverControl;
  if (c === undefined)
    throw new TypeError('the fit configuration has no serverControl, which SCAFFOLD clients need');
  return c;
}
