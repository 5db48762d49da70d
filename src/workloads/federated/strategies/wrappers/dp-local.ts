/**
 * Local differential privacy: each client clips and noises its own update
 * before it leaves the device, so the server never sees an unnoised update.
 *
 * The Gaussian mechanism applied per client (Dwork, Roth 2014, §3.5.3) to the
 * clipped update of DP-FedAvg (McMahan et al., ICLR 2018, arXiv:1710.06963):
 * Δ_k is clipped to L2 norm C and N(0, (zC)²) is added to every parameter,
 * as Flower's LocalDpMod does (adap/flower at fdef7afb,
 * framework/py/flwr/clientapp/mod/localdp_mod.py: clip with
 * `compute_clip_model_update`, then `add_gaussian_noise_inplace`); Flower
 * sets the std from a per-round (ε, δ), this wrapper from z so the RDP
 * accountant can compose it: each participation is the Gaussian mechanism
 * with multiplier z and no sampling amplification (the server knows who
 * sent what).
 *
 * The client side is this wrapper's client hook: the inner strategy's hook
 * finishes the update, then it is clipped and noised, in the round driver's
 * thread, from `streams.stream('dp-local', `${round}/${clientId}`)`. Only the
 * model is privatized: an update with SCAFFOLD's `controlDelta` is refused.
 * The server side is the inner strategy's, unchanged.
 */
import { z } from 'zod';
import type { RandomStreams } from '../../../../engine/random.js';
import { addGaussianNoise } from '../../kernels/gaussian-noise.js';
import { clipToNorm } from '../../kernels/norm-clip.js';
import { type DifferentiallyPrivate, type DpRound, DpRoundLog } from '../../privacy/mechanism.js';
import type { ClientContext, ClientHook } from '../client-hook.js';
import { nonNegative, positive } from '../options.js';
import type { ClientUpdate, Strategy } from '../strategy.js';
import { WrappedStrategy } from './wrapped.js';

export interface DpLocalOptions {
  /** z ≥ 0: each client adds noise of std z·C to every parameter. */
  readonly noiseMultiplier: number;
  /** C > 0: the largest L2 norm of a client's update. */
  readonly clipNorm: number;
}

/** The dp-local wrapper's options as a scenario writes them. */
export const dpLocalOptions = z.strictObject({
  noiseMultiplier: z
    .number()
    .nonnegative()
    .describe('z >= 0: each client adds Gaussian noise of std z·C to its clipped update'),
  clipNorm: z
    .number()
    .positive()
    .describe('C > 0: each client scales its update w_k − w_global to L2 norm at most C'),
});

/** Clients clip their updates to C and add N(0, (zC)²) before sending; the inner strategy aggregates. */
export class DpLocalStrategy extends WrappedStrategy implements DifferentiallyPrivate {
  readonly privacyScope = 'local';
  override readonly clientHook: ClientHook;
  readonly noiseMultiplier: number;
  readonly clipNorm: number;
  private readonly rounds = new DpRoundLog();

  constructor(
    inner: Strategy,
    options: DpLocalOptions,
    private readonly streams: RandomStreams,
  ) {
    super(inner, 'dp-local');
    this.noiseMultiplier = nonNegative('noiseMultiplier', options.noiseMultiplier);
    this.clipNorm = positive('clipNorm', options.clipNorm);
    const innerHook = inner.clientHook;
    this.clientHook = {
      prepare: (context) => innerHook.prepare(context),
      finish: (context, trained) => this.privatize(context, innerHook.finish(context, trained)),
    };
  }

  /** The std of the noise each client adds per parameter: z·C. */
  get noiseStd(): number {
    return this.noiseMultiplier * this.clipNorm;
  }

  roundPrivacy(round: number): DpRound | undefined {
    return this.rounds.get(round);
  }

  /** The update with its model clipped around the global model and noised. */
  private privatize(context: ClientContext, update: ClientUpdate): ClientUpdate {
    if (update.controlDelta !== undefined)
      throw new RangeError(
        'dp-local privatizes only the model: an update with controlDelta (SCAFFOLD) would leave unnoised',
      );
    const clipped = clipToNorm(context.global, update.weights, this.clipNorm);
    const weights = clipped === update.weights ? update.weights.slice() : clipped;
    const stream = this.streams.stream('dp-local', `${context.round}/${context.clientId}`);
    addGaussianNoise(weights, this.noiseStd, stream);
    this.count(context.round);
    return { ...update, weights };
  }

  private count(round: number): void {
    const before = this.rounds.get(round)?.clients ?? 0;
    this.rounds.record({
      round,
      scope: 'local',
      noiseMultiplier: this.noiseMultiplier,
      clipNorm: this.clipNorm,
      noiseStd: this.noiseStd,
      clients: before + 1,
      released: true,
    });
  }
}
