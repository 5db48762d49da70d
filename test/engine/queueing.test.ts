import { describe, expect, it } from 'vitest';
import {
  erlangC,
  FifoServer,
  md1MeanWaitS,
  mmcMeanWaitS,
  ProcessorSharing,
  RandomStreams,
  Simulation,
} from '../../src/engine/index.js';

/** Mean queueing delay of a FIFO server fed Poisson arrivals, after a warm-up. */
function simulateMeanWait(options: {
  seed: number;
  workers: number;
  arrivalRate: number;
  service: (draw: () => number) => number;
  customers: number;
  warmup: number;
}): number {
  const sim = new Simulation();
  const streams = new RandomStreams(options.seed);
  const arrivals = streams.stream('arrivals');
  const services = streams.stream('service');
  const server = new FifoServer(sim, options.workers);
  let arrived = 0;
  let served = 0;
  let waitSum = 0;
  const arrive = () => {
    const index = arrived++;
    server.serve(
      options.service(() => services.next()),
      (waitS) => {
        if (index >= options.warmup) {
          waitSum += waitS;
          served++;
        }
      },
    );
    if (arrived < options.customers)
      sim.schedule(arrivals.exponential(1 / options.arrivalRate), arrive);
  };
  sim.schedule(arrivals.exponential(1 / options.arrivalRate), arrive);
  sim.run();
  return waitSum / served;
}

describe('queueing theory', () => {
  it('computes Erlang C for a hand-worked case', () => {
    // c = 2, a = 1: P0 terms 1 + 1 + (1/2)(2/1) = 3, so C = 1/3.
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // M/M/1 reduces to rho: C(1, 0.6) = 0.6.
    expect(erlangC(1, 0.6)).toBeCloseTo(0.6, 12);
  });

  it('computes the Pollaczek-Khinchine M/D/1 wait for a hand-worked case', () => {
    // lambda = 0.8, D = 1: Wq = 0.8 * 1 / (2 * 0.2) = 2.
    expect(md1MeanWaitS(0.8, 1)).toBeCloseTo(2, 12);
  });
});

describe('FIFO server against theory', () => {
  it('M/M/4 at lambda 3.5, mean service 1 s agrees with Erlang C within 3%', () => {
    const theory = mmcMeanWaitS(4, 3.5, 1);
    const seeds = [1, 2, 3, 4, 5];
    const waits = seeds.map((seed) =>
      simulateMeanWait({
        seed,
        workers: 4,
        arrivalRate: 3.5,
        service: (u) => -Math.log(1 - u()),
        customers: 300_000,
        warmup: 5_000,
      }),
    );
    const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
    expect(Math.abs(mean - theory) / theory).toBeLessThan(0.03);
  });

  it('M/D/1 at rho 0.8 agrees with Pollaczek-Khinchine within 3%', () => {
    const theory = md1MeanWaitS(0.8, 1);
    const waits = [1, 2, 3, 4, 5].map((seed) =>
      simulateMeanWait({
        seed,
        workers: 1,
        arrivalRate: 0.8,
        service: () => 1,
        customers: 200_000,
        warmup: 5_000,
      }),
    );
    const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
    expect(Math.abs(mean - theory) / theory).toBeLessThan(0.03);
  });

  it('refuses requests beyond its queue capacity', () => {
    const sim = new Simulation();
    const server = new FifoServer(sim, 1, { queueCapacity: 2 });
    const accepted = [1, 2, 3, 4].map(() => server.serve(1, () => {}));
    expect(accepted).toEqual([true, true, true, false]);
    sim.run();
    expect(sim.now).toBe(3);
  });

  it('measures utilisation exactly', () => {
    const sim = new Simulation();
    const server = new FifoServer(sim, 2);
    server.serve(3, () => {});
    sim.schedule(1, () => server.serve(1, () => {}));
    sim.run({ untilS: 4 });
    // Busy worker-seconds: 3 + 1 = 4 over 4 s x 2 workers.
    expect(server.utilisation()).toBeCloseTo(0.5, 12);
  });
});

