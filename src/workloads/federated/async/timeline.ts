import type { RandomStream } from '../../../engine/random.js';
import { MAX_DURATION_S } from '../../../scenario/limits.js';
import { type ClientRecord, type Trip, type TripOptions, Trips } from '../trips.js';

/**
 * The asynchronous modes in simulated time. Up to `concurrency` clients are
 * on a trip at once (trips.ts: download, train, upload, dropouts, energy);
 * whenever a slot is free, a client picked uniformly at random among the
 * idle online clients holding data starts one, on the global model's current
 * version. Each update that arrives joins the server's buffer; every
 * `bufferSize` arrivals (1 for FedAsync) the server makes a new version. An
 * update older than `maxStaleness` versions is dropped on arrival. A client
 * whose update waits in the buffer is not dispatched again until the buffer
 * is applied (it has nothing newer to train on), so with K = concurrency =
 * the clients, FedBuff runs exactly the synchronous rounds.
 *
 * Which updates make which version depends only on simulated time, never on
 * what the clients learn: the real tier trains afterwards, replaying the
 * versions (see run.ts), and the cost-only tier skips training.
 */

/** One client's trip in the asynchronous modes, in dispatch order. */
export interface Participation {
  /** 0-based dispatch number. */
  readonly index: number;
  readonly record: ClientRecord;
  /** The version it downloaded (0: the initial model). */
  readonly baseVersion: number;
  readonly startS: number;
}

/** An update that made it into a server update. */
export interface Contribution {
  readonly participation: Participation;
  /** Versions made between its download and its arrival. */
  readonly staleness: number;
}

/** One server update: a new version from its contributions (in arrival order). */
export interface ServerUpdate {
  /** The version it makes, from 1. */
  readonly version: number;
  readonly timeS: number;
  readonly contributions: readonly Contribution[];
  /** Whether the global model is scored after it. */
  readonly evaluate: boolean;
  /** Clients' energy (J) and bytes of every trip ended by then. */
  readonly energyJ: number;
  readonly bytesDown: number;
  readonly bytesUp: number;
}

export interface TimelineOptions extends TripOptions {
  /** Whether a client holds data (it must also be online to be dispatched). */
  readonly hasData: (client: number) => boolean;
  readonly concurrency: number;
  /** Arrivals per server update: K (FedBuff), 1 (FedAsync). */
  readonly bufferSize: number;
  readonly maxStaleness: number | undefined;
  /** Server updates to make. */
  readonly updates: number;
  /** Evaluate after every this many server updates, and after the last. */
  readonly evaluateEvery: number;
  /** Also evaluate at the first server update at or past each multiple of this time, s. */
  readonly evaluateEveryS: number | undefined;
  /** Picks the idle client to dispatch. */
  readonly pick: RandomStream;
  /** Hears each server update as it happens (before the next event). */
  readonly onUpdate?: (update: ServerUpdate) => void;
}

/** The run in simulated time: every trip in dispatch order and every server update. */
export interface AsyncTimeline {
  readonly participations: Participation[];
  readonly updates: ServerUpdate[];
  /** Simulated time at the end (the last update, or when nothing more could happen). */
  readonly endS: number;
}

/** Runs the asynchronous modes from the current simulated time until `updates` server updates (or nothing can move). */
export function runTimeline(o: TimelineOptions): AsyncTimeline {
  return new Timeline(o).run();
}

class Timeline {
  private readonly trips: Trips;
  private readonly participations: Participation[] = [];
  private readonly updates: ServerUpdate[] = [];
  /** Idle online clients with data, densely packed; `position[d]` is d's index or −1. */
  private readonly pool: Int32Array;
  private readonly position: Int32Array;
  private poolSize = 0;
  /** 1 while a client is on a trip or its update waits in the buffer. */
  private readonly held: Uint8Array;
  private readonly byDevice = new Map<number, Participation>();
  private buffer: Contribution[] = [];
  private version = 0;
  private inFlight = 0;
  private filling = false;
  private nextEvaluationS: number;
  private energyJ = 0;
  private bytesDown = 0;
  private bytesUp = 0;
  private lastActivityS = 0;

