/**
 * A queueing harness for the balancers: n single-worker BatchingServers
 * (maxBatch 1, exponential service of mean 1 drawn from each server's own
 * stream), Poisson arrivals at rate lambda x n, and the real balancer code
 * picking a server for each arrival. The supermarket model of Mitzenmacher
 * (IEEE TPDS 12(10), 2001) when the balancer is power-of-d.
 */
import { RandomStreams } from '../../../src/engine/random.js';
import { Simulation } from '../../../src/engine/simulation.js';
import type { BalancerSpec } from '../../../src/workloads/inference/balancers/balancer.js';
import { LoadBoard } from '../../../src/workloads/inference/balancers/load-board.js';
import { balancer } from '../../../src/workloads/inference/balancers/registry.js';
import { BatchingServer } from '../../../src/workloads/inference/batching-server.js';

export interface SupermarketRun {
  /** Sojourn (wait + service) of every job arriving after the warm-up, sorted ascending. */
  sojournS: Float64Array;
  /** Time-average jobs per server after the warm-up (sampled at arrivals: Poisson arrivals see time averages). */
  meanJobsPerServer: number;
}

export interface SupermarketOptions {
  servers: number;
  /** Arrival rate per server (= load, service rate 1). */
  lambda: number;
  spec: BalancerSpec;
  /** Arrivals stop then; every job that arrived is served to the end. */
  horizonS: number;
  warmupS: number;
  seed: number;
}

/** Runs the harness once. */
export function runSupermarket(o: SupermarketOptions): SupermarketRun {
  const sim = new Simulation();
  const streams = new RandomStreams(o.seed);
  const servers = Array.from({ length: o.servers }, (_, s) => {
    const service = streams.stream('service', s);
    return new BatchingServer(sim, {
      workers: 1,
      queueCapacity: Number.POSITIVE_INFINITY,
      maxBatch: 1,
      maxWaitS: 0,
      serviceTimeS: () => service.exponential(1),
    });
  });
  const candidates = servers.map((_, s) => s);
  const board = new LoadBoard(servers, o.spec.staleness);
  board.start(sim, o.horizonS);
  const pick = balancer(o.spec.policy).picker(
    {
      servers,
      candidates,
      board,
      stream: () => streams.stream('balancer', 'harness'),
      serviceRatePerS: new Float64Array(o.servers).fill(1),
      homesOf: () => [],
      oracle: () => {
        throw new Error('the harness has no oracle');
      },
    },
    o.spec,
  );
  const arrivals = streams.stream('arrivals');
  const sojourns: number[] = [];
  let jobsSeen = 0;
  let arrivalsSeen = 0;
  const arrive = () => {
    const arrivedS = sim.now;
    const measured = arrivedS >= o.warmupS;
    if (measured) {
      let jobs = 0;
      for (const server of servers) jobs += server.queueLength + server.busyWorkers;
      jobsSeen += jobs;
      arrivalsSeen++;
    }
    servers[pick(0)]!.submit({
      done: () => {
        if (measured) sojourns.push(sim.now - arrivedS);
      },
    });
    const nextS = sim.now + arrivals.exponential(1 / (o.lambda * o.servers));
    if (nextS < o.horizonS) sim.scheduleAt(nextS, arrive);
  };
  sim.schedule(arrivals.exponential(1 / (o.lambda * o.servers)), arrive);
  sim.run();
  return {
    sojournS: Float64Array.from(sojourns).sort(),
    meanJobsPerServer: jobsSeen / arrivalsSeen / o.servers,
  };
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/** The supermarket model's limit (n -> infinity) of mean jobs per server: sum over i >= 1 of lambda^((d^i - 1)/(d - 1)). */
export function supermarketMeanJobs(lambda: number, d: number): number {
  let sum = 0;
  for (let i = 1; ; i++) {
    const term = lambda ** ((d ** i - 1) / (d - 1));
    sum += term;
    if (term < 1e-15) return sum;
  }
}
