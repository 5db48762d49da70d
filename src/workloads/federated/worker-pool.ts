import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RunFailedError } from '../../errors.js';
import { PACKAGE_ROOT } from '../../version.js';
import {
  type Job,
  type JobResult,
  runJob,
  type TrainingContext,
  type TrainingSetup,
} from './training.js';

/** What the pool sends a worker: where the global weights live (once), then each call's jobs. */
export type WorkerRequest =
  | { readonly kind: 'global'; readonly buffer: SharedArrayBuffer }
  | {
      readonly kind: 'batch';
      readonly id: number;
      readonly jobs: readonly Job[];
      /** An Int32Array's buffer: the index of the next job not yet claimed by any thread. */
      readonly next: SharedArrayBuffer;
    };

/** What a worker sends back: that it has prepared, then the result of each job it claimed. */
export type WorkerReply =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'done';
      readonly batch: number;
      readonly index: number;
      readonly result: JobResult;
    };

/** The compiled worker script (workers run built code, also under the test runner). */
const WORKER_SCRIPT = join(PACKAGE_ROOT, 'dist', 'workloads', 'federated', 'train-worker.js');

interface Thread {
  readonly worker: Worker;
  /** 1-based, for messages. */
  readonly number: number;
  ready: boolean;
}

/** The jobs of one call to {@link WorkerPool.run}. */
interface Batch {
  readonly id: number;
  readonly jobs: readonly Job[];
  readonly results: JobResult[];
  /** Shared with the workers: the next job to claim (`Atomics.add`). */
  readonly next: Int32Array<SharedArrayBuffer>;
  done: number;
  readonly resolve: (results: JobResult[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Runs jobs on worker threads and on this thread. Each worker prepares its
 * own data and model and joins in when ready; until then this thread does
 * its share. A call's jobs go to every worker at once; each thread claims
 * the next unclaimed job through a shared counter when it is free, so no
 * worker waits for this thread (busy with a job of its own) to hand it one.
 * The global weights go to the workers through one shared buffer that jobs
 * read and only this thread writes (between calls, when no job is running);
 * so do the gradient corrections of the clients' hooks (SCAFFOLD's c − c_i).
 *
 * A worker that fails or exits, during a call or between calls, fails the
 * call in progress or else the next one with a {@link RunFailedError} naming
 * it; the pool stays failed.
 */
export class WorkerPool {
  private context: TrainingContext | undefined;
  private batch: Batch | undefined;
  private batches = 0;
  private failure: Error | undefined;
  private closing = false;
  private shared: Float32Array<SharedArrayBuffer> | undefined;
  private global: Float32Array = new Float32Array(0);
  private hereScheduled = false;

  private constructor(private readonly threads: readonly Thread[]) {
    for (const t of threads) {
      t.worker.on('message', (reply: WorkerReply) => this.receive(t, reply));
      t.worker.on('error', (error) =>
        this.fail(
          new RunFailedError(`training worker thread ${t.number} failed: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      t.worker.on('exit', (code) =>
        this.fail(
          new RunFailedError(`training worker thread ${t.number} stopped (exit code ${code})`),
        ),
      );
    }
  }

  /** Starts `size` workers preparing `setup`; `script` replaces the worker script (tests use one that dies). */
  static start(setup: TrainingSetup, size: number, script = WORKER_SCRIPT): WorkerPool {
    return new WorkerPool(
      Array.from({ length: size }, (_, i) => ({
        worker: new Worker(script, { workerData: setup }),
        number: i + 1,
        ready: false,
      })),
    );
  }

  /** Lets this thread take jobs too, with its own data and model. */
  workHere(context: TrainingContext): void {
    this.context = context;
  }

  /** Runs every job from `global`; results come back in job order. One call at a time. */
  run(global: Float32Array, jobs: readonly Job[]): Promise<JobResult[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.batch !== undefined)
      throw new Error('WorkerPool.run: the previous call has not finished');
    if (jobs.length === 0) return Promise.resolve([]);
    this.share(global);
    const shared = this.threads.length === 0 ? jobs : jobs.map(shareCorrection);
    return new Promise((resolve, reject) => {
      this.batch = {
        id: ++this.batches,
        jobs: shared,
        results: new Array(jobs.length),
        next: new Int32Array(new SharedArrayBuffer(4)),
        done: 0,
        resolve,
        reject,
      };
      for (const t of this.threads) if (t.ready) this.send(t, this.batch);
      this.scheduleHere();
    });
  }

  /** Whether every worker is ready (tests wait for it). */
  get allReady(): boolean {
    return this.threads.every((t) => t.ready);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private share(global: Float32Array): void {
    if (this.shared?.length !== global.length) {
      this.shared = new Float32Array(new SharedArrayBuffer(global.byteLength));
      const request: WorkerRequest = { kind: 'global', buffer: this.shared.buffer };
      for (const t of this.threads) t.worker.postMessage(request);
    }
    this.shared.set(global);
    this.global = global;
  }

  private send(t: Thread, batch: Batch): void {
    const request: WorkerRequest = {
      kind: 'batch',
      id: batch.id,
      jobs: batch.jobs,
      next: batch.next.buffer,
    };
    t.worker.postMessage(request);
  }

  private receive(t: Thread, reply: WorkerReply): void {
    if (reply.kind === 'ready') {
      t.ready = true;
      if (this.batch !== undefined) this.send(t, this.batch);
    } else if (reply.batch === this.batch?.id) this.finish(reply.index, reply.result);
  }

  private scheduleHere(): void {
    if (this.hereScheduled || this.context === undefined) return;
    this.hereScheduled = true;
    setImmediate(() => this.workHereOnce());
  }

  /** Claims and does one job in this thread, then yields so the workers' results come in. */
  private workHereOnce(): void {
    this.hereScheduled = false;
    const batch = this.batch;
    const context = this.context;
    if (batch === undefined || context === undefined) return;
    const index = Atomics.add(batch.next, 0, 1);
    if (index >= batch.jobs.length) return;
    let result: JobResult;
    try {
      result = runJob(context, this.global, batch.jobs[index]!);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    this.finish(index, result);
    this.scheduleHere();
  }

  private finish(index: number, result: JobResult): void {
    const batch = this.batch;
    if (batch === undefined) return; // the call has failed
    batch.results[index] = result;
    batch.done++;
    if (batch.done === batch.jobs.length) {
      this.batch = undefined;
      batch.resolve(batch.results);
    }
  }

  private fail(error: Error): void {
    if (this.closing || this.failure !== undefined) return;
    this.failure = error;
    const batch = this.batch;
    this.batch = undefined;
    batch?.reject(error);
  }
}

/**
 * A job whose gradient correction (SCAFFOLD's c − c_i, from its client hook)
 * sits in shared memory, so sending the job to every worker copies none.
 */
function shareCorrection(job: Job): Job {
  if (job.kind !== 'train' || job.task.gradientCorrection === undefined) return job;
  const correction = job.task.gradientCorrection;
  const shared = new Float32Array(new SharedArrayBuffer(correction.byteLength));
  shared.set(correction);
  return { kind: 'train', task: { ...job.task, gradientCorrection: shared } };
}