  constructor(private readonly o: TimelineOptions) {
    const n = o.fleet.count;
    this.pool = new Int32Array(n);
    this.position = new Int32Array(n).fill(-1);
    this.held = new Uint8Array(n);
    this.nextEvaluationS = o.evaluateEveryS ?? Number.POSITIVE_INFINITY;
    this.trips = new Trips(o, {
      arrived: (trip) => this.arrive(trip),
      dropped: (trip) => {
        this.end(trip);
        this.held[trip.device] = 0; // it is going offline: it joins the pool when it is back
        this.fill();
      },
      deviceUp: (d) => {
        this.add(d);
        this.fill();
      },
      deviceDown: (d) => this.remove(d),
    });
  }

  run(): AsyncTimeline {
    const { fleet, sim } = this.o;
    for (let d = 0; d < fleet.count; d++) if (fleet.isOnline(d)) this.add(d);
    this.fill();
    // Stops at the last update, when no event is left, or when no client has moved for the longest simulated time allowed.
    if (this.updates.length < this.o.updates)
      sim.run({
        stopWhen: () =>
          this.updates.length >= this.o.updates ||
          (this.inFlight === 0 && sim.now - this.lastActivityS > MAX_DURATION_S),
      });
    const endS = sim.now;
    for (const trip of this.trips.active.values()) {
      this.trips.stop(trip, 'straggler'); // still working when the run ends
      this.end(trip);
    }
    return { participations: this.participations, updates: this.updates, endS };
  }

  private add(d: number): void {
    if (this.held[d] === 1 || this.position[d]! >= 0 || !this.o.hasData(d)) return;
    this.position[d] = this.poolSize;
    this.pool[this.poolSize++] = d;
  }

  private remove(d: number): void {
    const at = this.position[d]!;
    if (at < 0) return;
    const last = this.pool[--this.poolSize]!;
    this.pool[at] = last;
    this.position[last] = at;
    this.position[d] = -1;
  }

  /**
   * Dispatches idle clients while slots are free (re-entrant calls, from a
   * drop at dispatch, loop here), until the last server update is made:
   * a trip started then could only be cut off as a straggler.
   */
  private fill(): void {
    if (this.filling) return;
    this.filling = true;
    while (
      this.inFlight < this.o.concurrency &&
      this.poolSize > 0 &&
      this.updates.length < this.o.updates
    ) {
      const d = this.pool[this.o.pick.integer(this.poolSize)]!;
      this.remove(d);
      this.held[d] = 1;
      this.inFlight++;
      const index = this.participations.length;
      const startS = this.o.sim.now;
      const trip = this.trips.start(d);
      const participation = { index, record: trip.record, baseVersion: this.version, startS };
      this.participations.push(participation);
      this.byDevice.set(d, participation);
    }
    this.filling = false;
  }

  /** A trip is over (arrived, dropped or cut off): its slot frees, its energy and bytes count. */
  private end(trip: Trip): void {
    this.trips.active.delete(trip.device);
    this.inFlight--;
    this.lastActivityS = this.o.sim.now;
    this.energyJ += trip.record.energyJ;
    this.bytesDown += trip.record.bytesDown;
    this.bytesUp += trip.record.bytesUp;
  }

  private arrive(trip: Trip): void {
    this.end(trip);
    const d = trip.device;
    const participation = this.byDevice.get(d)!;
    this.byDevice.delete(d);
    const staleness = this.version - participation.baseVersion;
    if (this.o.maxStaleness !== undefined && staleness > this.o.maxStaleness) {
      trip.record.outcome = 'stale';
      this.release(d);
    } else {
      this.buffer.push({ participation, staleness });
      if (this.buffer.length >= this.o.bufferSize) this.apply();
    }
    this.fill();
  }

  private release(d: number): void {
    this.held[d] = 0;
    if (this.o.fleet.isOnline(d)) this.add(d);
  }

  /** The buffer makes a new version; its clients may be dispatched again. */
  private apply(): void {
    const contributions = this.buffer;
    this.buffer = [];
    this.version++;
    const timeS = this.o.sim.now;
    let evaluate = this.version % this.o.evaluateEvery === 0 || this.version === this.o.updates;
    if (timeS >= this.nextEvaluationS) {
      evaluate = true;
      const every = this.o.evaluateEveryS!;
      this.nextEvaluationS = (Math.floor(timeS / every) + 1) * every;
    }
    const update: ServerUpdate = {
      version: this.version,
      timeS,
      contributions,
      evaluate,
      energyJ: this.energyJ,
      bytesDown: this.bytesDown,
      bytesUp: this.bytesUp,
    };
    this.updates.push(update);
    this.o.onUpdate?.(update);
    for (const c of contributions) this.release(c.participation.record.client);
  }
}
