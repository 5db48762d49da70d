/**
 * Norm clipping of client updates before aggregation.
 *
 * McMahan, Ramage, Talwar, Zhang, "Learning Differentially Private Recurrent
 * Language Models", ICLR 2018 (arXiv:1710.06963): DP-FedAvg clips each
 * client's update Δ_k = w_k − w_global to L2 norm at most S before averaging
 * (the step that bounds each client's influence; the Gaussian noise is a
 * separate wrapper's job). Sun et al., "Can You Really Backdoor Federated
 * Learning?", arXiv:1911.07963, 2019, use the same norm bound as a defence.
 * As Flower's DifferentialPrivacyServerSideFixedClipping, the server clips
 * the updates it receives, then the inner strategy aggregates them.
 */
import { z } from 'zod';
import { clipToNorm } from '../../kernels/norm-clip.js';
import { positive } from '../options.js';
import type { AggregateResult, ClientFailure, ClientUpdate, Strategy } from '../strategy.js';
import { WrappedStrategy } from './wrapped.js';

export interface ClipOptions {
  /** S: the largest L2 norm of a client's update w_k − w_global (> 0). */
  readonly clipNorm: number;
}

/** The clip wrapper's options as a scenario writes them. */
export const clipOptions = z.strictObject({
  clipNorm: z
    .number()
    .positive()
    .describe("S > 0: each client's update w_k − w_global is scaled to L2 norm at most S"),
});

/** Clips every client's update to L2 norm at most `clipNorm`, then lets the inner strategy aggregate. */
export class ClippedStrategy extends WrappedStrategy {
  readonly clipNorm: number;

  constructor(inner: Strategy, options: ClipOptions) {
    super(inner, 'clip');
    this.clipNorm = positive('clipNorm', options.clipNorm);
  }

  override aggregateFit(
    round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
    failures: readonly ClientFailure[],
  ): AggregateResult {
    const clipped = results.map((r) => this.clip(global, r));
    return this.inner.aggregateFit(round, global, clipped, failures);
  }

  /** The update with its weights clipped; the same object when its norm is within the bound. */
  private clip(global: Float32Array, update: ClientUpdate): ClientUpdate {
    const weights = clipToNorm(global, update.weights, this.clipNorm);
    return weights === update.weights ? update : { ...update, weights };
  }
}
