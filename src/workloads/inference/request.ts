import type { Simulation } from '../../engine/simulation.js';
import type { Job } from './batching-server.js';
import type { Outcome, RequestLog } from './request-log.js';

/** Free slot numbers, last freed first (a typed array: an array popped empty and refilled reallocates). */
export class SlotStack {
  private slots = new Int32Array(64);
  size = 0;

  push(slot: number): void {
    if (this.size === this.slots.length) {
      const grown = new Int32Array(this.slots.length * 2);
      grown.set(this.slots);
      this.slots = grown;
    }
    this.slots[this.size++] = slot;
  }

  pop(): number {
    return this.slots[--this.size]!;
  }
}

/**
 * A request on its way, with the one transfer it may have under way. Stages
 * pass it along by its slot number (the event's argument), so a request costs
 * one object and no closures: at a million requests an hour that keeps the
 * garbage collector out of the way.
 */
export class Request implements Job {
  target = -1;
  uploadS = 0;
  queueS = 0;
  serviceS = 0;
  downloadS = 0;
  batch = 0;
  /** Half the round trip to its server, s. */
  oneWayS = 0;
  /** When its upload or download started, s. */
  transferStartS = 0;
  /** Time its upload spent on the device's cell (before any server ingress), s. */
  cellUpS = 0;
  /** Bytes it uploads: the model input, or the activations at its split point. */
  upBytes = 0;
  /**
   * Split computing (`placement: split`): the layers `[0, split)` it runs on
   * its device; -1 under any other placement.
   */
  split = -1;
  /** Its class at the server (the layers it still needs; 0: the whole model). */
  serverClass = 0;
  /** Its device's compute time for it (the device's throughput factor applied), s. */
  deviceS = 0;
  /** Whether it goes on to a server once its device has run its part. */
  continues = false;
  /** Whether it leaves at the model's early exit. */
  exits = false;
  /** The model version that served it (0 = from, 1 = to) under a rollout; -1 until known, and without one. */
  version = -1;

  constructor(
    readonly slot: number,
    readonly device: number,
    readonly arrivalS: number,
    /** What the run does when the request's batch is served (one function for all requests). */
    private readonly served: Served,
  ) {}

  done(waitS: number, batchSize: number): void {
    this.served(this, waitS, batchSize);
  }
}

/** What a run does when a request's batch is served: one function for all requests. */
export type Served = (request: Request, waitS: number, batchSize: number) => void;

/**
 * The requests under way in one run, by slot number, so events can carry a
 * request as their numeric argument. A finished request's slot is reused.
 */
export class LiveRequests {
  private readonly bySlot: (Request | undefined)[] = [];
  private readonly freeSlots = new SlotStack();
  /** Requests opened and not yet finished. */
  count = 0;

  /** A rollout's last word on how a request ended (rollout-run.ts); none without one. */
  private settle: ((request: Request, outcome: Outcome) => Outcome) | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly log: RequestLog,
    /** Group index of each device. */
    private readonly groupOf: Uint16Array,
    /** A request completed later than this after its arrival has missed its deadline, s. */
    private readonly deadlineS: number,
  ) {}

  /** From now on every finishing request passes through `settle`, which may turn a completion into a failure. */
  settleWith(settle: (request: Request, outcome: Outcome) => Outcome): void {
    this.settle = settle;
  }

  /** A new request of device `d`, arriving now; `served` hears when its batch is served. */
  open(d: number, served: Served): Request {
    this.count++;
    const slot = this.freeSlots.size > 0 ? this.freeSlots.pop() : this.bySlot.length;
    const request = new Request(slot, d, this.sim.now, served);
    this.bySlot[slot] = request;
    return request;
  }

  /** The request under way in `slot`. */
  get(slot: number): Request {
    return this.bySlot[slot]!;
  }

  /** Ends a request now with `outcome` (a completion past the deadline is logged as missed) and frees its slot. */
  finish(request: Request, done: Outcome): void {
    const outcome = this.settle === undefined ? done : this.settle(request, done);
    this.count--;
    this.bySlot[request.slot] = undefined;
    this.freeSlots.push(request.slot);
    const now = this.sim.now;
    const late = outcome === 'completed' && now - request.arrivalS > this.deadlineS;
    this.log.record(
      request,
      this.groupOf[request.device]!,
      now,
      late ? 'deadline-missed' : outcome,
    );
  }
}
