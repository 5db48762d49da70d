/**
 * The asynchronous servers. Every client update reaches the server through
 * {@link AsyncServer.receive}, one at a time in arrival order: this is the
 * one place to intercept arriving updates (attackers, defences). The
 * timeline (timeline.ts) says when a server update happens; `apply` makes
 * the new version then.
 */
import { bufferedAverage, mixInPlace, scaledModel } from '../kernels/async-mix.js';
import { FedAvg } from '../strategies/fedavg.js';
import type { ClientUpdate, Strategy } from '../strategies/strategy.js';
import { type StalenessSpec, stalenessWeight } from './staleness.js';

/** A client's update as it reaches the server. */
export interface ArrivingUpdate {
  /** The client's trained model, examples and loss (FedBuff overwrites its weights with the scaled model). */
  readonly update: ClientUpdate;
  /** The global model it downloaded and trained from; not modified. */
  readonly base: Float32Array;
  /** Versions made between its download and its arrival. */
  readonly staleness: number;
}

/** What a server update did. */
export interface AppliedUpdate {
  /** False when the strategy skipped it (the global model stays). */
  readonly aggregated: boolean;
  /** Example-weighted mean of the contributions' losses. */
  readonly loss: number | undefined;
}

export interface AsyncServer {
  /** The current global model; a new array after each update (old versions stay valid for clients training on them). */
  readonly global: Float32Array;
  /** An update arrives. */
  receive(arriving: ArrivingUpdate): void;
  /** Makes version `version` from what arrived since the last one. */
  apply(version: number): AppliedUpdate;
}

/**
 * FedAsync (Xie, Koyejo, Gupta, arXiv:1903.03934, Algorithm 1): each update
 * is mixed in, global ← (1 − a)·global + a·local with a = alpha·s(staleness).
 */
export class FedAsyncServer implements AsyncServer {
  private pending: ArrivingUpdate[] = [];

  constructor(
    public global: Float32Array,
    private readonly alpha: number,
    private readonly staleness: StalenessSpec,
  ) {}

  receive(arriving: ArrivingUpdate): void {
    this.pending.push(arriving);
  }

  apply(_version: number): AppliedUpdate {
    const next = Float32Array.from(this.global);
    let weighted = 0;
    let examples = 0;
    for (const { update, staleness } of this.pending) {
      mixInPlace(next, update.weights, this.alpha * stalenessWeight(this.staleness, staleness));
      if (update.loss !== undefined) {
        weighted += update.numExamples * update.loss;
        examples += update.numExamples;
      }
    }
    this.pending = [];
    this.global = next;
    return { aggregated: true, loss: examples > 0 ? weighted / examples : undefined };
  }
}

/**
 * FedBuff (Nguyen et al., AISTATS 2022, arXiv:2106.06639, Algorithm 1): the
 * buffered deltas, each scaled by s(staleness) (1/√(1 + staleness) by
 * default) and put on the current global, go through the strategy's
 * aggregation and server optimiser as one round (`round` = the version),
 * in client-id order then arrival order. A fresh update enters with its own
 * bits, so with no staleness this is a synchronous round of the strategy.
 * The FedAvg family, whose aggregation is the example-weighted mean, gets a
 * stale buffer's mean precomputed in one pass (see `averaged`).
 */
export class FedBuffServer implements AsyncServer {
  private buffer: ArrivingUpdate[] = [];

  constructor(
    public global: Float32Array,
    private readonly strategy: Strategy,
    private readonly staleness: StalenessSpec,
  ) {}

  receive(arriving: ArrivingUpdate): void {
    this.buffer.push(arriving);
  }

  apply(version: number): AppliedUpdate {
    const ordered = this.buffer
      .map((arriving, order) => ({ arriving, order }))
      .sort((a, b) => a.arriving.update.clientId - b.arriving.update.clientId || a.order - b.order)
      .map(({ arriving }) => arriving);
    this.buffer = [];
    const fresh = ordered.every((a) => a.base === this.global && a.staleness === 0);
    const updates =
      !fresh && this.strategy instanceof FedAvg
        ? [this.averaged(ordered)]
        : ordered.map(({ update, base, staleness }) => ({
            ...update,
            // In place: the server owns an update once it has arrived (no second copy of K models).
            weights: scaledModel(
              this.global,
              base,
              update.weights,
              stalenessWeight(this.staleness, staleness),
              update.weights,
            ),
          }));
    const result = this.strategy.aggregateFit(version, this.global, updates, []);
    if (result.kind === 'skipped') return { aggregated: false, loss: undefined };
    this.global = result.weights;
    return { aggregated: true, loss: result.loss };
  }

  /**
   * The FedAvg family averages by examples, so the buffer's example-weighted
   * mean of scaled models can go to it as one update of all their examples
   * (its mean of one update is that update, exactly), built in one pass by
   * {@link bufferedAverage} instead of K scaled models. Other strategies
   * (robust wrappers) get every scaled model.
   */
  private averaged(ordered: readonly ArrivingUpdate[]): ClientUpdate {
    let examples = 0;
    let lossSum = 0;
    let lossExamples = 0;
    for (const { update } of ordered) {
      examples += update.numExamples;
      if (update.loss !== undefined) {
        lossSum += update.numExamples * update.loss;
        lossExamples += update.numExamples;
      }
    }
    const weights =
      examples === 0
        ? Float32Array.from(this.global)
        : bufferedAverage(
            this.global,
            ordered.map((a) => a.update.weights),
            ordered.map((a) => a.base),
            ordered.map(
              (a) =>
                (a.update.numExamples * stalenessWeight(this.staleness, a.staleness)) / examples,
            ),
          );
    return {
      clientId: ordered[0]!.update.clientId,
      numExamples: examples,
      weights,
      ...(lossExamples > 0 ? { loss: lossSum / lossExamples } : {}),
    };
  }
}
