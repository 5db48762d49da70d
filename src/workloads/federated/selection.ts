import type { RandomStreams } from '../../engine/random.js';
import type { Selector } from './rounds.js';

/**
 * Client selectors. Each draws from its own stream per round, so the
 * selection of a round depends only on the seed, the round and what the
 * selector knows (the clients online, their last losses, their speed).
 */

/** `count` distinct clients uniformly at random (a partial Fisher-Yates shuffle), in draw order. */
export function randomSelector(streams: RandomStreams): Selector {
  return (round, online, count) => sample(online, count, streams, round);
}

/**
 * Power-of-choice (Cho, Wang and Joshi, "Towards Understanding Biased Client
 * Selection in Federated Learning", AISTATS 2022): sample `candidates`
 * clients at random, keep the `count` with the highest local loss. The loss
 * known for a client is the one it reported the last time it trained (a
 * client never seen counts as highest, so every client is explored); ties go
 * to the lower id. Without losses (the cost-only tier) it is random selection.
 */
export function powerOfChoiceSelector(
  streams: RandomStreams,
  lastLoss: Float64Array,
  candidates: number | undefined,
): Selector {
  return (round, online, count) => {
    const pool = sample(online, Math.min(online.length, candidates ?? 2 * count), streams, round);
    return Int32Array.from(
      [...pool]
        .sort((a, b) => lossKey(lastLoss[b]!) - lossKey(lastLoss[a]!) || a - b)
        .slice(0, count),
    );
  };
}

/**
 * A deadline-aware utility selector in the spirit of Oort (Lai et al.,
 * "Oort: Efficient Federated Learning via Guided Participant Selection",
 * OSDI 2021): utility = samples x last loss (statistical utility), times
 * (deadline / expected round time)^2 when the client is expected to miss
 * the deadline (system utility). A tenth of the picks explore clients never
 * selected, at random; the rest take the highest utility (ties to the lower
 * id). Clients never seen have unknown loss and are only reached by
 * exploration. Without losses, utility is the system term alone.
 */
export function oortSelector(
  streams: RandomStreams,
  lastLoss: Float64Array,
  samples: Float64Array,
  expectedS: (client: number) => number,
  deadlineS: number | undefined,
): Selector {
  return (round, online, count) => {
    const unseen = online.filter((c) => Number.isNaN(lastLoss[c]!));
    const seen = online.filter((c) => !Number.isNaN(lastLoss[c]!));
    const explore = Math.min(unseen.length, Math.max(count - seen.length, Math.ceil(0.1 * count)));
    const explored = sample(unseen, explore, streams, round);
    const utility = (c: number) => {
      const statistical = samples[c]! * (Number.isFinite(lastLoss[c]!) ? lastLoss[c]! : 1);
      const t = expectedS(c);
      const system = deadlineS !== undefined && t > deadlineS ? (deadlineS / t) ** 2 : 1;
      return statistical * system;
    };
    const exploited = [...seen]
      .map((c) => ({ c, u: utility(c) }))
      .sort((a, b) => b.u - a.u || a.c - b.c)
      .slice(0, count - explored.length)
      .map((x) => x.c);
    return Int32Array.from([...explored, ...exploited]);
  };
}

/** `count` of `pool`'s entries by a partial Fisher-Yates shuffle, which reorders `pool` in place. */
function sample(
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

/** Sort key of a loss: unknown (NaN) above every known loss. */
function lossKey(loss: number): number {
  return Number.isNaN(loss) ? Number.POSITIVE_INFINITY : loss;
}
