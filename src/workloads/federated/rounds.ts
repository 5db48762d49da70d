import type { EventId } from '../../engine/event-queue.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { Cell } from '../../network/cells.js';
import { DOWN, type Transfers, UP } from '../../network/transfer.js';
import type { ClientCost } from './strategies/strategy.js';

/**
 * Federated rounds in simulated time. A round starts with the clients that
 * are online; the selector picks some; each downloads the global model over
 * its own cell (processor-shared with its neighbours; one round trip after it
 * asks, its radio in its tail meanwhile: see network/transfer.ts), trains for
 * its training FLOPs divided by its device's throughput, and uploads its
 * update (the bytes each way are the strategy's: SCAFFOLD's control variates
 * double them), which reaches the server one way after its last byte. The round closes
 * when the first K updates have arrived, at the deadline, or when every
 * selected client has finished or dropped; clients still working then are
 * stragglers and stop. A client whose device goes offline (or whose battery
 * empties) drops out at that moment. Every client's energy is its device's
 * energy (compute, idle and radio) from selection until it stops.
 */

/** Why a selected client's round ended the way it did. */
export type ClientOutcome = 'aggregated' | 'straggler' | 'offline' | 'battery-empty';

/** One selected client in one round. */
export interface ClientRecord {
  readonly client: number;
  outcome: ClientOutcome;
  downloadS: number;
  computeS: number;
  uploadS: number;
  /** From its update's arrival to the round's close (aggregated clients). */
  waitingS: number;
  energyJ: number;
  bytesDown: number;
  bytesUp: number;
}

/** A round's timing and its clients, in selection order. */
export interface RoundTiming {
  readonly round: number;
  readonly startS: number;
  readonly endS: number;
  /** Clients online when the round started. */
  readonly online: number;
  readonly clients: ClientRecord[];
  /** Aggregated clients' ids in arrival order. */
  readonly arrived: number[];
}

/** Picks `count` of the `online` clients for `round` (ascending ids; the selector may reorder the array). */
export type Selector = (round: number, online: Int32Array, count: number) => Int32Array;

export interface RoundOptions {
  readonly sim: Simulation;
  readonly fleet: Fleet;
  readonly cells: readonly Cell[];
  readonly cellOf: Uint32Array;
  /** How the model moves; `cells` and `cellOf` give each client's round trip. */
  readonly transfers: Transfers;
  /** Extra round-trip time to the server, s. */
  readonly serverRttS: number;
  /** Bytes the server sends each selected client (the strategy's {@link ClientCost}). */
  readonly bytesDown: number;
  /** Bytes each client uploads. */
  readonly bytesUp: number;
  /** FLOPs of one client's local training this round. */
  readonly trainFlops: (client: number) => number;
  /** Seconds per FLOP of a client's device (its fp32 rate with its spread). */
  readonly secondsPerFlop: (client: number) => number;
  /** Whether a client may be selected (online and holding data). */
  readonly eligible: (client: number) => boolean;
  readonly selector: Selector;
  /** Updates aggregated per round (K). */
  readonly goal: number;
  /** Clients selected per round (ceil(K x overCommit)). */
  readonly selectCount: number;
  readonly deadlineS: number | undefined;
}

interface Active {
  readonly record: ClientRecord;
  readonly device: number;
  readonly energyAtStartJ: number;
  phase: 'download' | 'compute' | 'upload' | 'done';
  phaseStartS: number;
  /** Its download or upload under way (a handle of {@link RoundOptions.transfers}), or NO_TRANSFER. */
  transfer: number;
  /** Its training, or the one-way trip of its update to the server. */
  pending: EventId | undefined;
}

const NO_TRANSFER = -1;

export class RoundRunner {
  private active = new Map<number, Active>();
  /** Selected clients still working this round. */
  private working = 0;
  private closed = true;
  /** Reused every round: the eligible clients. */
  private readonly eligibleBuffer: Int32Array;
  private arrived: number[] = [];
  private deadlineEvent: EventId | undefined;

  constructor(private readonly o: RoundOptions) {
    this.eligibleBuffer = new Int32Array(o.fleet.count);
    o.fleet.listen({
      deviceDown: (d) => {
        const client = this.active.get(d);
        if (client === undefined || client.phase === 'done') return;
        const battery = o.fleet.batteryJ[d]!;
        this.stop(client, battery <= 1e-6 ? 'battery-empty' : 'offline');
        this.maybeClose();
      },
      deviceUp: () => {},
    });
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
    this.active = new Map();
    this.working = selected.length;
    this.closed = false;
    const clients: ClientRecord[] = [];
    for (const d of selected) {
      const record: ClientRecord = {
        client: d,
        outcome: 'straggler',
        downloadS: 0,
        computeS: 0,
        uploadS: 0,
        waitingS: 0,
        energyJ: 0,
        bytesDown: 0,
        bytesUp: 0,
      };
      clients.push(record);
      const client: Active = {
        record,
        device: d,
        energyAtStartJ: this.energyOf(d),
        phase: 'download',
        phaseStartS: startS,
        transfer: NO_TRANSFER,
        pending: undefined,
      };
      this.active.set(d, client);
      this.transfer(client, 'down');
    }
    if (this.o.deadlineS !== undefined)
      this.deadlineEvent = sim.schedule(this.o.deadlineS, () => {
        this.deadlineEvent = undefined;
        this.close();
      });
    this.maybeClose();
    if (!this.closed) sim.run({ stopWhen: () => this.closed });
    if (!this.closed) this.close(); // the queue ran dry (cannot happen with clients working)
    return { round, startS, endS: sim.now, online, clients, arrived: this.arrived };
  }

