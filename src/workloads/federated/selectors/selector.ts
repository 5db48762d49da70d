/**
 * Client selectors: which of the online clients take part in a round. Each
 * draws from its own stream per round (`select`, round), so the selection of
 * a round depends only on the seed, the round and what the selector knows
 * (the clients online, their last losses, their sample counts, their speed).
 * A selector is registered by name in registry.ts.
 */
import type { RandomStreams } from '../../../engine/random.js';
import type { Selector } from '../rounds.js';

export type { Selector } from '../rounds.js';

/** What a run knows about its clients, for any selector to use. Arrays are indexed by client id. */
export interface SelectorInputs {
  readonly streams: RandomStreams;
  /** Each client's training loss the last time it trained; NaN if never (and always on the cost-only tier). The run updates it after each round. */
  readonly lastLoss: Float64Array;
  /** Each client's training samples. */
  readonly samples: Float64Array;
  /** A client's expected round time, s: model download, local training and upload at full speed. */
  readonly expectedS: (client: number) => number;
  /** The round's deadline, s, if it has one. */
  readonly deadlineS: number | undefined;
  /** power-of-choice: candidates sampled per round (default 2 × selected). */
  readonly candidates: number | undefined;
  /** K, the clients aggregated per round (poisson: the expected number sampled from all clients). */
  readonly clientsPerRound: number;
}

/** Builds a selector for a run. */
export type SelectorFactory = (inputs: SelectorInputs) => Selector;

/**
 * `count` of `pool`'s entries by a partial Fisher-Yates shuffle drawing from
 * stream (`select`, round): for i = 0, 1, ..., swap entry i with entry
 * i + integer(length − i). Reorders `pool` in place; returns the first `count`
 * (or all, if fewer) in draw order.
 */
export function sample(
  pool: Int32Array,
  count: number,
  streams: RandomStreams,
  round: number,
): Int32Array {
  const rng = streams.stream('select', round);
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + rng.integer(pool.length - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, n);
}
