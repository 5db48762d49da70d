/**
 * The base of strategies that wrap another (after Flower's
 * DifferentialPrivacy*Clipping strategies, which hold an inner strategy):
 * every call goes to the inner strategy, and a subclass overrides the calls
 * whose inputs or outputs it changes. Differential privacy, robust
 * aggregation, update compression and secure aggregation follow this shape.
 */

import type { OptimizerName } from '../../../../ml/train/options.js';
import type { ClientHook } from '../client-hook.js';
import type {
  AggregateResult,
  ClientCost,
  ClientFailure,
  ClientUpdate,
  FitConfig,
  Strategy,
} from '../strategy.js';

/** A strategy that delegates to `inner`; named `<inner>+<suffix>`, such as `fedavg+clip`. */
export abstract class WrappedStrategy implements Strategy {
  readonly name: string;
  /** The inner strategy's client side, unless a subclass overrides it (a client-side DP wrapper would). */
  readonly clientHook: ClientHook;
  readonly localOptimizers: readonly OptimizerName[] | undefined;

  constructor(
    readonly inner: Strategy,
    suffix: string,
  ) {
    this.name = `${inner.name}+${suffix}`;
    this.clientHook = inner.clientHook;
    this.localOptimizers = inner.localOptimizers;
  }

  /** The inner strategy's traffic and compute, unless a subclass changes what goes over the wire. */
  clientCost(parameters: number): ClientCost {
    return this.inner.clientCost(parameters);
  }

  configureFit(round: number, global: Float32Array): FitConfig {
    return this.inner.configureFit(round, global);
  }

  aggregateFit(
    round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
    failures: readonly ClientFailure[],
  ): AggregateResult {
    return this.inner.aggregateFit(round, global, results, failures);
  }
}
