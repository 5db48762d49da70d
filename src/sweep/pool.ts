import { join } from 'node:path';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../version.js';
import { executeTask, type RunReport, type RunTask } from './task.js';

/** The compiled worker script (workers run built code, also under the test runner). */
const WORKER_SCRIPT = join(PACKAGE_ROOT, 'dist', 'sweep', 'worker.js');

/** What a worker is sent, once: every task, the claims it shares with the other threads, and its slot in them. */
export interface WorkerJob {
  tasks: readonly RunTask[];
  /** Int32 cells: [0] the next task to claim; [1 + slot] the task that slot's worker is running, or -1. */
  claims: SharedArrayBuffer;
  slot: number;
}

/**
 * Runs sweep tasks on `threads` threads: worker threads, and this thread as
 * one of them when `thisThread` is set (it would otherwise only wait). Every
 * thread claims the next task from a counter they share, so no thread waits
 * to be handed work, not even while this one is inside a long run. Workers
 * start (and load edgesim) as soon as the pool is made, so they warm up while
 * this thread validates the sweep. A worker that dies takes only the task it
 * was running with it (reported as failed) and is replaced while tasks remain;
 * a run on this thread has no such protection, so only the caller knows
 * which runs are safe to run here.
 */
export class SweepPool {
  private readonly workers: (Worker | undefined)[];

  /**
   * @param thisThread whether this thread runs tasks too
   * @param script the workers' entry (tests stand in their own)
   */
  constructor(
    threads: number,
    private readonly thisThread: boolean,
    private readonly script: string = WORKER_SCRIPT,
  ) {
    const count = Math.max(1, threads) - (thisThread ? 1 : 0);
    this.workers = Array.from({ length: count }, () => new Worker(script));
  }

  /** Runs `tasks`, calling `onReport` once for each as it finishes; resolves when all have. */
  run(tasks: readonly RunTask[], onReport: (report: RunReport) => void): Promise<void> {
    const claims = new Int32Array(new SharedArrayBuffer(4 * (1 + this.workers.length)));
    claims.fill(-1, 1);
    const claim = (): number => Atomics.add(claims, 0, 1);
    const settled = new Set<number>();
    return new Promise<void>((resolveAll) => {
      const settle = (report: RunReport): void => {
        if (settled.has(report.index)) return;
        settled.add(report.index);
        onReport(report);
        if (settled.size === tasks.length) resolveAll();
      };
      const employ = (slot: number, worker: Worker): void => {
        this.workers[slot] = worker;
        let reason = 'worker exited unexpectedly';
        worker.on('message', settle);
        worker.on('error', (error) => {
          reason = `worker crashed: ${error.message}`;
        });
        // Reports posted before the exit are delivered before it.
        worker.on('exit', () => {
          this.workers[slot] = undefined;
          const running = Atomics.load(claims, 1 + slot);
          if (running >= 0) {
            Atomics.store(claims, 1 + slot, -1);
            settle({ index: tasks[running]!.index, ok: false, error: reason });
            if (Atomics.load(claims, 0) < tasks.length) employ(slot, new Worker(this.script));
          } else if (!this.thisThread && this.workers.every((w) => w === undefined)) {
            // No worker is left that could start: what no thread can run fails.
            for (let p = claim(); p < tasks.length; p = claim())
              settle({ index: tasks[p]!.index, ok: false, error: reason });
          }
        });
        worker.postMessage({ tasks, claims: claims.buffer, slot } satisfies WorkerJob);
      };
      if (tasks.length === 0) return resolveAll();
      this.workers.forEach((worker, slot) => {
        if (worker !== undefined) employ(slot, worker);
      });
      if (this.thisThread) void runHere(tasks, claim, settle);
    });
  }

  /** Stops every worker still running. */
  async close(): Promise<void> {
    const running = this.workers.splice(0).filter((w) => w !== undefined);
    for (const worker of running) worker.removeAllListeners();
    await Promise.all(running.map((w) => w.terminate()));
  }
}

/** This thread's share: claims and runs tasks until none is left. */
async function runHere(
  tasks: readonly RunTask[],
  claim: () => number,
  settle: (report: RunReport) => void,
): Promise<void> {
  for (;;) {
    await yieldToEvents(); // lets the workers' reports in between runs
    const position = claim();
    if (position >= tasks.length) return;
    settle(await executeTask(tasks[position]!));
  }
}
