import { Priority, type Simulation } from '../../../engine/simulation.js';
import type { ServerLoad } from './balancer.js';

/**
 * The per-server load a balancer acts on: outstanding requests (waiting plus
 * in service) of each server. With staleness 0 it reads the servers now;
 * otherwise it reads a snapshot taken at time 0 and refreshed every
 * `stalenessS` by a scheduled event, so between refreshes every request sees
 * the same old numbers and nothing counts the requests sent since. This is
 * the periodic-update ("bulletin board") model of Mitzenmacher, "How useful
 * is old information?", IEEE TPDS 11(1), 2000
 * (https://www.eecs.harvard.edu/~michaelm/abstracts/tpds2000.html), in which
 * sending every request to the apparently least loaded server herds them.
 */
export class LoadBoard {
  private readonly seen: Float64Array;
  private refreshes = 0;
  private untilS = 0;
  private sim: Simulation | undefined;

  constructor(
    private readonly servers: readonly ServerLoad[],
    /** Time between refreshes, s; 0 = always the present. */
    readonly stalenessS: number,
  ) {
    if (!(stalenessS >= 0) || !Number.isFinite(stalenessS))
      throw new RangeError(`stalenessS(=${stalenessS}) must be a finite number >= 0`);
    this.seen = new Float64Array(servers.length);
    this.snapshot();
  }

  /**
   * Schedules the refreshes on `sim` (at k x staleness, k = 1, 2, ...),
   * while before `untilS` (after it nobody asks). Nothing to do for
   * staleness 0.
   */
  start(sim: Simulation, untilS: number): void {
    if (this.stalenessS === 0) return;
    this.sim = sim;
    this.untilS = untilS;
    this.scheduleNext();
  }

  /** Outstanding requests of server s as seen. */
  outstanding(s: number): number {
    if (this.stalenessS === 0) {
      const server = this.servers[s]!;
      return server.queueLength + server.busyWorkers;
    }
    return this.seen[s]!;
  }

  /** Outstanding requests per worker of server s as seen. */
  load(s: number): number {
    return this.outstanding(s) / this.servers[s]!.workers;
  }

  /** Copies every server's outstanding requests now. */
  private snapshot(): void {
    for (let s = 0; s < this.servers.length; s++) {
      const server = this.servers[s]!;
      this.seen[s] = server.queueLength + server.busyWorkers;
    }
  }

  private scheduleNext(): void {
    // k x staleness, not a running sum, so refresh times do not drift.
    const atS = (this.refreshes + 1) * this.stalenessS;
    // Urgent: a request arriving at the refresh instant sees the new snapshot.
    if (atS < this.untilS) this.sim!.scheduleAt(atS, this.onRefresh, Priority.urgent);
  }

  private readonly onRefresh = (): void => {
    this.refreshes++;
    this.snapshot();
    this.scheduleNext();
  };
}
