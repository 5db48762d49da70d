import { describe, expect, it } from 'vitest';
import { BatchingServer, md1MeanWaitS, RandomStreams, Simulation } from '../../src/index.js';

function server(
  sim: Simulation,
  options: Partial<ConstructorParameters<typeof BatchingServer>[1]> = {},
) {
  return new BatchingServer(sim, {
    workers: 1,
    queueCapacity: Number.POSITIVE_INFINITY,
    maxBatch: 1,
    maxWaitS: 0,
    serviceTimeS: () => 1,
    ...options,
  });
}

describe('batching server', () => {
  it('without batching, fed Poisson arrivals with fixed service, agrees with M/D/1 (Pollaczek-Khinchine) within 3%', () => {
    const theory = md1MeanWaitS(0.8, 1);
    const waits = [1, 2, 3, 4, 5].map((seed) => {
      const sim = new Simulation();
      const edge = server(sim);
      const arrivals = new RandomStreams(seed).stream('arrivals');
      let sum = 0;
      let n = 0;
      let arrived = 0;
      const arrive = () => {
        const index = arrived++;
        edge.submit({
          done: (waitS) => {
            if (index >= 5000) {
              sum += waitS;
              n++;
            }
          },
        });
        if (arrived < 200_000) sim.schedule(arrivals.exponential(1 / 0.8), arrive);
      };
      sim.schedule(0, arrive);
      sim.run();
      return sum / n;
    });
    const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
    expect(Math.abs(mean - theory) / theory).toBeLessThan(0.03);
  });

  it('forms batches up to maxBatch, waiting at most maxWait past the oldest arrival', () => {
    // maxBatch 3, maxWait 1 s, service 2 s per batch (any size), one worker.
    // Jobs at 0, 0.2, 0.4 fill a batch at 0.4 -> done at 2.4.
    // Jobs at 0.5 and 3.0: the worker frees at 2.4, but the batch of one waits
    // until 0.5 + 1 = 1.5 <= 2.4, so it starts at once at 2.4 -> done 4.4.
    // The job at 3.0 waits for the busy worker, then until 4.4 (> 3.0 + 1) -> starts 4.4, done 6.4.
    const sim = new Simulation();
    const edge = server(sim, { maxBatch: 3, maxWaitS: 1, serviceTimeS: () => 2 });
    const done: [number, number][] = [];
    for (const t of [0, 0.2, 0.4, 0.5, 3.0]) {
      sim.scheduleAt(t, () => edge.submit({ done: (_wait, size) => done.push([sim.now, size]) }));
    }
    sim.run();
    expect(done).toEqual([
      [2.4, 3],
      [2.4, 3],
      [2.4, 3],
      [4.4, 1],
      [6.4, 1],
    ]);
    expect(edge.stats()).toEqual({ busyWorkerSeconds: 6, batches: 3, jobsServed: 5, refused: 0 });
  });

  it('a lone job waits maxWait for company, then goes alone', () => {
    const sim = new Simulation();
    const edge = server(sim, { maxBatch: 8, maxWaitS: 0.005, serviceTimeS: (b) => 0.001 * b });
    let finishedAt = 0;
    edge.submit({ done: () => (finishedAt = sim.now) });
    sim.run();
    expect(finishedAt).toBeCloseTo(0.006, 12);
  });

  it('refuses jobs beyond its queue capacity', () => {
    const sim = new Simulation();
    const edge = server(sim, { queueCapacity: 2 });
    const accepted = [1, 2, 3, 4].map(() => edge.submit({ done: () => {} }));
    expect(accepted).toEqual([true, true, true, false]);
    expect(edge.stats().refused).toBe(1);
  });
});
