/**
 * Central differential privacy with adaptive clipping.
 *
 * Andrew, Thakkar, McMahan, Ramaswamy, "Differentially Private Learning with
 * Adaptive Clipping", NeurIPS 2021 (arXiv:1905.03871): the clip norm C tracks
 * the γ-quantile of the clients' update norms. Each round every client reports
 * b_i = 1 if ‖Δ_i‖ ≤ C (its update went unclipped); the server estimates the
 * unclipped fraction privately and moves C geometrically,
 * C ← C·exp(−η_C (b̄ − γ)). The count is noised with std σ_b, so to keep the
 * total noise multiplier z the update noise uses z_Δ = (z⁻² − (2σ_b)⁻²)^(−1/2)
 * (the count query has sensitivity 1/2 after centring b_i − 1/2).
 *
 * Follows TensorFlow Privacy's QuantileEstimatorQuery with geometric update
 * (tensorflow/privacy at 03035d5d,
 * tensorflow_privacy/privacy/dp_query/quantile_estimator_query.py):
 * b̄ = clamp((Σ(b_i − 1/2) + N(0, σ_b²))/n + 1/2, 0, 1); and its
 * QuantileAdaptiveClipSumQuery (quantile_adaptive_clip_sum_query.py): this
 * round's updates are clipped to, and noised with std z_Δ·C/n at, this
 * round's C; the new C serves the next round. Defaults from TFF's
 * DifferentiallyPrivateFactory.gaussian_adaptive
 * (google-parfait/tensorflow-federated,
 * tensorflow_federated/python/aggregators/differential_privacy.py) and
 * Flower's DifferentialPrivacyServerSideAdaptiveClipping
 * (framework/py/flwr/server/strategy/dp_adaptive_clipping.py, fdef7afb), both
 * after the paper: initial C = 0.1, γ = 0.5, η_C = 0.2, σ_b = n/20.
 * Flower's server-side version differs in two ways this file does not copy:
 * its count bit is 1 for a clipped update (norm > C) yet it steps C by the
 * same exp(−η(fraction − target)), which moves C away from its target, and
 * it noises the aggregate with the already-updated C. TFF's order is kept.
 *
 * n is the expected clients per round under Poisson sampling, else the
 * clients of the round (see dp-central.ts). The accountant composes z.
 * Update noise for round r comes from `streams.stream('dp-noise', r)`, the
 * count's from `streams.stream('dp-clip-count', r)`.
 */
import { z } from 'zod';
import type { RandomStreams } from '../../../../engine/random.js';
import { type DifferentiallyPrivate, type DpRound, DpRoundLog } from '../../privacy/mechanism.js';
import { nonNegative, positive } from '../options.js';
import type { AggregateResult, ClientFailure, ClientUpdate, Strategy } from '../strategy.js';
import { clipUpdates, expectedClientsOption, noiseAggregate } from './dp-central.js';
import type { ClientCountProblem } from './robust.js';
import { WrappedStrategy } from './wrapped.js';

export interface DpAdaptiveOptions {
  /** z ≥ 0: the total noise multiplier (update and count noise together), what the accountant composes. */
  readonly noiseMultiplier: number;
  /** The clip norm of round 1 (> 0, default 0.1). */
  readonly initialClipNorm?: number;
  /** γ in [0, 1]: the fraction of updates that should go unclipped (default 0.5). */
  readonly targetQuantile?: number;
  /** η_C ≥ 0: the geometric learning rate of the clip norm (default 0.2). */
  readonly clipLearningRate?: number;
  /** σ_b ≥ 0: the std of the noise on the unclipped count (default n/20). */
  readonly clippedCountStddev?: number;
  /** Poisson sampling: the expected clients per round; absent for fixed-size sampling. */
  readonly expectedClientsPerRound?: number;
}

/** The dp-adaptive wrapper's options as a scenario writes them. */
export const dpAdaptiveOptions = z.strictObject({
  noiseMultiplier: z
    .number()
    .nonnegative()
    .describe('z >= 0: the total noise multiplier, update noise and clipped-count noise together'),
  initialClipNorm: z
    .number()
    .positive()
    .optional()
    .describe('The clip norm of round 1 (default 0.1)'),
  targetQuantile: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      'γ in [0, 1]: the fraction of updates the clip norm should leave unclipped (default 0.5)',
    ),
  clipLearningRate: z
    .number()
    .nonnegative()
    .optional()
    .describe('η_C >= 0: C ← C·exp(−η_C (unclipped fraction − γ)) each round (default 0.2)'),
  clippedCountStddev: z
    .number()
    .nonnegative()
    .optional()
    .describe('σ_b >= 0: std of the noise on the unclipped count (default clients per round / 20)'),
  expectedClientsPerRound: expectedClientsOption,
});

/** Andrew et al.'s defaults, as TFF and Flower set them. */
const DEFAULTS = { initialClipNorm: 0.1, targetQuantile: 0.5, clipLearningRate: 0.2 };
/** σ_b defaults to this fraction of the clients per round. */
export const COUNT_STDDEV_PER_CLIENT = 0.05;

/**
 * The noise multiplier of the update, z_Δ = (z⁻² − (2σ_b)⁻²)^(−1/2), and σ_b
 * (TFF's `adaptive_clip_noise_params`): (0, σ_b or 0) when z = 0. Throws a
 * RangeError when z ≥ 2σ_b, which no update noise can reach.
 */
