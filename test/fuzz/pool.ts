/**
 * Worker threads that check mutants under limits: each check runs in a worker
 * whose V8 heap is capped (`resourceLimits.maxOldGenerationSizeMb`) and is
 * terminated when it takes longer than the time limit. A worker that runs out
 * of heap or is terminated is replaced by a fresh one before the next check.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckReport, CheckRequest, Step, StepNote, WorkerConfig } from './worker.js';

/** Every outcome a check can have. */
export type OutcomeKind = 'ok' | 'input-error' | 'internal-error' | 'timeout' | 'out-of-memory';

/** What a check found, as the pool saw it. */
export interface Verdict extends Omit<CheckReport, 'outcome' | 'step'> {
  outcome: OutcomeKind;
  step?: Step;
  /** Wall time of the check, ms (a harness figure: it never enters a result). */
  elapsedMs: number;
}

export interface PoolLimits {
  /** A check taking longer is a timeout and its worker is terminated, ms. */
  timeoutMs: number;
  /** The worker's old-generation heap limit, MB. */
  heapMb: number;
  /** Absolute path of the built dist/ directory. */
  distDir: string;
  /** The project root, when checks carry mutant plans (see CheckRequest.plan). */
  root?: string;
}

/** Building a mutant in the worker, before its check's clock starts, may take this long, ms. */
const BUILD_LIMIT_MS = 120_000;

const BOOT = fileURLToPath(new URL('./worker-boot.mjs', import.meta.url));

/** One worker thread and the checks it runs, one at a time. */
export class Lane {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;

  constructor(private readonly limits: PoolLimits) {}

  /** Checks one mutant file; never throws. */
  async check(request: CheckRequest): Promise<Verdict> {
    let worker: Worker;
    try {
      worker = await this.start();
    } catch (error) {
      await this.stop();
      const { message, stack } = error as Error;
      return { ...workerDied(request.id, `worker did not start: ${message}`, stack), elapsedMs: 0 };
    }
    let started = performance.now(); // wall: timeout only
    const verdict = await new Promise<Omit<Verdict, 'elapsedMs'>>((resolve) => {
      const done = (v: Omit<Verdict, 'elapsedMs'>) => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        resolve(v);
      };
      const timeout = () =>
        done({ id: request.id, outcome: 'timeout', step, validateMissed: false });
      let step: Step | undefined;
      // The clock starts when the worker starts checking (after building the mutant).
      const onMessage = (message: CheckReport | StepNote) => {
        if (!('starting' in message)) return done(message);
        if (step === undefined) {
          clearTimeout(timer);
          started = performance.now(); // wall: timeout only
          timer = setTimeout(timeout, this.limits.timeoutMs);
        }
        step = message.starting;
      };
      const onError = (error: Error & { code?: string }) =>
        done(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? { id: request.id, outcome: 'out-of-memory', step, validateMissed: false }
            : workerDied(request.id, error.message, error.stack),
        );
      const onExit = (code: number) => done(workerDied(request.id, `worker exited (${code})`));
      let timer = setTimeout(timeout, BUILD_LIMIT_MS);
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(request);
    });
    const elapsedMs = performance.now() - started; // wall: timeout only
    // A worker past its limits, or one that died, is not reused.
    if (verdict.outcome === 'timeout' || verdict.outcome === 'out-of-memory') await this.stop();
    if (verdict.name === 'WorkerDied') await this.stop();
    return { ...verdict, elapsedMs };
  }

  /** Terminates the worker (the next check starts a fresh one). */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.ready = null;
    if (worker) await worker.terminate();
  }

  private async start(): Promise<Worker> {
    if (this.worker && this.ready) {
      await this.ready;
      return this.worker;
    }
    const config: WorkerConfig = { distDir: this.limits.distDir, root: this.limits.root };
    const worker = new Worker(BOOT, {
      workerData: config,
      resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb },
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    await this.ready;
    return worker;
  }
}

function workerDied(id: string, message: string, stack?: string): Omit<Verdict, 'elapsedMs'> {
  return {
    id,
    outcome: 'internal-error',
    validateMissed: false,
    name: 'WorkerDied',
    message,
    stack: stack ?? '',
  };
}
