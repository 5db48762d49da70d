/**
 * Each balancer on hand-worked cases: fake servers whose loads the test
 * sets, and the real pickers from the registry.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { Simulation } from '../../../src/engine/simulation.js';
import { UsageError } from '../../../src/errors.js';
import type {
  BalancerContext,
  BalancerSpec,
  ServerLoad,
} from '../../../src/workloads/inference/balancers/balancer.js';
import { LoadBoard } from '../../../src/workloads/inference/balancers/load-board.js';
import {
  BALANCER_NAMES,
  BALANCERS,
  balancer,
} from '../../../src/workloads/inference/balancers/registry.js';
import { defaultSpec } from '../../../src/workloads/inference/balancers/spec.js';

/** A server whose outstanding requests the test sets (all in the queue). */
class FakeServer implements ServerLoad {
  queueLength = 0;
  busyWorkers = 0;
  constructor(readonly workers = 1) {}
}

interface Setup {
  servers?: FakeServer[];
  candidates?: number[];
  staleness?: number;
  rates?: number[];
  homes?: number[][];
  sim?: Simulation;
}

/** A picker over fake servers; device d's home servers are `homes[d]`. */
function pickerOf(spec: BalancerSpec, setup: Setup = {}) {
  const servers = setup.servers ?? [new FakeServer(), new FakeServer(), new FakeServer()];
  const sim = setup.sim ?? new Simulation();
  const board = new LoadBoard(servers, setup.staleness ?? spec.staleness);
  board.start(sim, 1000);
  const context: BalancerContext = {
    servers,
    candidates: setup.candidates ?? servers.map((_, s) => s),
    board,
    stream: () => new RandomStreams(1).stream('balancer', 'test'),
    serviceRatePerS: setup.rates ?? servers.map(() => 1),
    homesOf: (d) => setup.homes?.[d] ?? [],
    oracle: () => 99,
  };
  return { pick: balancer(spec.policy).picker(context, spec), servers, sim };
}

const picks = (pick: (d: number) => number, n: number, d = 0) =>
  Array.from({ length: n }, () => pick(d));

/** Sets each fake server's outstanding requests. */
function setLoads(servers: FakeServer[], loads: number[]): void {
  loads.forEach((jobs, s) => {
    servers[s]!.queueLength = jobs;
  });
}

describe('balancer registry', () => {
  it('lists every balancer, the oracle (the default) first', () => {
    expect(BALANCER_NAMES).toEqual([
      'oracle',
      'round-robin',
      'random',
      'least-outstanding',
      'power-of-d',
      'weighted',
      'nearest',
    ]);
    expect(BALANCER_NAMES).toEqual(Object.keys(BALANCERS));
  });

  it('refuses an unknown name, listing the known ones', () => {
    expect(() => balancer('fastest')).toThrow(UsageError);
    expect(() => balancer('fastest')).toThrow(
      'unknown balancer "fastest"; known balancers: oracle, round-robin, random, least-outstanding, power-of-d, weighted, nearest',
    );
  });
});

describe('round-robin', () => {
  it('takes the candidates in turn from the first, whatever their load', () => {
    const { pick, servers } = pickerOf(defaultSpec('round-robin'), {
      servers: [0, 1, 2, 3].map(() => new FakeServer()),
      candidates: [0, 2, 3],
    });
    setLoads(servers, [0, 0, 50, 0]);
    expect(picks(pick, 7)).toEqual([0, 2, 3, 0, 2, 3, 0]);
  });
});

describe('weighted', () => {
  it("weights 5, 1, 1 give nginx's smooth sequence a a b a c a a, twice", () => {
    // Weights from throughput (5/s, 1/s, 1/s) with one worker each.
    const byRate = pickerOf(defaultSpec('weighted'), { rates: [5, 1, 1] });
    expect(picks(byRate.pick, 14)).toEqual([0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0]);
    // The same weights from workers (5, 1, 1) at equal throughput.
    const byWorkers = pickerOf(defaultSpec('weighted'), {
      servers: [new FakeServer(5), new FakeServer(1), new FakeServer(1)],
    });
    expect(picks(byWorkers.pick, 7)).toEqual([0, 0, 1, 0, 2, 0, 0]);
  });

  it('weights 2, 1 by hand: current weights (2,1) -> a (-1,1); (1,2) -> b (1,-1); (3,0) -> a (0,0)', () => {
    const { pick } = pickerOf(defaultSpec('weighted'), {
      servers: [new FakeServer(), new FakeServer()],
      rates: [2, 1],
    });
    expect(picks(pick, 6)).toEqual([0, 1, 0, 0, 1, 0]);
  });
});

describe('least-outstanding', () => {
  it('takes the fewest requests per worker, the first among equals', () => {
    const servers = [new FakeServer(1), new FakeServer(4), new FakeServer(2)];
    const { pick } = pickerOf(defaultSpec('least-outstanding'), { servers });
    setLoads(servers, [2, 4, 2]); // per worker: 2, 1, 1
    expect(pick(0)).toBe(1);
    setLoads(servers, [0, 4, 0]);
    expect(pick(0)).toBe(0);
  });
});