describe('processor sharing', () => {
  it('n equal flows started together all finish at n*S/C', () => {
    const sim = new Simulation();
    const link = new ProcessorSharing(sim, 10);
    const finished: number[] = [];
    for (let i = 0; i < 5; i++) link.start(4, () => finished.push(sim.now));
    sim.run();
    expect(finished).toEqual([2, 2, 2, 2, 2]);
  });

  it('a flow that finishes together with another and is aborted by its onDone is not told it finished', () => {
    // Two flows of 4 at C = 10 both finish at t = 0.8; the first one told aborts the second,
    // which had done all its work: abort reports 4 and the second onDone never runs.
    const sim = new Simulation();
    const link = new ProcessorSharing(sim, 10);
    const told: string[] = [];
    let abortedWork = -1;
    const first = link.start(4, () => {
      told.push('first');
      abortedWork = second.abort();
    });
    const second = link.start(4, () => told.push('second'));
    void first;
    sim.run();
    expect(told).toEqual(['first']);
    expect(abortedWork).toBe(4);
    expect(sim.now).toBeCloseTo(0.8, 12);
  });

  it('a flow joining part-way finishes at its analytic time', () => {
    // C = 10. A (10) alone for 0.5 s does 5; then A and B share 5 each:
    // A's last 5 take 1 s (t = 1.5); B has 5 left, alone at 10: t = 2.
    const sim = new Simulation();
    const link = new ProcessorSharing(sim, 10);
    const done: Record<string, number> = {};
    link.start(10, () => {
      done.a = sim.now;
    });
    sim.schedule(0.5, () =>
      link.start(10, () => {
        done.b = sim.now;
      }),
    );
    sim.run();
    expect(done.a).toBeCloseTo(1.5, 12);
    expect(done.b).toBeCloseTo(2, 12);
  });

  it('an aborted flow frees its share and reports the work done', () => {
    // C = 10, two flows of 10. At t = 1 each has done 5; abort one.
    // The other has 5 left alone at 10: done at 1.5.
    const sim = new Simulation();
    const link = new ProcessorSharing(sim, 10);
    let doneAt = 0;
    let abortedCalledBack = false;
    link.start(10, () => {
      doneAt = sim.now;
    });
    const victim = link.start(10, () => {
      abortedCalledBack = true;
    });
    let workDone = 0;
    sim.schedule(1, () => {
      workDone = victim.abort();
    });
    sim.run();
    expect(workDone).toBeCloseTo(5, 12);
    expect(doneAt).toBeCloseTo(1.5, 12);
    expect(abortedCalledBack).toBe(false);
  });

  it('serves staggered flows of different sizes at their analytic times', () => {
    // C = 6. Flows: x=6 at 0, y=3 at 0, z=3 at 1.
    // 0-1: 2 flows at 3 each: x 3 left, y 0 left -> y done at 1.
    // At 1: x (3 left) and z (3) share at 3 each -> both done at 2.
    const sim = new Simulation();
    const link = new ProcessorSharing(sim, 6);
    const done: Record<string, number> = {};
    link.start(6, () => {
      done.x = sim.now;
    });
    link.start(3, () => {
      done.y = sim.now;
    });
    sim.schedule(1, () =>
      link.start(3, () => {
        done.z = sim.now;
      }),
    );
    sim.run();
    expect(done).toEqual({ y: 1, x: 2, z: 2 });
    expect(link.totalWork).toBeCloseTo(12, 12);
  });
});

describe('processor sharing with a changing capacity', () => {
  it('settles work at the old rate and finishes at the analytic time', () => {
    // C = 10 for 1 s: a flow of 30 does 10; then C = 40: 20 left at 40 -> done at 1.5.
    const sim = new Simulation();
    const link = new ProcessorSharing(sim, 10);
    let doneAt = 0;
    link.start(30, () => {
      doneAt = sim.now;
    });
    sim.schedule(1, () => link.setCapacity(40));
    sim.run();
    expect(doneAt).toBeCloseTo(1.5, 12);
  });
});

describe('processor sharing through an outage', () => {
  it('holds flows while the capacity is 0 and resumes them after', () => {
    // C = 10: a flow of 20 does 10 by t = 1; outage 1..3; the last 10 at C = 10 -> done at 4.
    const sim = new Simulation();
    const link = new ProcessorSharing(sim, 10);
    let doneAt = 0;
    link.start(20, () => {
      doneAt = sim.now;
    });
    sim.schedule(1, () => link.setCapacity(0));
    sim.schedule(3, () => link.setCapacity(10));
    sim.run();
    expect(doneAt).toBeCloseTo(4, 12);
  });
});
