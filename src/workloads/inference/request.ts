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
