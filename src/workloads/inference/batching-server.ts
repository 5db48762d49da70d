import type { EventId } from '../../engine/event-queue.js';
import { Priority, type Simulation } from '../../engine/simulation.js';

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
  /** Service time of a batch of b jobs of class `jobClass`, s. */
  serviceTimeS(batchSize: number, jobClass: number): number;
}

/**
 * An inference server: `workers` workers share one FIFO queue; a free worker
 * takes up to `maxBatch` jobs at once, and waits for a fuller batch at most
 * `maxWaitS` past the oldest job's arrival. With `maxBatch` 1 it is a plain
 * multi-worker FIFO queue (M/G/c when fed Poisson arrivals).
 *
 * Jobs may come in classes (split computing: the layers a job still needs);
 * a batch holds jobs of one class only. A free worker serves the class whose
 * oldest job is the oldest overall once that batch is full or has waited
 * `maxWaitS`, or else any class with a full batch (oldest first); ties go to
 * the lower class. With one class this is the plain queue above.
 *
 * Busy time is integrated exactly for utilisation and energy.
 */
export class BatchingServer {
  /** The waiting jobs of each class (created when the class first has one). */
  private readonly rings: (JobRing | undefined)[] = [];
  /** Classes with waiting jobs. */
  private readonly waiting: number[] = [];
  private queued = 0;
  /** Free workers, as a stack of worker ids. */
  private readonly idle: number[] = [];
  /** The batch each worker serves (records reused from batch to batch, so serving allocates nothing). */
  private readonly inService: Batch[] = [];
  /** A spare record: a finished batch's record is swapped out while its jobs are told. */
  private spare: Batch;
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
    // Worker 0 is taken first, as a stack pops the last pushed.
    for (let w = options.workers - 1; w >= 0; w--) this.idle.push(w);
    for (let w = 0; w < options.workers; w++) this.inService.push(newBatch(options.maxBatch));
    this.spare = newBatch(options.maxBatch);
  }

  /** Jobs waiting now (all classes). */
  get queueLength(): number {
    return this.queued;
  }

  /** Workers in all. */
  get workers(): number {
    return this.options.workers;
  }

  /** Workers serving now. */
  get busyWorkers(): number {
    return this.options.workers - this.idle.length;
  }

  /** Offers a job of class `jobClass` (default 0); returns false (and never calls `done`) if the queue is full. */
  submit(job: Job, jobClass = 0): boolean {
    if (this.queued >= this.options.queueCapacity) {
      this.refused++;
      return false;
    }
    let ring = this.rings[jobClass];
    if (ring === undefined) {
      ring = new JobRing();
      this.rings[jobClass] = ring;
    }
    if (ring.count === 0) this.waiting.push(jobClass);
    ring.push(job, this.sim.now);
    this.queued++;
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

  /** Starts batches while workers are free and a class's batch is ready. */
  private dispatch(): void {
    while (this.idle.length > 0 && this.queued > 0) {
      const oldest = this.oldestClass(false);
      const ring = this.rings[oldest]!;
      const readyAtS = ring.headArrivalS() + this.options.maxWaitS;
      if (ring.count >= this.options.maxBatch || this.sim.now >= readyAtS) {
        this.startBatch(oldest);
        continue;
      }
      const full = this.waiting.length > 1 ? this.oldestClass(true) : -1;
      if (full < 0) {
        this.armTimer(readyAtS);
        return;
      }
      this.startBatch(full);
    }
  }

  /** The waiting class whose oldest job is oldest (lower class on ties), among full ones only if `full`; -1 if none. */
  private oldestClass(full: boolean): number {
    let best = -1;
    let bestS = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.waiting.length; i++) {
      const c = this.waiting[i]!;
      const ring = this.rings[c]!;
      if (full && ring.count < this.options.maxBatch) continue;
      const atS = ring.headArrivalS();
      if (atS < bestS || (atS === bestS && c < best)) {
        best = c;
        bestS = atS;
      }
    }
    return best;
  }

  private armTimer(atS: number): void {
    if (this.batchTimer !== undefined) return;
    this.batchTimer = this.sim.scheduleAt(atS, this.onTimer);
  }

  private readonly onTimer = (): void => {
    this.batchTimer = undefined;
    this.dispatch();
  };

  private startBatch(jobClass: number): void {
    if (this.batchTimer !== undefined) {
      this.sim.cancel(this.batchTimer);
      this.batchTimer = undefined;
    }
    const worker = this.idle.pop()!;
    const batch = this.inService[worker]!;
    const ring = this.rings[jobClass]!;
    const size = Math.min(this.options.maxBatch, ring.count);
    ring.take(size, batch, this.sim.now);
    if (ring.count === 0) this.waiting.splice(this.waiting.indexOf(jobClass), 1);
    this.queued -= size;
    batch.size = size;
    batch.serviceS = this.options.serviceTimeS(size, jobClass);
    this.sim.schedule(batch.serviceS, this.onBatchDone, Priority.normal, worker);
  }

  private readonly onBatchDone = (worker: number): void => {
    // Swap the record out first: a job told now may start this worker on a new batch.
    const batch = this.inService[worker]!;
    this.inService[worker] = this.spare;
    this.idle.push(worker);
    this.busyWorkerSeconds += batch.serviceS;
    this.batches++;
    this.jobsServed += batch.size;
    for (let i = 0; i < batch.size; i++) {
      const job = batch.jobs[i]!;
      batch.jobs[i] = undefined;
      job.done(batch.waitS[i]!, batch.size);
    }
    this.spare = batch;
    this.dispatch();
  };
}