  /**
   * Moves the model to or from the client (network/transfer.ts): a download
   * starts one round trip to the server after the client asks for it; an
   * upload has arrived one way after its last byte.
   */
  private transfer(client: Active, direction: 'up' | 'down'): void {
    const { transfers, cells, cellOf, serverRttS } = this.o;
    const d = client.device;
    const rttS = cells[cellOf[d]!]!.rttS + serverRttS;
    const up = direction === 'up';
    client.transfer = transfers.start(
      d,
      up ? UP : DOWN,
      (up ? this.o.bytesUp : this.o.bytesDown) * 8,
      up ? this.uploaded : this.downloaded,
      d,
      up ? 0 : rttS,
    );
  }

  private readonly downloaded = (d: number): void => {
    const client = this.active.get(d)!;
    client.transfer = NO_TRANSFER;
    if (client.phase === 'done') return; // settling emptied the battery: the client has dropped
    client.record.bytesDown += this.o.bytesDown;
    this.compute(client);
  };

  private readonly uploaded = (d: number): void => {
    const client = this.active.get(d)!;
    client.transfer = NO_TRANSFER;
    if (client.phase === 'done') return;
    client.record.bytesUp += this.o.bytesUp;
    const { cells, cellOf, serverRttS, sim } = this.o;
    const oneWayS = (cells[cellOf[d]!]!.rttS + serverRttS) / 2;
    client.pending = sim.schedule(oneWayS, () => {
      client.pending = undefined;
      this.arrive(client);
    });
  };

  private compute(client: Active): void {
    const { sim, fleet } = this.o;
    const d = client.device;
    client.record.downloadS = sim.now - client.phaseStartS;
    client.phase = 'compute';
    client.phaseStartS = sim.now;
    fleet.setBusy(d, true);
    if (client.phase !== 'compute') return; // the battery emptied as it started
    const computeS = this.o.trainFlops(d) * this.o.secondsPerFlop(d);
    client.pending = sim.schedule(computeS, () => {
      client.pending = undefined;
      fleet.setBusy(d, false);
      client.record.computeS = sim.now - client.phaseStartS;
      client.phase = 'upload';
      client.phaseStartS = sim.now;
      this.transfer(client, 'up');
    });
  }

  private arrive(client: Active): void {
    const now = this.o.sim.now;
    client.record.uploadS = now - client.phaseStartS;
    client.phase = 'done';
    client.record.outcome = 'aggregated';
    client.record.energyJ = this.energyOf(client.device) - client.energyAtStartJ;
    client.phaseStartS = now;
    this.working--;
    this.arrived.push(client.device);
    this.maybeClose();
  }

  /** Stops a client mid-round: aborts its transfer or computation; its energy so far is counted. */
  private stop(client: Active, outcome: ClientOutcome): void {
    const { sim, fleet, transfers, bytesDown, bytesUp } = this.o;
    const d = client.device;
    const elapsedS = sim.now - client.phaseStartS;
    if (client.pending !== undefined) sim.cancel(client.pending);
    client.pending = undefined;
    if (client.phase === 'compute') {
      fleet.setBusy(d, false);
      client.record.computeS = elapsedS;
    }
    if (client.transfer !== NO_TRANSFER && transfers.isMoving(client.transfer)) {
      const moved = transfers.abort(client.transfer);
      const up = client.phase === 'upload';
      fleet.settleRadio(d);
      if (up) {
        client.record.uploadS = elapsedS;
        client.record.bytesUp += Math.min(bytesUp, Math.floor(moved / 8));
      } else {
        client.record.downloadS = elapsedS;
        client.record.bytesDown += Math.min(bytesDown, Math.floor(moved / 8));
      }
    } else if (client.phase === 'upload') {
      client.record.uploadS = elapsedS; // uploaded, on its way to the server
    }
    client.transfer = NO_TRANSFER;
    client.phase = 'done';
    this.working--;
    client.record.outcome = outcome;
    client.record.energyJ = this.energyOf(d) - client.energyAtStartJ;
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
    for (const client of this.active.values()) {
      if (client.phase !== 'done') this.stop(client, 'straggler');
      else if (client.record.outcome === 'aggregated')
        client.record.waitingS = now - client.phaseStartS;
    }
  }

  /** Energy device `d` has spent so far (compute, idle and radio), J; settles its battery. */
  private energyOf(d: number): number {
    const { fleet } = this.o;
    fleet.settleRadio(d);
    return fleet.energy.idleJ[d]! + fleet.energy.computeJ[d]! + fleet.radioEnergyJ(d);
  }
}
