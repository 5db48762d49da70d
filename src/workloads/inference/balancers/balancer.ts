import type { RandomStream } from '../../../engine/random.js';
import type { LoadBoard } from './load-board.js';

/** A server's load as a balancer counts it; `BatchingServer` has these. */
export interface ServerLoad {
  /** Requests waiting now. */
  readonly queueLength: number;
  /** Workers serving now. */
  readonly busyWorkers: number;
  /** Workers in all. */
  readonly workers: number;
}

/** Picks the server for device d's request now: one of the balancer's candidate server indices. */
export type PickServer = (d: number) => number;

/**
 * What a balancer may use to pick among its candidate servers. Made once per
 * tier (and per device group that names its own balancer) before the first
 * request.
 */
export interface BalancerContext {
  /** Every server, indexed like `resolved.servers`. */
  readonly servers: readonly ServerLoad[];
  /** The server indices this balancer picks among, in order; at least one. */
  readonly candidates: readonly number[];
  /** Outstanding requests per server as this balancer sees them: now, or a snapshot `staleness` old. */
  readonly board: LoadBoard;
  /** This balancer's own random stream (`streams.stream('balancer', key)`), made on first call. */
  stream(): RandomStream;
  /** Requests per second one worker of server s completes alone (1 / its batch-of-1 time), indexed like `servers`. */
  readonly serviceRatePerS: ArrayLike<number>;
  /** Device d's home servers among the candidates (`servers[i].near` lists its cell), possibly none. */
  homesOf(d: number): readonly number[];
  /** The server of lowest expected latency (or device energy) for d from the present state: the oracle. */
  readonly oracle: PickServer;
}

/** A balancer's options as the scenario gives them, defaults filled in. */
export interface BalancerSpec {
  readonly policy: string;
  /** Age of the load information the balancer acts on, s; 0 = the present. */
  readonly staleness: number;
  /** `power-of-d`: servers sampled per request. */
  readonly d?: number | undefined;
  /** `nearest`: bounded-load factor c (>= 1): the home is full past c x the mean load per worker. */
  readonly overflow?: number | undefined;
}

/**
 * A load balancer: picks, for each request sent to a tier, one of the tier's
 * servers. One module per balancer, registered by name in `registry.ts`; the
 * name is what `placement.balancer` (or its `policy`) takes.
 */
export interface Balancer {
  /** One line for the scenario schema: how it picks, and its source. */
  readonly summary: string;
  /** Whether it reads server load (and so whether `staleness` changes anything). */
  readonly readsLoad: boolean;
  /**
   * This run's picker, made once before the first request. It is called on
   * the hot path, once per request: it allocates nothing and is
   * deterministic (draws come from `context.stream()`).
   */
  picker(context: BalancerContext, spec: BalancerSpec): PickServer;
}

/**
 * The candidate with the fewest outstanding requests per worker on the
 * board, the first among equals (Winston's join-the-shortest-queue, counted
 * per worker so a bigger server takes more).
 */
export function leastLoaded(board: LoadBoard, candidates: readonly number[]): number {
  let best = candidates[0]!;
  let bestLoad = Number.POSITIVE_INFINITY;
  for (let i = 0; i < candidates.length; i++) {
    const s = candidates[i]!;
    const load = board.load(s);
    if (load < bestLoad) {
      best = s;
      bestLoad = load;
    }
  }
  return best;
}
