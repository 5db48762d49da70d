import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../version.js';
import type { RunReport, RunTask } from './worker.js';

/** The compiled worker script (workers run built code, also under the test runner). */
const WORKER_SCRIPT = join(PACKAGE_ROOT, 'dist', 'sweep', 'worker.js');

/**
 * A pool of worker threads running sweep tasks, one task per worker at a
 * time, in task order. The workers start (and load edgesim) as soon as the
 * pool is made, so they warm up while the main thread validates the sweep. A
 * worker that dies takes only its current task with it (reported as failed)
 * and is replaced, so one crashing run never stops the others.
 */
export class WorkerPool {
  private readonly idle: Worker[] = [];

  constructor(private readonly size: number) {
    for (let i = 0; i < size; i++) this.idle.push(new Worker(WORKER_SCRIPT));
  }

  /** Runs `tasks`, calling `onReport` for each as it finishes; resolves when all have. */
  run(tasks: readonly RunTask[], onReport: (report: RunReport) => void): Promise<void> {
    let next = 0;
    let active = 0;
    return new Promise<void>((resolveAll) => {
      const finishIfDone = (): void => {
        if (next >= tasks.length && active === 0) resolveAll();
      };
      const employ = (worker: Worker): void => {
        let current: RunTask | undefined;
        const settle = (report: RunReport): void => {
          current = undefined;
          active--;
          onReport(report);
        };
        const feed = (): void => {
          current = tasks[next++];
          if (current === undefined) {
            worker.removeAllListeners();
            this.idle.push(worker);
            finishIfDone();
            return;
          }
          active++;
          worker.postMessage(current);
        };
        worker.on('message', (report: RunReport) => {
          settle(report);
          feed();
        });
        worker.on('error', (error) => {
          if (current !== undefined)
            settle({ index: current.index, ok: false, error: `worker crashed: ${error.message}` });
        });
        worker.on('exit', () => {
          if (current !== undefined)
            settle({ index: current.index, ok: false, error: 'worker exited unexpectedly' });
          if (next < tasks.length) employ(new Worker(WORKER_SCRIPT));
          finishIfDone();
        });
        feed();
      };
      const workers = this.idle.splice(0, Math.min(this.size, Math.max(tasks.length, 1)));
      for (const worker of workers) employ(worker);
      finishIfDone();
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }
}
