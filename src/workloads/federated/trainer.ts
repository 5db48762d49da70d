import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../../version.js';
import {
  type ClientResult,
  type ClientTask,
  prepareTraining,
  type TrainingContext,
  type TrainingSetup,
  trainClient,
} from './training.js';

/** Trains the clients of a round; results come back in task order. */
export interface ClientTrainer {
  train(tasks: readonly ClientTask[]): Promise<ClientResult[]>;
  close(): Promise<void>;
}

/** Trains in this thread. */
export class InProcessTrainer implements ClientTrainer {
  constructor(private readonly context: TrainingContext) {}

  async train(tasks: readonly ClientTask[]): Promise<ClientResult[]> {
    return tasks.map((task) => trainClient(this.context, task));
  }

  async close(): Promise<void> {}
}

/** The compiled worker script (workers run built code, also under the test runner). */
const WORKER_SCRIPT = join(PACKAGE_ROOT, 'dist', 'workloads', 'federated', 'train-worker.js');

/** Trains on `size` worker threads, each with its own copy of the data and model. */
export class WorkerTrainer implements ClientTrainer {
  /** Rejects the round in progress; a worker error ends the run (it is a bug, not bad input). */
  private failed: (error: Error) => void = () => {};

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) worker.on('error', (error) => this.failed(error));
  }

  static async start(setup: TrainingSetup, size: number): Promise<WorkerTrainer> {
    const workers = Array.from(
      { length: size },
      () => new Worker(WORKER_SCRIPT, { workerData: setup }),
    );
    // A worker that fails to start must not leave the others running (they would keep Node alive).
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((ready, fail) => {
            w.once('message', () => ready());
            w.once('error', fail);
          }),
      ),
    ).catch(async (error: unknown) => {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    });
    return new WorkerTrainer(workers);
  }

  /** Tasks go to whichever worker is free; each result lands in its task's slot. */
  train(tasks: readonly ClientTask[]): Promise<ClientResult[]> {
    const results: ClientResult[] = new Array(tasks.length);
    let next = 0;
    let done = 0;
    return new Promise((resolveAll, fail) => {
      if (tasks.length === 0) resolveAll(results);
      this.failed = fail;
      const feed = (worker: Worker) => {
        const index = next++;
        if (index >= tasks.length) return;
        worker.once('message', (result: ClientResult) => {
          results[index] = result;
          done++;
          if (done === tasks.length) resolveAll(results);
          else feed(worker);
        });
        worker.postMessage(tasks[index]);
      };
      for (const worker of this.workers) feed(worker);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The trainer for `workers` threads: in-process for one. */
export async function startTrainer(
  setup: TrainingSetup,
  workers: number,
): Promise<{ trainer: ClientTrainer; context: TrainingContext }> {
  const context = await prepareTraining(setup);
  const trainer =
    workers <= 1 ? new InProcessTrainer(context) : await WorkerTrainer.start(setup, workers);
  return { trainer, context };
}