/** The FIFO queue of one class: a ring of jobs and their arrival times, grown by doubling. */
class JobRing {
  private jobs: (Job | undefined)[] = new Array(64);
  private arrivedS = new Float64Array(64);
  private head = 0;
  count = 0;

  /** Arrival time of the oldest job (the ring is not empty), s. */
  headArrivalS(): number {
    return this.arrivedS[this.head]!;
  }

  push(job: Job, nowS: number): void {
    if (this.count === this.jobs.length) this.grow();
    const at = (this.head + this.count) & (this.jobs.length - 1);
    this.jobs[at] = job;
    this.arrivedS[at] = nowS;
    this.count++;
  }

  /** Moves the oldest `size` jobs into `batch`, with their waits until `startS`. */
  take(size: number, batch: Batch, startS: number): void {
    const mask = this.jobs.length - 1;
    for (let i = 0; i < size; i++) {
      const at = (this.head + i) & mask;
      batch.jobs[i] = this.jobs[at];
      batch.waitS[i] = startS - this.arrivedS[at]!;
      this.jobs[at] = undefined;
    }
    this.head = (this.head + size) & mask;
    this.count -= size;
  }

  /** Doubles the ring, unrolling it so the head is at 0 (its length stays a power of 2). */
  private grow(): void {
    const capacity = this.jobs.length;
    const jobs: (Job | undefined)[] = new Array(capacity * 2);
    const arrivedS = new Float64Array(capacity * 2);
    for (let i = 0; i < this.count; i++) {
      const at = (this.head + i) & (capacity - 1);
      jobs[i] = this.jobs[at];
      arrivedS[i] = this.arrivedS[at]!;
    }
    this.jobs = jobs;
    this.arrivedS = arrivedS;
    this.head = 0;
  }
}

/** One worker's batch: its jobs, their waits in the queue and its service time. */
interface Batch {
  jobs: (Job | undefined)[];
  waitS: Float64Array;
  size: number;
  serviceS: number;
}

function newBatch(maxBatch: number): Batch {
  return { jobs: new Array(maxBatch), waitS: new Float64Array(maxBatch), size: 0, serviceS: 0 };
}
