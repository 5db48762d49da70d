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

/** What the pool sends a worker: where the global weights live (once), then jobs. */
export type WorkerRequest =
  | { readonly kind: 'global'; readonly buffer: SharedArrayBuffer }
  | { readonly kind: 'job'; readonly index: number; readonly job: Job };

/** What a worker sends back: that it has prepared, then each job's result. */
export type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly index: number; readonly result: JobResult };

/** The compiled worker script (workers run built code, also under the test runner). */
const WORKER_SCRIPT = join(PACKAGE_ROOT, 'dist', 'workloads', 'federated', 'train-worker.js');

interface Thread {
  readonly worker: Worker;
  /** 1-based, for messages. */
  readonly number: number;
  ready: boolean;
  /** Indices of the jobs sent to it and not yet answered. */
  readonly pending: number[];
}

/** The jobs of one call to {@link WorkerPool.run}. */
interface Batch {
  readonly jobs: readonly Job[];
  readonly results: JobResult[];
  next: number;
  done: number;
  readonly resolve: (results: JobResult[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Runs jobs on worker threads and on this thread. Each worker prepares its
 * own data and model, then takes jobs as it becomes ready; until then this
 * thread does its share. The global weights go to the workers once per
 * call, through one shared buffer that jobs read and only this thread writes
 * (between calls, when no job is running).
 *
 * A worker that fails or exits, during a call or between calls, fails the
 * call in progress or else the next one with a {@link RunFailedError} naming
 * it; the pool stays failed.
 */
export class WorkerPool {
  private context: TrainingContext | undefined;
  private batch: Batch | undefined;
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
        pending: [],
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
    return new Promise((resolve, reject) => {
      this.batch = { jobs, results: new Array(jobs.length), next: 0, done: 0, resolve, reject };
      for (const t of this.threads) this.feed(t);
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
      const request: WorkerRequest = {
        kind: 'global',
        buffer: this.shared.buffer,
      };
      for (const t of this.threads) t.worker.postMessage(request);
    }
    this.shared.set(global);
    this.global = global;
  }

  /**
   * Sends a ready worker jobs: two in hand keep it busy while this thread is
   * in the middle of a job; near the end, one, so the last jobs go to
   * whichever thread is free first.
   */
  private feed(t: Thread): void {
    const batch = this.batch;
    if (!t.ready || batch === undefined) return;
    const threads = this.threads.filter((w) => w.ready).length + (this.context ? 1 : 0);
    while (batch.next < batch.jobs.length) {
      const depth = batch.jobs.length - batch.next > threads ? 2 : 1;
      if (t.pending.length >= depth) return;
      const index = batch.next++;
      t.pending.push(index);
      const request: WorkerRequest = { kind: 'job', index, job: batch.jobs[index]! };
      t.worker.postMessage(request);
    }
  }

  private receive(t: Thread, reply: WorkerReply): void {
    if (reply.kind === 'ready') t.ready = true;
    else {
      t.pending.splice(t.pending.indexOf(reply.index), 1);
      this.finish(reply.index, reply.result);
    }
    this.feed(t);
  }

  private scheduleHere(): void {
    if (this.hereScheduled || this.context === undefined) return;
    this.hereScheduled = true;
    setImmediate(() => this.workHereOnce());
  }

  /** Does one job in this thread, then yields so the workers' replies come in before the next. */
  private workHereOnce(): void {
    this.hereScheduled = false;
    const batch = this.batch;
    const context = this.context;
    if (batch === undefined || context === undefined || batch.next >= batch.jobs.length) return;
    const index = batch.next++;
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