describe('power-of-d', () => {
  it('samples d distinct servers: with d = n it always finds the least loaded', () => {
    const servers = [1, 2, 3, 4].map(() => new FakeServer());
    const { pick } = pickerOf({ ...defaultSpec('power-of-d'), d: 4 }, { servers });
    setLoads(servers, [3, 5, 0, 2]);
    expect(new Set(picks(pick, 50))).toEqual(new Set([2]));
  });

  it('with d = 2 of 2 servers never picks the busier one (no repeated sample)', () => {
    const servers = [new FakeServer(), new FakeServer()];
    const { pick } = pickerOf(defaultSpec('power-of-d'), { servers });
    setLoads(servers, [1, 0]);
    expect(new Set(picks(pick, 100))).toEqual(new Set([1]));
  });

  it('with d = 2 of 3 the busiest is never picked and the idlest is picked 2/3 of the time', () => {
    // Of the 3 equally likely pairs, the idlest is in 2; the busiest always loses.
    const { pick, servers } = pickerOf(defaultSpec('power-of-d'));
    setLoads(servers, [0, 1, 2]);
    const counts = [0, 0, 0];
    for (const s of picks(pick, 30_000)) counts[s]!++;
    expect(counts[2]).toBe(0);
    expect(counts[0]! / 30_000).toBeCloseTo(2 / 3, 2);
  });

  it('refuses d outside 1..candidates, naming the value', () => {
    expect(() => pickerOf({ ...defaultSpec('power-of-d'), d: 4 })).toThrow(
      'd(=4) must be an integer in 1..3 (the candidate servers)',
    );
  });
});

describe('random', () => {
  it('spreads uniformly over the candidates from its own stream, the same draws each time', () => {
    const counts = [0, 0, 0];
    const first = picks(pickerOf(defaultSpec('random')).pick, 30_000);
    for (const s of first) counts[s]!++;
    for (const c of counts) expect(c / 30_000).toBeCloseTo(1 / 3, 2);
    expect(picks(pickerOf(defaultSpec('random')).pick, 30_000)).toEqual(first);
  });
});

describe('nearest', () => {
  // Device 0's home is server 0; device 1 has none. One worker each, overflow 1.25.
  const setup = () => pickerOf(defaultSpec('nearest'), { homes: [[0], []] });

  it('sends a device home while the home stays within 1.25 x the mean load', () => {
    const { pick, servers } = setup();
    // Idle: capacity ceil(1.25 x 1 x 1/3) = 1 > 0.
    expect(pick(0)).toBe(0);
    // Loads 1, 1, 1: capacity ceil(1.25 x 4/3) = 2 > 1.
    setLoads(servers, [1, 1, 1]);
    expect(pick(0)).toBe(0);
    // Loads 2, 1, 1: capacity ceil(1.25 x 5/3) = 3 > 2.
    setLoads(servers, [2, 1, 1]);
    expect(pick(0)).toBe(0);
  });

  it('overflows to the least loaded server once the home is full', () => {
    const { pick, servers } = setup();
    // Loads 1, 0, 0: capacity ceil(1.25 x 2/3) = 1, not > 1.
    setLoads(servers, [1, 0, 0]);
    expect(pick(0)).toBe(1);
    // Loads 3, 1, 1: capacity ceil(1.25 x 6/3) = 3, not > 3; servers 1 and 2 tie, the first wins.
    setLoads(servers, [3, 1, 1]);
    expect(pick(0)).toBe(1);
    setLoads(servers, [3, 2, 1]);
    expect(pick(0)).toBe(2);
  });

  it('sends a device without a home to the least loaded server', () => {
    const { pick, servers } = setup();
    setLoads(servers, [0, 0, 0]);
    expect(pick(1)).toBe(0);
    setLoads(servers, [1, 2, 0]);
    expect(pick(1)).toBe(2);
  });
});

describe('oracle', () => {
  it("is the context's oracle, whatever the staleness", () => {
    const { pick } = pickerOf({ ...defaultSpec('oracle'), staleness: 5 });
    expect(pick(0)).toBe(99);
  });
});

describe('load board', () => {
  it('with staleness 0 reads the servers now', () => {
    const servers = [new FakeServer(2)];
    const board = new LoadBoard(servers, 0);
    servers[0]!.queueLength = 3;
    servers[0]!.busyWorkers = 2;
    expect(board.outstanding(0)).toBe(5);
    expect(board.load(0)).toBe(2.5);
  });

  it('with staleness T shows the state at the last multiple of T, refreshed before arrivals at that instant', () => {
    const sim = new Simulation();
    const servers = [new FakeServer()];
    const board = new LoadBoard(servers, 2);
    board.start(sim, 7);
    const seen: number[] = [];
    for (const t of [0.5, 1.5, 2, 3, 4, 6.5, 8]) {
      sim.scheduleAt(t, () => {
        seen.push(board.outstanding(0));
        servers[0]!.queueLength++;
      });
    }
    sim.run();
    // Refreshes at 2, 4, 6 (not 8: past untilS); each arrival adds one after looking,
    // so the refresh at 6 sees the 5 arrivals before it, and nothing later is seen.
    expect(seen).toEqual([0, 0, 2, 2, 4, 5, 5]);
    expect(sim.now).toBe(8);
  });

  it('schedules nothing with staleness 0, and refuses a negative staleness', () => {
    const sim = new Simulation();
    new LoadBoard([new FakeServer()], 0).start(sim, 100);
    expect(sim.pending).toBe(0);
    expect(() => new LoadBoard([], -1)).toThrow('stalenessS(=-1) must be a finite number >= 0');
  });
});
