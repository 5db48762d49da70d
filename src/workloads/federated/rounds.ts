import type { EventId } from '../../engine/event-queue.js';
import { type PhaseOptions, SecAggPhases, type SecAggTiming } from './secagg-phases.js';
import type { ClientRecord, TripOptions } from './trips.js';
import { Trips } from './trips.js';

export type { ClientOutcome, ClientRecord } from './trips.js';

/**
 * Federated rounds in simulated time. A round starts with the clients that
 * are online; the selector picks some; each downloads the global model over
 * its own cell, trains and uploads its update (a trip: see trips.ts; the
 * bytes each way are the strategy's: SCAFFOLD's control variates double
 * them). The round closes
 * when the first K updates have arrived, at the deadline, or when every
 * selected client has finished or dropped; clients still working then are
 * stragglers and stop. A client whose device goes offline (or whose battery
 * empties) drops out at that moment. Every client's energy is its device's
 * energy (compute, idle and radio) from selection until it stops. With
 * secure aggregation, the first K clients' public keys close the round's
 * training part and its message rounds follow (secagg-phases.ts).
 */

/** A round's timing and its clients, in selection order. */
export interface RoundTiming {
  readonly round: number;
  readonly startS: number;
  readonly endS: number;
  /** Clients online when the round started. */
  readonly online: number;
  readonly clients: ClientRecord[];
  /** Aggregated clients' ids in arrival order (with secure aggregation: those in the sum). */
  readonly arrived: number[];
  /** What secure aggregation did, when the round ran it. */
  readonly secagg?: SecAggTiming;
}

/** Picks `count` of the `online` clients for `round` (ascending ids; the selector may reorder the array). */
export type Selector = (round: number, online: Int32Array, count: number) => Int32Array;

export interface RoundOptions extends TripOptions {
  /** Whether a client may be selected (online and holding data). */
  readonly eligible: (client: number) => boolean;
  readonly selector: Selector;
  /** Updates aggregated per round (K). */
  readonly goal: number;
  /** Clients selected per round (ceil(K x overCommit)). */
  readonly selectCount: number;
  readonly deadlineS: number | undefined;
  /** Secure aggregation's settings, the run's seed and the model's parameters; absent: plain uploads. */
  readonly secureAggregation?: Omit<PhaseOptions, 'trips' | 'sim' | 'fleet' | 'secondsPerFlop'>;
}

export class RoundRunner {
  private readonly trips: Trips;
  /** Selected clients still working this round. */
  private working = 0;
  private closed = true;
  /** Reused every round: the eligible clients. */
  private readonly eligibleBuffer: Int32Array;
  private arrived: number[] = [];
  private deadlineEvent: EventId | undefined;
  private readonly phases: SecAggPhases | undefined;

  constructor(private readonly o: RoundOptions) {
    this.eligibleBuffer = new Int32Array(o.fleet.count);
    this.trips = new Trips(o, {
      arrived: (trip) => {
        if (this.phases?.active) return this.phases.arrived(trip);
        this.working--;
        this.arrived.push(trip.device);
        this.maybeClose();
      },
      dropped: (trip) => {
        if (this.phases?.active) return this.phases.dropped(trip);
        this.working--;
        this.maybeClose();
      },
    });
    if (o.secureAggregation !== undefined)
      this.phases = new SecAggPhases({ ...o, ...o.secureAggregation, trips: this.trips });
  }

  /** Runs round `round` from the current simulated time to its close; returns its timing. */
  run(round: number): RoundTiming {
    const { sim, fleet, selector, selectCount } = this.o;
    const startS = sim.now;
    let online = 0;
    for (let d = 0; d < fleet.count; d++) if (this.o.eligible(d)) this.eligibleBuffer[online++] = d;
    const pool = this.eligibleBuffer.subarray(0, online);
    const selected = selector(round, pool, Math.min(selectCount, online));
    this.arrived = [];
    this.trips.active.clear();
    this.working = selected.length;
    this.closed = false;
    const clients: ClientRecord[] = [];
    for (const d of selected) clients.push(this.trips.start(d).record);
    if (this.o.deadlineS !== undefined)
      this.deadlineEvent = sim.schedule(this.o.deadlineS, () => {
        this.deadlineEvent = undefined;
        this.close();
      });
    this.maybeClose();
    if (!this.closed) sim.run({ stopWhen: () => this.closed });
    if (!this.closed) this.close(); // the queue ran dry (cannot happen with clients working)
    if (this.phases === undefined || this.arrived.length === 0)
      return { round, startS, endS: sim.now, online, clients, arrived: this.arrived };
    const keys = clients.filter((c) => c.outcome === 'aggregated');
    const secagg = this.phases.run(round, keys);
    const inSum = new Set(keys.filter((c) => c.outcome === 'aggregated').map((c) => c.client));
    const arrived = this.arrived.filter((d) => inSum.has(d));
    return { round, startS, endS: sim.now, online, clients, arrived, secagg };
  }

  private maybeClose(): void {
    if (this.closed) return;
    if (this.arrived.length >= this.o.goal || this.working === 0) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.deadlineEvent !== undefined) this.o.sim.cancel(this.deadlineEvent);
    this.deadlineEvent = undefined;
    const now = this.o.sim.now;
    for (const client of this.trips.active.values()) {
      if (client.phase !== 'done') this.trips.stop(client, 'straggler');
      else if (client.record.outcome === 'aggregated')
        client.record.waitingS = now - client.phaseStartS;
    }
  }
}
