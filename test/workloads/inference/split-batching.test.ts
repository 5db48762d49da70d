import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/index.js';
import { BatchingServer } from '../../../src/workloads/inference/batching-server.js';

/*
 * A server under split computing batches requests by class (the layers they
 * still need): one worker, maxBatch 2, maxWait 1 s, a batch of class c taking
 * c + 1 s whatever its size.
 */
function classServer(sim: Simulation): BatchingServer {
  return new BatchingServer(sim, {
    workers: 1,
    queueCapacity: Number.POSITIVE_INFINITY,
    maxBatch: 2,
    maxWaitS: 1,
    serviceTimeS: (_size, jobClass) => jobClass + 1,
  });
}

/** Submits a job of `jobClass` at `atS`; its completion goes into `done` as [name, time, batch size]. */
function job(
  sim: Simulation,
  server: BatchingServer,
  done: [string, number, number][],
  name: string,
  atS: number,
  jobClass: number,
): void {
  sim.scheduleAt(atS, () =>
    server.submit({ done: (_wait, size) => done.push([name, sim.now, size]) }, jobClass),
  );
}

describe('batching by class', () => {
  it('never mixes classes in a batch, and serves the oldest class first', () => {
    // A (class 0) at 0, B (class 1) at 0.1, C (class 0) at 0.2: A and C fill a
    // class-0 batch at 0.2, done at 1.2; B waits out its maxWait (1.1), starts
    // when the worker frees at 1.2 and, class 1, takes 2 s: done at 3.2.
    const sim = new Simulation();
    const server = classServer(sim);
    const done: [string, number, number][] = [];
    job(sim, server, done, 'A', 0, 0);
    job(sim, server, done, 'B', 0.1, 1);
    job(sim, server, done, 'C', 0.2, 0);
    sim.run();
    expect(done).toEqual([
      ['A', 1.2, 2],
      ['C', 1.2, 2],
      ['B', 3.2, 1],
    ]);
  });

  it('a full batch of a newer class starts before an older partial one has waited', () => {
    // A (class 0) at 0 waits for a partner until 1; B and C (class 1) at 0.1
    // and 0.2 fill a class-1 batch at 0.2, done at 2.2; A starts then, done 3.2.
    const sim = new Simulation();
    const server = classServer(sim);
    const done: [string, number, number][] = [];
    job(sim, server, done, 'A', 0, 0);
    job(sim, server, done, 'B', 0.1, 1);
    job(sim, server, done, 'C', 0.2, 1);
    sim.run();
    expect(done.map(([name, t, size]) => [name, Number(t.toFixed(12)), size])).toEqual([
      ['B', 2.2, 2],
      ['C', 2.2, 2],
      ['A', 3.2, 1],
    ]);
  });
});
