/**
 * Central differential privacy with fixed clipping: DP-FedAvg.
 *
 * McMahan, Ramage, Talwar, Zhang, "Learning Differentially Private Recurrent
 * Language Models", ICLR 2018 (arXiv:1710.06963), Algorithm 1: each client's
 * update Δ_k = w_k − w_global is clipped to L2 norm C, the clipped updates
 * are averaged, and Gaussian noise N(0, σ²I) with σ = z·C/n is added to the
 * average. As Flower's DifferentialPrivacyServerSideFixedClipping
 * (adap/flower, framework/py/flwr/server/strategy/dp_fixed_clipping.py and
 * flwr/common/differential_privacy.py `compute_stdv` at fdef7afb), the server
 * clips the updates it receives, the inner strategy aggregates them, and the
 * noise goes on the aggregated model (adding it to w_global + mean Δ is
 * adding it to the aggregated delta).
 *
 * n, the divisor of the noise:
 * - Poisson client sampling: the expected clients per round qN
 *   (`expectedClientsPerRound`), as McMahan et al.'s fixed-denominator
 *   estimator and TFF's `DifferentiallyPrivateFactory.gaussian_fixed`
 *   (NormalizedQuery with denominator clients_per_round) use.
 * - fixed-size sampling (option absent): the clients the inner strategy
 *   aggregated this round, as Flower (num_sampled_clients) does.
 * The sensitivity of the mean is C/n exactly when the inner strategy takes an
 * unweighted mean over n clients; an example-weighted FedAvg or a robust rule
 * changes it, as it does in Flower. The noise multiplier the accountant
 * composes is z. SCAFFOLD's control variates are not clipped or noised.
 *
 * Noise for round r comes from `streams.stream('dp-noise', r)`.
 */
import { z } from 'zod';
import type { RandomStreams } from '../../../../engine/random.js';
import { addGaussianNoise } from '../../kernels/gaussian-noise.js';
import { clipToNorm } from '../../kernels/norm-clip.js';
import { type DifferentiallyPrivate, type DpRound, DpRoundLog } from '../../privacy/mechanism.js';
import { nonNegative, positive } from '../options.js';
import type { AggregateResult, ClientFailure, ClientUpdate, Strategy } from '../strategy.js';
import { WrappedStrategy } from './wrapped.js';

export interface DpCentralOptions {
  /** z ≥ 0: the noise std over the clip norm, before dividing by n. */
  readonly noiseMultiplier: number;
  /** C > 0: the largest L2 norm of a client's update. */
  readonly clipNorm: number;
  /** Poisson sampling: the expected clients per round; absent for fixed-size sampling. */
  readonly expectedClientsPerRound?: number;
}

/** The option giving n under Poisson sampling, shared by the central DP wrappers. */
export const expectedClientsOption = z
  .number()
  .positive()
  .optional()
  .describe(
    'Poisson client sampling: the expected clients per round qN, the divisor n of the noise std; ' +
      'omit for fixed-size sampling (n = the clients aggregated that round)',
  );

/** The dp-central wrapper's options as a scenario writes them. */
export const dpCentralOptions = z.strictObject({
  noiseMultiplier: z
    .number()
    .nonnegative()
    .describe('z >= 0: Gaussian noise of std z·C/n is added to the aggregated update'),
  clipNorm: z
    .number()
    .positive()
    .describe("C > 0: each client's update w_k − w_global is scaled to L2 norm at most C"),
  expectedClientsPerRound: expectedClientsOption,
});

/**
 * Each update clipped to L2 norm `clipNorm` around `global` (the same object
 * when already within it), and how many were within it.
 */
export function clipUpdates(
  global: Float32Array,
  results: readonly ClientUpdate[],
  clipNorm: number,
): { clipped: ClientUpdate[]; unclipped: number } {
  let unclipped = 0;
  const clipped = results.map((update) => {
    const weights = clipToNorm(global, update.weights, clipNorm);
    if (weights === update.weights) {
      unclipped++;
      return update;
    }
    return { ...update, weights };
  });
  return { clipped, unclipped };
}

/**
 * The aggregate with N(0, std²) added to every parameter (a new array), or
 * the result unchanged when it was skipped.
 */
export function noiseAggregate(
  result: AggregateResult,
  std: number,
  streams: RandomStreams,
  round: number,
): AggregateResult {
  if (result.kind !== 'aggregated' || std === 0) return result;
  const weights = addGaussianNoise(result.weights.slice(), std, streams.stream('dp-noise', round));
  return { ...result, weights };
}

/** DP-FedAvg: clip each update to C, let the inner strategy aggregate, add N(0, (zC/n)²). */
export class DpCentralStrategy extends WrappedStrategy implements DifferentiallyPrivate {
  readonly privacyScope = 'central';
  readonly noiseMultiplier: number;
  readonly clipNorm: number;
  readonly expectedClientsPerRound: number | undefined;
  private readonly rounds = new DpRoundLog();

  constructor(
    inner: Strategy,
    options: DpCentralOptions,
    private readonly streams: RandomStreams,
  ) {
    super(inner, 'dp-central');
    this.noiseMultiplier = nonNegative('noiseMultiplier', options.noiseMultiplier);
    this.clipNorm = positive('clipNorm', options.clipNorm);
    this.expectedClientsPerRound =
      options.expectedClientsPerRound === undefined
        ? undefined
        : positive('expectedClientsPerRound', options.expectedClientsPerRound);
  }

  override aggregateFit(
    round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
    failures: readonly ClientFailure[],
  ): AggregateResult {
    const { clipped } = clipUpdates(global, results, this.clipNorm);
    const result = this.inner.aggregateFit(round, global, clipped, failures);
    const n =
      this.expectedClientsPerRound ?? (result.kind === 'aggregated' ? result.numResults : 0);
    const noiseStd = n > 0 ? (this.noiseMultiplier * this.clipNorm) / n : 0;
    this.rounds.record({
      round,
      scope: 'central',
      noiseMultiplier: this.noiseMultiplier,
      clipNorm: this.clipNorm,
      noiseStd,
      clients: results.length,
      released: result.kind === 'aggregated',
    });
    return noiseAggregate(result, noiseStd, this.streams, round);
  }

  roundPrivacy(round: number): DpRound | undefined {
    return this.rounds.get(round);
  }
}
