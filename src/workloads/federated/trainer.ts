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

/**
 * Trains on this thread and `size - 1` worker threads, each with its own copy
 * of the data and model (this thread would otherwise only wait).
 */
export class WorkerTrainer implements ClientTrainer {
  /** Rejects the round in progress; a worker error ends the run (it is a bug, not bad input). */
  private failed: (error: Error) => void = () => {};
  private context: TrainingContext | undefined;

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

  /**
   * Tasks go to whichever thread is free (this one takes one between
   * handling the workers' messages); each result lands in its task's slot.
   */
  train(tasks: readonly ClientTask[]): Promise<ClientResult[]> {
    const results: ClientResult[] = new Array(tasks.length);
    let next = 0;
    let done = 0;
    return new Promise((resolveAll, fail) => {
      if (tasks.length === 0) resolveAll(results);
      this.failed = fail;
      const finish = (index: number, result: ClientResult) => {
        results[index] = result;
        done++;
        if (done === tasks.length) resolveAll(results);
      };
      const feed = (worker: Worker) => {
        const index = next++;
        if (index >= tasks.length) return;
        worker.once('message', (result: ClientResult) => {
          finish(index, result);
          feed(worker);
        });
        worker.postMessage(tasks[index]);
      };
      const trainHere = () => {
        const index = next++;
        if (index >= tasks.length || this.context === undefined) return;
        finish(index, trainClient(this.context, tasks[index]!));
        setImmediate(trainHere); // let the workers' messages in first
      };
      for (const worker of this.workers) feed(worker);
      setImmediate(trainHere);
    });
  }

  /** Lets this thread train too, with its own data and model. */
  trainHereWith(context: TrainingContext): void {
    this.context = context;
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
  if (workers <= 1) {
    const context = await prepareTraining(setup);
    return { trainer: new InProcessTrainer(context), context };
  }
  // The workers start while this thread prepares its own copy.
  const [trainer, context] = await Promise.all([
    WorkerTrainer.start(setup, workers - 1),
    prepareTraining(setup),
  ]);
  trainer.trainHereWith(context);
  return { trainer, context };
}