export function adaptiveNoise(
  noiseMultiplier: number,
  clippedCountStddev: number | undefined,
  clientsPerRound: number | undefined,
): { updateNoiseMultiplier: number; clippedCountStddev: number } {
  if (noiseMultiplier === 0)
    return { updateNoiseMultiplier: 0, clippedCountStddev: clippedCountStddev ?? 0 };
  if (clippedCountStddev === undefined && clientsPerRound === undefined)
    throw new RangeError(
      'clippedCountStddev or expectedClientsPerRound must be given when noiseMultiplier > 0',
    );
  const sigmaB = clippedCountStddev ?? COUNT_STDDEV_PER_CLIENT * clientsPerRound!;
  if (noiseMultiplier >= 2 * sigmaB)
    throw new RangeError(
      `noiseMultiplier(=${noiseMultiplier}) must be < 2 x clippedCountStddev(=${sigmaB}); ` +
        'raise clippedCountStddev (default clients per round / 20) or the clients per round',
    );
  const updateNoiseMultiplier = (noiseMultiplier ** -2 - (2 * sigmaB) ** -2) ** -0.5;
  return { updateNoiseMultiplier, clippedCountStddev: sigmaB };
}

/** z ≥ 2σ_b as a problem of the scenario's clients per round (σ_b's default is n/20). */
export function dpAdaptiveClientProblems(
  options: Partial<DpAdaptiveOptions>,
  clientsPerRound: number,
): ClientCountProblem[] {
  const z = options.noiseMultiplier ?? 0;
  try {
    adaptiveNoise(
      z,
      options.clippedCountStddev,
      options.expectedClientsPerRound ?? clientsPerRound,
    );
    return [];
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return [{ option: 'noiseMultiplier', message: error.message, value: z }];
  }
}

/** Andrew et al.'s geometric step: C·exp(−η (b̄ − γ)). */
export function nextClipNorm(
  clipNorm: number,
  unclippedFraction: number,
  targetQuantile: number,
  learningRate: number,
): number {
  return clipNorm * Math.exp(-learningRate * (unclippedFraction - targetQuantile));
}

/** DP-FedAvg whose clip norm follows the γ-quantile of update norms, privately. */
export class DpAdaptiveStrategy extends WrappedStrategy implements DifferentiallyPrivate {
  readonly privacyScope = 'central';
  readonly noiseMultiplier: number;
  /** z_Δ: the multiplier of the noise actually added to the aggregate. */
  readonly updateNoiseMultiplier: number;
  readonly clippedCountStddev: number;
  readonly targetQuantile: number;
  readonly clipLearningRate: number;
  readonly expectedClientsPerRound: number | undefined;
  private clip: number;
  private readonly rounds = new DpRoundLog();

  constructor(
    inner: Strategy,
    options: DpAdaptiveOptions,
    private readonly streams: RandomStreams,
  ) {
    super(inner, 'dp-adaptive');
    this.noiseMultiplier = nonNegative('noiseMultiplier', options.noiseMultiplier);
    this.clip = positive('initialClipNorm', options.initialClipNorm, DEFAULTS.initialClipNorm);
    const gamma = options.targetQuantile ?? DEFAULTS.targetQuantile;
    if (!(gamma >= 0 && gamma <= 1))
      throw new RangeError(`targetQuantile(=${gamma}) must be in [0, 1]`);
    this.targetQuantile = gamma;
    this.clipLearningRate = nonNegative(
      'clipLearningRate',
      options.clipLearningRate,
      DEFAULTS.clipLearningRate,
    );
    const expected = options.expectedClientsPerRound;
    this.expectedClientsPerRound =
      expected === undefined ? undefined : positive('expectedClientsPerRound', expected);
    const sigmaB = options.clippedCountStddev;
    if (sigmaB !== undefined) nonNegative('clippedCountStddev', sigmaB);
    const noise = adaptiveNoise(this.noiseMultiplier, sigmaB, this.expectedClientsPerRound);
    this.updateNoiseMultiplier = noise.updateNoiseMultiplier;
    this.clippedCountStddev = noise.clippedCountStddev;
  }

  /** The clip norm the next round will use. */
  get clipNorm(): number {
    return this.clip;
  }

  override aggregateFit(
    round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
    failures: readonly ClientFailure[],
  ): AggregateResult {
    const clipNorm = this.clip;
    const { clipped, unclipped } = clipUpdates(global, results, clipNorm);
    const result = this.inner.aggregateFit(round, global, clipped, failures);
    const n =
      this.expectedClientsPerRound ?? (result.kind === 'aggregated' ? result.numResults : 0);
    const noiseStd = n > 0 ? (this.updateNoiseMultiplier * clipNorm) / n : 0;
    this.rounds.record({
      round,
      scope: 'central',
      noiseMultiplier: this.noiseMultiplier,
      clipNorm,
      noiseStd,
      clients: results.length,
      released: result.kind === 'aggregated',
    });
    if (results.length > 0) this.adaptClip(round, results.length, unclipped);
    return noiseAggregate(result, noiseStd, this.streams, round);
  }

  roundPrivacy(round: number): DpRound | undefined {
    return this.rounds.get(round);
  }

  /** Moves C toward the target quantile from the noised unclipped fraction. */
  private adaptClip(round: number, clients: number, unclipped: number): void {
    const n = this.expectedClientsPerRound ?? clients;
    const centred = unclipped - 0.5 * clients;
    const noise =
      this.clippedCountStddev === 0
        ? 0
        : this.streams.stream('dp-clip-count', round).normal(0, this.clippedCountStddev);
    const fraction = Math.min(1, Math.max(0, (centred + noise) / n + 0.5));
    this.clip = nextClipNorm(this.clip, fraction, this.targetQuantile, this.clipLearningRate);
  }
}
