import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../version.js';
import type { RunReport, RunTask } from './worker.js';

/** The compiled worker script (workers run built code, also under the test runner). */
const WORKER_SCRIPT = join(PACKAGE_ROOT, 'dist', 'sweep', 'worker.js');

/**
 * Runs tasks on `workers` worker threads, one task per worker at a time, in
 * task order. Each report goes to `onReport` as it arrives. A worker that
 * dies takes only its current task with it (reported as failed) and is
 * replaced, so one crashing run never stops the others.
 */
export async function runPool(
  tasks: readonly RunTask[],
  workers: number,
  onReport: (report: RunReport) => void,
): Promise<void> {
  let next = 0;
  let active = 0;
  await new Promise<void>((resolveAll) => {
    const finishIfDone = (): void => {
      if (next >= tasks.length && active === 0) resolveAll();
    };
    const start = (): void => {
      const worker = new Worker(WORKER_SCRIPT);
      let current: RunTask | undefined;
      const feed = (): void => {
        current = tasks[next++];
        if (current === undefined) {
          void worker.terminate();
          return;
        }
        active++;
        worker.postMessage(current);
      };
      worker.on('message', (report: RunReport) => {
        current = undefined;
        active--;
        onReport(report);
        feed();
        finishIfDone();
      });
      worker.on('error', (error) => {
        if (current !== undefined) {
          active--;
          onReport({ index: current.index, ok: false, error: `worker crashed: ${error.message}` });
          current = undefined;
        }
      });
      worker.on('exit', () => {
        if (current !== undefined) {
          active--;
          onReport({ index: current.index, ok: false, error: 'worker exited unexpectedly' });
          current = undefined;
        }
        if (next < tasks.length) start();
        finishIfDone();
      });
      feed();
    };
    for (let i = 0; i < Math.min(workers, tasks.length); i++) start();
    finishIfDone();
  });
}
