import type { EventId } from '../../engine/event-queue.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { Cell } from '../../network/cells.js';
import { DOWN, type Transfers, UP } from '../../network/transfer.js';

/**
 * One client's trip in simulated time, shared by synchronous rounds
 * (rounds.ts) and the asynchronous modes (async/timeline.ts): it downloads
 * the global model over its own cell (processor-shared with its neighbours;
 * one round trip after it asks, its radio in its tail meanwhile: see
 * network/transfer.ts), trains for its training FLOPs divided by its
 * device's throughput, and uploads its update, which reaches the server one
 * way after its last byte. A client whose device goes offline (or whose
 * battery empties) drops out at that moment, unless its update has already
 * left it (its last byte sent, on its way to the server: it still arrives).
 * Its energy is its device's energy (compute, idle and radio) from the
 * trip's start until it stops.
 */

/**
 * Why a client's trip ended the way it did (`stale`: arrived, but too old to
 * use; `round-failed`: stayed in a secure-aggregation round that failed).
 */
export type ClientOutcome =
  | 'aggregated'
  | 'straggler'
  | 'offline'
  | 'battery-empty'
  | 'stale'
  | 'round-failed';

/** One client's trip. */
export interface ClientRecord {
  readonly client: number;
  outcome: ClientOutcome;
  downloadS: number;
  computeS: number;
  uploadS: number;
  /** From its update's arrival to the round's close (aggregated clients; 0 in the asynchronous modes). */
  waitingS: number;
  energyJ: number;
  bytesDown: number;
  bytesUp: number;
}

export interface TripOptions {
  readonly sim: Simulation;
  readonly fleet: Fleet;
  readonly cells: readonly Cell[];
  readonly cellOf: Uint32Array;
  /** How the model moves; `cells` and `cellOf` give each client's round trip. */
  readonly transfers: Transfers;
  /** Extra round-trip time to the server, s. */
  readonly serverRttS: number;
  /** Bytes the server sends each client (the strategy's ClientCost). */
  readonly bytesDown: number;
  /** Bytes each client uploads. */
  readonly bytesUp: number;
  /** FLOPs of one client's local training. */
  readonly trainFlops: (client: number) => number;
  /** Seconds per FLOP of a client's device (its fp32 rate with its spread). */
  readonly secondsPerFlop: (client: number) => number;
}

/** What the owner of the trips hears. */
export interface TripEvents {
  /** A client's update reached the server (its record's outcome is already `aggregated`). */
  arrived(trip: Trip): void;
  /** A client dropped out mid-trip (offline or battery) and has been stopped. */
  dropped(trip: Trip): void;
  /** A device came online. */
  deviceUp?(device: number): void;
  /** A device is going offline (after its trip, if any, was stopped; it still counts as online). */
  deviceDown?(device: number): void;
}

/**
 * What one trip moves and computes: a download, a computation, an upload.
 * A training trip's are the strategy's bytes and the client's local
 * training; secure aggregation's message rounds are trips of their own.
 */
export interface Leg {
  readonly bytesDown: number;
  readonly bytesUp: number;
  /** Seconds of computation on the client between the two (its local training: undefined). */
  readonly computeS?: number;
}

/** A client on its trip. */
export interface Trip {
  readonly record: ClientRecord;
  readonly device: number;
  readonly leg: Leg;
  readonly energyAtStartJ: number;
  phase: 'download' | 'compute' | 'upload' | 'done';
  phaseStartS: number;
  /** Its download or upload under way (a handle of {@link TripOptions.transfers}), or NO_TRANSFER. */
  transfer: number;
  /** Its training, or the one-way trip of its update to the server. */
  pending: EventId | undefined;
}

const NO_TRANSFER = -1;

/** Whether a trip's update has left its device and is on its way to the server. */
function inFlight(trip: Trip): boolean {
  return trip.phase === 'upload' && trip.transfer === NO_TRANSFER && trip.pending !== undefined;
}

/** The clients on their trips, by device; the owner removes finished ones (or clears all). */
export class Trips {
  readonly active = new Map<number, Trip>();

  constructor(
    private readonly o: TripOptions,
    private readonly events: TripEvents,
  ) {
    o.fleet.listen({
      deviceDown: (d) => {
        const trip = this.active.get(d);
        if (trip !== undefined && trip.phase !== 'done' && !inFlight(trip)) {
          const battery = o.fleet.batteryJ[d]!;
          this.stop(trip, battery <= 1e-6 ? 'battery-empty' : 'offline');
          this.events.dropped(trip);
        }
        this.events.deviceDown?.(d);
      },
      deviceUp: (d) => this.events.deviceUp?.(d),
    });
  }

