import { mergeScores, type RangeScores, type Score } from './scores.js';
import {
  type ClientResult,
  type ClientTask,
  prepareTraining,
  runJob,
  scoreRanges,
  type TrainingContext,
  type TrainingSetup,
} from './training.js';
import { WorkerPool } from './worker-pool.js';

export type { Score } from './scores.js';

/**
 * The real tier's threads: they train the clients of a round and score the
 * global model. Results do not depend on how many threads there are.
 */
export interface ClientTrainer {
  /** Trains each task from `global`; results come back in task order. */
  train(global: Float32Array, tasks: readonly ClientTask[]): Promise<ClientResult[]>;
  /** Scores `global` on the held-out split: loss and accuracy the same bits as `lossAndAccuracy` in one pass, and the confusion matrix. */
  evaluate(global: Float32Array): Promise<Score>;
  close(): Promise<void>;
}

/** Trains and scores in this thread. */
export class InProcessTrainer implements ClientTrainer {
  constructor(private readonly context: TrainingContext) {}

  async train(global: Float32Array, tasks: readonly ClientTask[]): Promise<ClientResult[]> {
    return tasks.map(
      (task) => runJob(this.context, global, { kind: 'train', task }) as ClientResult,
    );
  }

  async evaluate(global: Float32Array): Promise<Score> {
    const { test } = this.context.split;
    const parts = scoreRanges(test.count).map(
      (range) => runJob(this.context, global, { kind: 'score', range }) as RangeScores,
    );
    return mergeScores(parts, test.numClasses);
  }

  async close(): Promise<void> {}
}

/**
 * Trains and scores on this thread and `size - 1` worker threads (this
 * thread would otherwise only wait); see {@link WorkerPool}.
 */
export class WorkerTrainer implements ClientTrainer {
  constructor(
    private readonly pool: WorkerPool,
    private readonly testCount: number,
    private readonly numClasses: number,
  ) {}

  train(global: Float32Array, tasks: readonly ClientTask[]): Promise<ClientResult[]> {
    return this.pool.run(
      global,
      tasks.map((task) => ({ kind: 'train', task })),
    ) as Promise<ClientResult[]>;
  }

  async evaluate(global: Float32Array): Promise<Score> {
    const jobs = scoreRanges(this.testCount).map((range) => ({ kind: 'score' as const, range }));
    return mergeScores((await this.pool.run(global, jobs)) as RangeScores[], this.numClasses);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * The trainer for `threads` threads: in-process for one. With more, the
 * workers start while this thread prepares its own copy, and join in as they
 * become ready (until then this thread does their share).
 */
export async function startTrainer(
  setup: TrainingSetup,
  threads: number,
): Promise<{ trainer: ClientTrainer; context: TrainingContext }> {
  if (threads <= 1) {
    const context = await prepareTraining(setup);
    return { trainer: new InProcessTrainer(context), context };
  }
  const pool = WorkerPool.start(setup, threads - 1);
  try {
    const context = await prepareTraining(setup);
    pool.workHere(context);
    const { test } = context.split;
    return { trainer: new WorkerTrainer(pool, test.count, test.numClasses), context };
  } catch (error) {
    await pool.close();
    throw error;
  }
}
