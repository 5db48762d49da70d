import type { MessagePort } from 'node:worker_threads';
import type { WorkerJob } from './pool.js';
import type { RunReport, RunTask } from './task.js';

/**
 * The worker side of a sweep pool: told once of every task, claims the next
 * unclaimed one from the counter it shares with the other threads until none
 * is left, posting each report as it finishes. Its slot says which task it is
 * running, so the pool can fail that task (and only it) if this thread dies.
 */
export function serve(port: MessagePort, execute: (task: RunTask) => Promise<RunReport>): void {
  port.once('message', async (job: WorkerJob) => {
    const claims = new Int32Array(job.claims);
    for (;;) {
      const position = Atomics.add(claims, 0, 1);
      if (position >= job.tasks.length) break;
      Atomics.store(claims, 1 + job.slot, position);
      port.postMessage(await execute(job.tasks[position]!));
    }
    Atomics.store(claims, 1 + job.slot, -1);
  });
}
