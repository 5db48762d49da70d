import { Signal } from './signal.js';
import type { Simulation } from './simulation.js';

/** A waiting request: called with the wait time in seconds when a worker is granted. */
type Grant = (waitS: number) => void;

export interface FifoServerOptions {
  /** Requests that may wait (not counting those in service); Infinity by default. */
  queueCapacity?: number;
}

/**
 * A server with `workers` identical workers and one first-come first-served
 * queue. A request is granted a worker at once if one is free, else it waits
 * its turn; a request that finds the queue full is refused.
 *
 * Time-weighted statistics (busy workers, queue length) are integrated
 * exactly at every change, so utilisation is exact, not sampled.
 */
export class FifoServer {
  readonly workers: number;
  readonly queueCapacity: number;
  private busyCount = 0;
  private queue: Grant[] = [];
  private queueHead = 0;
  private arrivalTimes: number[] = [];
  private lastChangeS: number;
  private busyIntegral = 0;
  private queueIntegral = 0;
  private statsStartS: number;

  constructor(
    private readonly sim: Simulation,
    workers: number,
    options: FifoServerOptions = {},
  ) {
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(`workers(=${workers}) must be an integer >= 1`);
    }
    const capacity = options.queueCapacity ?? Number.POSITIVE_INFINITY;
    if (!(capacity >= 0)) throw new RangeError(`queueCapacity(=${capacity}) must be >= 0`);
    this.workers = workers;
    this.queueCapacity = capacity;
    this.lastChangeS = sim.now;
    this.statsStartS = sim.now;
  }

  /** Workers serving now. */
  get busy(): number {
    return this.busyCount;
  }

  /** Requests waiting now. */
  get queueLength(): number {
    return this.queue.length - this.queueHead;
  }

  /**
   * Asks for a worker. `onGrant(waitS)` is called when one is granted (at once
   * if one is free). Returns false, and never calls `onGrant`, if the queue is
   * full. The holder must call {@link release} when done.
   */
  acquire(onGrant: Grant): boolean {
    if (this.busyCount < this.workers) {
      this.account();
      this.busyCount++;
      onGrant(0);
      return true;
    }
    if (this.queueLength >= this.queueCapacity) return false;
    this.account();
    this.queue.push(onGrant);
    this.arrivalTimes.push(this.sim.now);
    return true;
  }

  /** Frees a worker; the longest-waiting request, if any, gets it. */
  release(): void {
    if (this.busyCount === 0) throw new Error('release() without a matching acquire()');
    this.account();
    if (this.queueLength === 0) {
      this.busyCount--;
      return;
    }
    const grant = this.queue[this.queueHead]!;
    const arrivedS = this.arrivalTimes[this.queueHead]!;
    this.queueHead++;
    this.compactQueue();
    grant(this.sim.now - arrivedS);
  }

  /**
   * Serves one job of `serviceS` seconds: waits for a worker, holds it, then
   * calls `onDone(waitS)`. Returns false if the job was refused (queue full).
   */
  serve(serviceS: number, onDone: (waitS: number) => void): boolean {
    return this.acquire((waitS) => {
      this.sim.schedule(serviceS, () => {
        this.release();
        onDone(waitS);
      });
    });
  }

  /** A signal that fires with the wait time once a worker is granted (for processes). */
  request(): Signal<number> | undefined {
    const granted = new Signal<number>();
    return this.acquire((waitS) => granted.fire(waitS)) ? granted : undefined;
  }

  /** Mean fraction of workers busy since creation or the last {@link resetStatistics}. */
  utilisation(): number {
    this.account();
    const spanS = this.sim.now - this.statsStartS;
    return spanS > 0 ? this.busyIntegral / spanS / this.workers : 0;
  }

  /** Time-averaged queue length since creation or the last {@link resetStatistics}. */
  meanQueueLength(): number {
    this.account();
    const spanS = this.sim.now - this.statsStartS;
    return spanS > 0 ? this.queueIntegral / spanS : 0;
  }

  /** Starts the time-weighted statistics afresh (for example after a warm-up). */
  resetStatistics(): void {
    this.account();
    this.busyIntegral = 0;
    this.queueIntegral = 0;
    this.statsStartS = this.sim.now;
  }

  private account(): void {
    const now = this.sim.now;
    const dt = now - this.lastChangeS;
    if (dt > 0) {
      this.busyIntegral += this.busyCount * dt;
      this.queueIntegral += this.queueLength * dt;
      this.lastChangeS = now;
    }
  }

  private compactQueue(): void {
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.arrivalTimes = this.arrivalTimes.slice(this.queueHead);
      this.queueHead = 0;
    }
  }
}
