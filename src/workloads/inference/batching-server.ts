import type { EventId } from '../../engine/event-queue.js';
import type { Simulation } from '../../engine/simulation.js';

/** A request waiting at or served by a {@link BatchingServer}. */
export interface Job {
  /** Called when the job's batch completes, with its wait in the queue (s) and the batch size. */
  done(waitS: number, batchSize: number): void;
}

export interface BatchingOptions {
  workers: number;
  /** Jobs that may wait; a job that finds the queue full is refused. */
  queueCapacity: number;
  /** Largest batch a worker takes. 1 = no batching. */
  maxBatch: number;
  /** How long a worker holds a partial batch for more jobs, measured from the oldest job's arrival, s. */
  maxWaitS: number;
  /** Service time of a batch of b jobs, s. */
  serviceTimeS(batchSize: number): number;
}

/**
 * An inference server: `workers` workers share one FIFO queue; a free worker
 * takes up to `maxBatch` jobs at once, and waits for a fuller batch at most
 * `maxWaitS` past the oldest job's arrival. With `maxBatch` 1 it is a plain
 * multi-worker FIFO queue (M/G/c when fed Poisson arrivals).
 *
 * Busy time is integrated exactly for utilisation and energy.
 */
export class BatchingServer {
  private readonly queue: { job: Job; arrivedS: number }[] = [];
  private queueHead = 0;
  private idleWorkers: number;
  private batchTimer: EventId | undefined;
  private busyWorkerSeconds = 0;
  private batches = 0;
  private jobsServed = 0;
  private refused = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly options: BatchingOptions,
  ) {
    if (!(options.workers >= 1) || !Number.isInteger(options.workers)) {
      throw new RangeError(`workers(=${options.workers}) must be an integer >= 1`);
    }
    if (!(options.maxBatch >= 1) || !Number.isInteger(options.maxBatch)) {
      throw new RangeError(`maxBatch(=${options.maxBatch}) must be an integer >= 1`);
    }
    this.idleWorkers = options.workers;
  }

  /** Jobs waiting now. */
  get queueLength(): number {
    return this.queue.length - this.queueHead;
  }

  /** Workers in all. */
  get workers(): number {
    return this.options.workers;
  }

  /** Workers serving now. */
  get busyWorkers(): number {
    return this.options.workers - this.idleWorkers;
  }

  /** Offers a job; returns false (and never calls `done`) if the queue is full. */
  submit(job: Job): boolean {
    if (this.queueLength >= this.options.queueCapacity) {
      this.refused++;
      return false;
    }
    this.queue.push({ job, arrivedS: this.sim.now });
    this.dispatch();
    return true;
  }

  /** Totals so far: busy worker-seconds, batches, jobs served, jobs refused. */
  stats(): { busyWorkerSeconds: number; batches: number; jobsServed: number; refused: number } {
    return {
      busyWorkerSeconds: this.busyWorkerSeconds,
      batches: this.batches,
      jobsServed: this.jobsServed,
      refused: this.refused,
    };
  }

  /** Starts batches while workers are free and the head of the queue is ready. */
  private dispatch(): void {
    while (this.idleWorkers > 0 && this.queueLength > 0) {
      const oldest = this.queue[this.queueHead]!;
      const readyAtS = oldest.arrivedS + this.options.maxWaitS;
      if (this.queueLength < this.options.maxBatch && this.sim.now < readyAtS) {
        this.armTimer(readyAtS);
        return;
      }
      this.startBatch();
    }
  }

  private armTimer(atS: number): void {
    if (this.batchTimer !== undefined) return;
    this.batchTimer = this.sim.scheduleAt(atS, () => {
      this.batchTimer = undefined;
      this.dispatch();
    });
  }

  private startBatch(): void {
    if (this.batchTimer !== undefined) {
      this.sim.cancel(this.batchTimer);
      this.batchTimer = undefined;
    }
    const size = Math.min(this.options.maxBatch, this.queueLength);
    const batch = this.queue.slice(this.queueHead, this.queueHead + size);
    this.queueHead += size;
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
    this.idleWorkers--;
    const startS = this.sim.now;
    const serviceS = this.options.serviceTimeS(size);
    this.sim.schedule(serviceS, () => {
      this.idleWorkers++;
      this.busyWorkerSeconds += serviceS;
      this.batches++;
      this.jobsServed += size;
      for (const { job, arrivedS } of batch) job.done(startS - arrivedS, size);
      this.dispatch();
    });
  }
}
