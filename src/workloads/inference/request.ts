import type { Flow } from '../../engine/processor-sharing.js';
import type { Job } from './batching-server.js';

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
 * Each device's transfers under way, oldest first, as lists linked through
 * the requests themselves: adding and removing allocate nothing.
 */
export class TransferLists {
  private readonly first: (Request | undefined)[];
  private readonly last: (Request | undefined)[];

  constructor(devices: number) {
    this.first = new Array(devices);
    this.last = new Array(devices);
  }

  add(d: number, request: Request): void {
    const tail = this.last[d];
    request.previousTransfer = tail;
    request.nextTransfer = undefined;
    if (tail === undefined) this.first[d] = request;
    else tail.nextTransfer = request;
    this.last[d] = request;
  }

  remove(d: number, request: Request): void {
    const { previousTransfer: before, nextTransfer: after } = request;
    if (before === undefined) this.first[d] = after;
    else before.nextTransfer = after;
    if (after === undefined) this.last[d] = before;
    else after.previousTransfer = before;
    request.previousTransfer = undefined;
    request.nextTransfer = undefined;
  }

  /** Empties device d's list and returns its requests, oldest first. */
  takeAll(d: number): Request[] {
    const taken: Request[] = [];
    for (let r = this.first[d]; r !== undefined; r = r.nextTransfer) taken.push(r);
    this.first[d] = undefined;
    this.last[d] = undefined;
    return taken;
  }
}

/** A request's transfer directions. */
export const UP = 0;
export const DOWN = 1;

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
  // The transfer under way (UP or DOWN), so it can be aborted when the device goes down.
  direction = UP;
  transferStartS = 0;
  flow: Flow | undefined = undefined;
  /** The event that starts the flow once the radio is promoted (on a duty-cycled uplink, that starts or ends it), or -1. */
  pendingStart = -1;
  /** Whether the radio has been asked to transfer (so an abort must end it). */
  radioBegun = false;
  /** Neighbours in its device's list of transfers under way. */
  previousTransfer: Request | undefined = undefined;
  nextTransfer: Request | undefined = undefined;

  constructor(
    readonly slot: number,
    readonly device: number,
    readonly arrivalS: number,
    /** What the run does when the request's batch is served (one function for all requests). */
    private readonly served: (request: Request, waitS: number, batchSize: number) => void,
  ) {}

  done(waitS: number, batchSize: number): void {
    this.served(this, waitS, batchSize);
  }
}
