/**
 * What a differential-privacy wrapper tells the accountant: per round, the
 * noise multiplier it ran and whether the noise was central (on the
 * aggregate, at the server) or local (on each client's update).
 *
 * How a run composes it (see accountant.ts):
 * - central, Poisson sampling at rate q = expected clients / population:
 *   `compose(q, noiseMultiplier)` once per released round;
 * - central, fixed-size sampling of m of N: an accountant with
 *   `sampling: 'fixed-size'` and q = m/N (replace-one neighbours);
 * - local: each client's update is its own Gaussian mechanism, seen by the
 *   server with no sampling to hide it, so a client's ε composes
 *   `compose(1, noiseMultiplier)` once per round it took part in (the worst
 *   case: every round).
 */
import type { Strategy } from '../strategies/strategy.js';

/** Where the Gaussian noise is added. */
export type PrivacyScope = 'central' | 'local';

/** One round of a DP wrapper, as the accountant and the round table need it. */
export interface DpRound {
  readonly round: number;
  readonly scope: PrivacyScope;
  /**
   * The noise multiplier z to compose for this round: noise std over the L2
   * sensitivity of one client. For adaptive clipping, the total z of Andrew
   * et al. (update noise and clipped-count noise together).
   */
  readonly noiseMultiplier: number;
  /** The clip norm C every update was clipped to this round. */
  readonly clipNorm: number;
  /**
   * The std of the Gaussian noise actually added per parameter: z_Δ·C/n on
   * the aggregate (central), z·C on each client's update (local).
   */
  readonly noiseStd: number;
  /** Clients whose clipped updates went into the round. */
  readonly clients: number;
  /** Whether a model was released: false when the inner strategy skipped the round. */
  readonly released: boolean;
}

/** A strategy that adds Gaussian noise for differential privacy. */
export interface DifferentiallyPrivate {
  readonly privacyScope: PrivacyScope;
  /** The z the accountant composes per round (constant over a run). */
  readonly noiseMultiplier: number;
  /** What round `round` did; undefined before it ran. */
  roundPrivacy(round: number): DpRound | undefined;
}

/** Whether `strategy` is itself a DP wrapper. */
export function isDifferentiallyPrivate(
  strategy: Strategy | DifferentiallyPrivate,
): strategy is Strategy & DifferentiallyPrivate {
  return 'roundPrivacy' in strategy && typeof strategy.roundPrivacy === 'function';
}

/**
 * The DP wrappers in a chain of wrapped strategies, outermost first (a
 * wrapper keeps its inner strategy in `inner`); empty when there is none.
 */
export function privacyWrappers(strategy: Strategy): (Strategy & DifferentiallyPrivate)[] {
  const found: (Strategy & DifferentiallyPrivate)[] = [];
  let current: Strategy | undefined = strategy;
  while (current !== undefined) {
    if (isDifferentiallyPrivate(current)) found.push(current);
    current = 'inner' in current ? (current.inner as Strategy) : undefined;
  }
  return found;
}

/** Records of rounds by number, for the wrappers' `roundPrivacy`. */
export class DpRoundLog {
  private readonly rounds = new Map<number, DpRound>();

  record(entry: DpRound): void {
    this.rounds.set(entry.round, entry);
  }

  get(round: number): DpRound | undefined {
    return this.rounds.get(round);
  }
}
