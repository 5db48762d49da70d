/**
 * The two shapes of robust aggregation as strategy wrappers, and the options
 * they share. Each rule is its own wrapper, named after it, so that run
 * tables say which defence ran (`fedavg+median`, `fedadam+krum`):
 *
 * - Coordinate-wise rules (median, trimmed mean, Bulyan) reduce the round's
 *   client models to one robust model and hand the inner strategy ONE
 *   synthetic update carrying it, with the round's total examples and
 *   example-weighted loss, so that the inner strategy composes: FedAvg
 *   returns that model, FedAdam steps along its pseudo-gradient. The result
 *   reports the clients the rule read (`numResults`). SCAFFOLD cannot sit
 *   inside them (one synthetic update has no control variate).
 * - Selection rules (Krum, Multi-Krum) hand the inner strategy the selected
 *   clients' updates unchanged; FedAvg then averages them by example count
 *   (Blanchard et al.'s Multi-Krum averages them uniformly).
 *
 * A round with fewer results than a rule needs for its f (n > 2f + 2 for
 * Krum, n >= 4f + 3 for Bulyan) is skipped with the reason, as a round with
 * no results is. Resolving a scenario checks the same bounds against
 * `clientsPerRound` ({@link robustClientProblems}).
 */
import { z } from 'zod';
import type { AggregateResult, ClientFailure, ClientUpdate, Strategy } from '../strategy.js';
import { WrappedStrategy } from './wrapped.js';

/** f, the number of attackers a rule is built to withstand, as a scenario writes it. */
export const attackersOption = z
  .number()
  .int()
  .min(0)
  .describe('f: how many of a round’s clients may be attackers (an integer >= 0)');

/** The synthetic update's client id: no real client's. */
export const AGGREGATE_CLIENT_ID = -1;

/** A problem with a wrapper's option against the scenario's clients per round. */
export interface ClientCountProblem {
  /** The option at fault, such as `f`. */
  readonly option: string;
  readonly message: string;
  readonly value: unknown;
}

/** A wrapper whose aggregation needs `minResults` results; passes the round on. */
abstract class RobustStrategy extends WrappedStrategy {
  constructor(inner: Strategy, suffix: string) {
    super(inner, suffix);
  }

  /** Results the rule needs to run in a round. */
  abstract minResults(): number;

  /** What the rule needs, for a skipped round's reason, such as `krum with f=1 needs at least 5 results`. */
  protected abstract describeNeed(): string;

  override aggregateFit(
    round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
    failures: readonly ClientFailure[],
  ): AggregateResult {
    if (results.length === 0) return this.inner.aggregateFit(round, global, results, failures);
    if (results.length < this.minResults())
      return { kind: 'skipped', reason: `${this.describeNeed()}, got ${results.length}` };
    return this.robustAggregate(round, global, results, failures);
  }

  protected abstract robustAggregate(
    round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
    failures: readonly ClientFailure[],
  ): AggregateResult;
}

/** A rule that reduces the clients' models to one, which the inner strategy then aggregates. */
export abstract class CoordinateWiseStrategy extends RobustStrategy {
  constructor(inner: Strategy, suffix: string) {
    super(inner, suffix);
    const base = innermost(inner);
    if (base.name === 'scaffold')
      throw new RangeError(
        `${suffix} cannot wrap scaffold: its one aggregated update carries no control variate`,
      );
  }

  /** The robust model of the round's (enough, equally long) client models. */
  protected abstract combine(models: readonly Float32Array[]): Float32Array;

  protected robustAggregate(
    round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
    failures: readonly ClientFailure[],
  ): AggregateResult {
    const weights = this.combine(results.map((r) => r.weights));
    const aggregate = syntheticUpdate(results, weights);
    const result = this.inner.aggregateFit(round, global, [aggregate], failures);
    return result.kind === 'aggregated' ? { ...result, numResults: results.length } : result;
  }
}

/** A rule that picks some clients' updates, which the inner strategy then aggregates. */
export abstract class SelectionStrategy extends RobustStrategy {
  /** Positions in `results` of the updates to keep, ascending. */
  protected abstract select(models: readonly Float32Array[]): number[];

  protected robustAggregate(
    round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
    failures: readonly ClientFailure[],
  ): AggregateResult {
    const kept = this.select(results.map((r) => r.weights)).map((i) => results[i]!);
    return this.inner.aggregateFit(round, global, kept, failures);
  }
}

/** One update standing for `results`: `weights`, their total examples, their example-weighted loss. */
function syntheticUpdate(results: readonly ClientUpdate[], weights: Float32Array): ClientUpdate {
  let numExamples = 0;
  let weighted = 0;
  let reporting = 0;
  for (const r of results) {
    numExamples += r.numExamples;
    if (r.loss === undefined) continue;
    weighted += r.numExamples * r.loss;
    reporting += r.numExamples;
  }
  const loss = reporting > 0 ? weighted / reporting : undefined;
  return {
    clientId: AGGREGATE_CLIENT_ID,
    numExamples,
    weights,
    ...(loss === undefined ? {} : { loss }),
  };
}

/** The strategy at the centre of any wrappers. */
function innermost(strategy: Strategy): Strategy {
  let s = strategy;
  while (s instanceof WrappedStrategy) s = s.inner;
  return s;
}
