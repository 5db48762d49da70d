/**
 * The real tier's threads: a worker thread trains clients and scores the global model with
 * the same bits as this thread, and a worker that dies fails the run instead of hanging it.
 * Logistic regression on MNIST: 2,000 held-out digits, scored in 8 batches of 256.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunFailedError } from '../../../src/errors.js';
import { lossAndAccuracy } from '../../../src/ml/evaluate.js';
import { getFlatWeights, setFlatWeights } from '../../../src/ml/models/weights.js';
import { InProcessTrainer, WorkerTrainer } from '../../../src/workloads/federated/trainer.js';
import {
  type ClientTask,
  prepareTraining,
  type TrainingContext,
  type TrainingSetup,
} from '../../../src/workloads/federated/training.js';
import { WorkerPool } from '../../../src/workloads/federated/worker-pool.js';

const setup: TrainingSetup = {
  dataset: { kind: 'mnist', testFraction: 0.2 },
  model: { zoo: 'logistic' },
  baseDir: resolve('test/fixtures/federated'),
  file: 'threads.yaml',
  seed: 7,
  backend: 'wasm',
};
const local = {
  optimizer: 'sgd',
  learningRate: 0.1,
  momentum: 0,
  epochs: 1,
  batchSize: 20,
} as const;

/** Client c trains on 100 training digits strided across the split (so of every class: it keeps MNIST's class order). */
function task(client: number, proximalMu = 0): ClientTask {
  const indices = Int32Array.from({ length: 100 }, (_, i) => (client * 797 + i * 61) % 8000);
  return { client, indices, local, seed: 1000 + client, proximalMu };
}

/** A trainer whose every job runs on one worker thread (this thread takes none). */
function workerOnly(script?: string): { trainer: WorkerTrainer; pool: WorkerPool } {
  const pool = WorkerPool.start(setup, 1, script);
  return { trainer: new WorkerTrainer(pool, 2000, 10), pool };
}

describe('a worker thread', () => {
  let context: TrainingContext;
  let here: InProcessTrainer;
  let worker: WorkerTrainer;
  let global: Float32Array;
  beforeAll(async () => {
    context = await prepareTraining(setup);
    here = new InProcessTrainer(context);
    worker = workerOnly().trainer;
    // A global model that is not the initial one: one client's training.
    const [first] = await here.train(getFlatWeights(context.handle.model), [task(0)]);
    global = first!.weights;
  });
  afterAll(() => worker.close());

  it('trains clients to the same weights, losses and update norms as this thread', async () => {
    // Plain, FedProx (a proximal term) and SCAFFOLD (a gradient correction, which goes to workers in shared memory).
    const correction = Float32Array.from({ length: global.length }, (_, i) => ((i % 7) - 3) * 1e-3);
    const tasks = [task(1), task(2, 0.5), { ...task(3), gradientCorrection: correction }];
    const there = await worker.train(global, tasks);
    const mine = await here.train(global, tasks);
    expect(there.map((r) => r.client)).toEqual([1, 2, 3]);
    for (const [i, r] of there.entries()) {
      expect(r.weights).toEqual(mine[i]!.weights);
      expect(r.loss).toBe(mine[i]!.loss);
      expect(r.updateNorm).toBe(mine[i]!.updateNorm);
      expect(r.updateNorm).toBeGreaterThan(0);
    }
  });

  it('scores the global model with the same bits as one pass over the test set', async () => {
    setFlatWeights(context.handle.model, global);
    const whole = lossAndAccuracy(context.handle, context.split.test);
    expect(context.split.test.count).toBe(2000);
    expect(await worker.evaluate(global)).toMatchObject(whole);
    expect(await here.evaluate(global)).toMatchObject(whole);
  });

  it('gives the same confusion matrix on a worker as here, its diagonal the correct digits', async () => {
    const there = await worker.evaluate(global);
    const local = await here.evaluate(global);
    expect(there.confusion).toEqual(local.confusion);
    const cells = Array.from(local.confusion);
    expect(cells.reduce((a, b) => a + b, 0)).toBe(2000);
    const diagonal = cells.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0);
    expect(diagonal).toBe(Math.round(local.accuracy * 2000));
  });
});

describe('a worker thread that dies', () => {
  const exits = resolve('test/fixtures/federated/worker-that-exits.mjs');

  it('between rounds fails the next round with an error naming it, instead of hanging', async () => {
    const { trainer } = workerOnly(exits);
    try {
      const global = getFlatWeights((await prepareTraining(setup)).handle.model);
      expect(await trainer.train(global, [task(1)])).toHaveLength(1);
      const next = trainer.train(global, [task(2)]);
      await expect(next).rejects.toThrow(RunFailedError);
      await expect(next).rejects.toThrow('training worker thread 1 stopped (exit code 3)');
      // And every round after it.
      await expect(trainer.evaluate(global)).rejects.toThrow('exit code 3');
    } finally {
      await trainer.close();
    }
  });

  it('while starting fails the first round', async () => {
    const { trainer } = workerOnly(resolve('test/fixtures/federated/no-such-worker.mjs'));
    try {
      await expect(trainer.train(new Float32Array(7850), [task(1)])).rejects.toThrow(
        /training worker thread 1 (failed|stopped)/,
      );
    } finally {
      await trainer.close();
    }
  });
});