  /** Starts device `d`'s trip now (a training trip unless `leg` says otherwise): its download begins. */
  start(d: number, leg: Leg = this.o): Trip {
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
    const trip: Trip = {
      record,
      device: d,
      leg,
      energyAtStartJ: this.energyOf(d),
      phase: 'download',
      phaseStartS: this.o.sim.now,
      transfer: NO_TRANSFER,
      pending: undefined,
    };
    this.active.set(d, trip);
    this.transfer(trip, 'down');
    return trip;
  }

  /**
   * Moves the model to or from the client (network/transfer.ts): a download
   * starts one round trip to the server after the client asks for it; an
   * upload has arrived one way after its last byte.
   */
  private transfer(trip: Trip, direction: 'up' | 'down'): void {
    const { transfers, cells, cellOf, serverRttS } = this.o;
    const d = trip.device;
    const rttS = cells[cellOf[d]!]!.rttS + serverRttS;
    const up = direction === 'up';
    trip.transfer = transfers.start(
      d,
      up ? UP : DOWN,
      (up ? trip.leg.bytesUp : trip.leg.bytesDown) * 8,
      up ? this.uploaded : this.downloaded,
      d,
      up ? 0 : rttS,
    );
  }

  private readonly downloaded = (d: number): void => {
    const trip = this.active.get(d)!;
    trip.transfer = NO_TRANSFER;
    if (trip.phase === 'done') return; // settling emptied the battery: the client has dropped
    trip.record.bytesDown += trip.leg.bytesDown;
    this.compute(trip);
  };

  private readonly uploaded = (d: number): void => {
    const trip = this.active.get(d)!;
    trip.transfer = NO_TRANSFER;
    if (trip.phase === 'done') return;
    trip.record.bytesUp += trip.leg.bytesUp;
    const { cells, cellOf, serverRttS, sim } = this.o;
    const oneWayS = (cells[cellOf[d]!]!.rttS + serverRttS) / 2;
    trip.pending = sim.schedule(oneWayS, () => {
      trip.pending = undefined;
      this.arrive(trip);
    });
  };

  private compute(trip: Trip): void {
    const { sim, fleet } = this.o;
    const d = trip.device;
    trip.record.downloadS = sim.now - trip.phaseStartS;
    trip.phase = 'compute';
    trip.phaseStartS = sim.now;
    fleet.setBusy(d, true);
    if (trip.phase !== 'compute') return; // the battery emptied as it started
    const computeS = trip.leg.computeS ?? this.o.trainFlops(d) * this.o.secondsPerFlop(d);
    trip.pending = sim.schedule(computeS, () => {
      trip.pending = undefined;
      fleet.setBusy(d, false);
      trip.record.computeS = sim.now - trip.phaseStartS;
      trip.phase = 'upload';
      trip.phaseStartS = sim.now;
      this.transfer(trip, 'up');
    });
  }

  private arrive(trip: Trip): void {
    const now = this.o.sim.now;
    trip.record.uploadS = now - trip.phaseStartS;
    trip.phase = 'done';
    trip.record.outcome = 'aggregated';
    trip.record.energyJ = this.energyOf(trip.device) - trip.energyAtStartJ;
    trip.phaseStartS = now;
    this.events.arrived(trip);
  }

  /** Stops a client mid-trip: aborts its transfer or computation; its energy so far is counted. */
  stop(trip: Trip, outcome: ClientOutcome): void {
    const { sim, fleet, transfers } = this.o;
    const { bytesDown, bytesUp } = trip.leg;
    const d = trip.device;
    const elapsedS = sim.now - trip.phaseStartS;
    if (trip.pending !== undefined) sim.cancel(trip.pending);
    trip.pending = undefined;
    if (trip.phase === 'compute') {
      fleet.setBusy(d, false);
      trip.record.computeS = elapsedS;
    }
    if (trip.transfer !== NO_TRANSFER && transfers.isMoving(trip.transfer)) {
      const moved = transfers.abort(trip.transfer);
      const up = trip.phase === 'upload';
      fleet.settleRadio(d);
      if (up) {
        trip.record.uploadS = elapsedS;
        trip.record.bytesUp += Math.min(bytesUp, Math.floor(moved / 8));
      } else {
        trip.record.downloadS = elapsedS;
        trip.record.bytesDown += Math.min(bytesDown, Math.floor(moved / 8));
      }
    } else if (trip.phase === 'upload') {
      trip.record.uploadS = elapsedS; // uploaded, on its way to the server
    }
    trip.transfer = NO_TRANSFER;
    trip.phase = 'done';
    trip.record.outcome = outcome;
    trip.record.energyJ = this.energyOf(d) - trip.energyAtStartJ;
  }

  /** Energy device `d` has spent so far (compute, idle and radio), J; settles its battery. */
  energyOf(d: number): number {
    const { fleet } = this.o;
    fleet.settleRadio(d);
    return fleet.energy.idleJ[d]! + fleet.energy.computeJ[d]! + fleet.radioEnergyJ(d);
  }
}
