/**
 * Federated Averaging (FedAvg).
 *
 * McMahan, Moore, Ramage, Hampson, Agüera y Arcas, "Communication-Efficient
 * Learning of Deep Networks from Decentralized Data", AISTATS 2017
 * (arXiv:1602.05629). The new global model is the mean of the clients'
 * models weighted by their example counts.
 *
 * FedAvg is also the base of the family: subclasses change the server update
 * ({@link FedAvg.serverUpdate}) or the fit configuration and extend
 * `FedAvgOptions` rather than repeating it.
 */

import { z } from 'zod';
import type { OptimizerName } from '../../../ml/train/options.js';
import { requireSameLength } from '../kernels/vector.js';
import { weightedAverage } from '../kernels/weighted-average.js';
import { type ClientHook, PLAIN_TRAINING } from './client-hook.js';
import { type FedAvgOptions, fedAvgOptionsShape, flag } from './options.js';
import {
  type AggregateResult,
  BYTES_PER_PARAMETER,
  type ClientCost,
  type ClientFailure,
  type ClientUpdate,
  type FitConfig,
  type Strategy,
} from './strategy.js';

/** FedAvg's options as a scenario writes them. */
export const fedAvgOptions = z.strictObject(fedAvgOptionsShape);

/** FedAvg: the example-weighted mean of the clients' models. */
export class FedAvg implements Strategy {
  readonly name: string = 'fedavg';
  /** Plain local training; the trained model is the update. */
  readonly clientHook: ClientHook = PLAIN_TRAINING;
  /** Any local optimizer: FedAvg averages whatever models the clients trained. */
  readonly localOptimizers: readonly OptimizerName[] | undefined = undefined;
  readonly acceptFailures: boolean;

  constructor(options: FedAvgOptions = {}) {
    this.acceptFailures = flag('acceptFailures', options.acceptFailures, true);
  }

  /** The model down and the trained model up; plain local steps add nothing. */
  clientCost(parameters: number): ClientCost {
    const modelBytes = parameters * BYTES_PER_PARAMETER;
    return { bytesDown: modelBytes, bytesUp: modelBytes, flopsPerStep: 0 };
  }

  /** Plain local training: no proximal term, no control variate. */
  configureFit(_round: number, _global: Float32Array): FitConfig {
    return { proximalMu: 0 };
  }

  aggregateFit(
    round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
    failures: readonly ClientFailure[],
  ): AggregateResult {
    if (!(Number.isInteger(round) && round >= 1))
      throw new RangeError(`round(=${round}) must be an integer >= 1`);
    const reason = this.skipReason(results, failures);
    if (reason !== undefined) return { kind: 'skipped', reason };
    return {
      kind: 'aggregated',
      weights: this.serverUpdate(round, global, results),
      numResults: results.length,
      numExamples: totalExamples(results),
      loss: meanLoss(results),
    };
  }

  /**
   * The next global model from a round's (non-empty) results. FedAvg returns
   * their example-weighted mean; subclasses override this with their server
   * optimizer and may keep state across rounds.
   */
  protected serverUpdate(
    _round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
  ): Float32Array {
    return exampleWeightedAverage(global, results);
  }

  /** Why the round cannot be aggregated, or undefined when it can. */
  protected skipReason(
    results: readonly ClientUpdate[],
    failures: readonly ClientFailure[],
  ): string | undefined {
    if (results.length === 0) return `no client results (${failures.length} failures)`;
    if (failures.length > 0 && !this.acceptFailures)
      return `${failures.length} of ${results.length + failures.length} clients failed and acceptFailures is false`;
    if (totalExamples(results) === 0) return 'the results report 0 examples in total';
    return undefined;
  }
}

/** Σ_k n_k·w_k / Σ_k n_k over the results, in their order; checked against the global model's length. */
export function exampleWeightedAverage(
  global: Float32Array,
  results: readonly ClientUpdate[],
): Float32Array {
  const average = weightedAverage(
    results.map((r) => r.weights),
    results.map((r) => r.numExamples),
  );
  requireSameLength('global', global, 'the clients’ weights', average);
  return average;
}

function totalExamples(results: readonly ClientUpdate[]): number {
  let total = 0;
  for (const r of results) {
    if (!(Number.isInteger(r.numExamples) && r.numExamples >= 0))
      throw new RangeError(
        `numExamples(=${r.numExamples}) of client ${r.clientId} must be an integer >= 0`,
      );
    total += r.numExamples;
  }
  return total;
}

function meanLoss(results: readonly ClientUpdate[]): number | undefined {
  let weighted = 0;
  let examples = 0;
  for (const r of results) {
    if (r.loss === undefined) continue;
    weighted += r.numExamples * r.loss;
    examples += r.numExamples;
  }
  return examples > 0 ? weighted / examples : undefined;
}
