/**
 * The load balancers' cost per request (#20): the `edge` placement's chooser,
 * as a run makes it, called once per request on 16 edge servers holding
 * 0..15 requests each, for each balancer. The balancers allocate nothing per
 * request; the oracle's expected-latency scan is the reference.
 */
import {
  asFleetScenario,
  BatchingServer,
  buildCells,
  Fleet,
  RandomStreams,
  resolveScenario,
  Simulation,
  validateScenario,
} from '../index.js';
import {
  type ChooseTarget,
  type PlacementView,
  placementPolicy,
} from '../workloads/inference/placement.js';
import type { BenchCase } from './harness.js';

/** Calls of the chooser per case run. */
const REQUESTS = 1_000_000;
const SERVERS = 16;
const DEVICES = 1000;
const CELLS = 8;

/** A scenario of DEVICES cameras on CELLS Wi-Fi cells and SERVERS T4 edge servers, server i home to cell i mod CELLS. */
function scenario(balancer: unknown) {
  return {
    name: 'balancers-bench',
    duration: '1 h',
    model: { card: 'mobilenet-v2', precision: 'int8' },
    fleet: Array.from({ length: CELLS }, (_, c) => ({
      name: `cams-${c}`,
      profile: 'raspberry-pi-4',
      count: DEVICES / CELLS,
      network: { technology: 'wifi5' },
      arrivals: { kind: 'poisson', rate: '1/s' },
    })),
    servers: Array.from({ length: SERVERS }, (_, s) => ({
      name: `edge-${s}`,
      profile: 'edge-server-t4',
      workers: 1 + (s % 3),
      near: [`cams-${s % CELLS}`],
    })),
    workload: {
      inference: {
        placement: { policy: 'edge', balancer },
        input: '150 kB',
        output: '2 kB',
        slo: '100 ms',
      },
    },
  };
}

/**
 * The edge chooser of a run of `scenario(balancer)`, built as run.ts builds
 * it, with server s holding s requests (the clock never moves, so the state
 * the chooser reads stays put).
 */
function chooserOf(balancer: unknown): ChooseTarget {
  const file = 'balancers-bench.yaml';
  const resolved = resolveScenario(
    asFleetScenario(validateScenario(scenario(balancer), file)),
    file,
  );
  const sim = new Simulation();
  const streams = new RandomStreams(1);
  const fleet = new Fleet(sim, streams, resolved.groups, { baseDir: '.', radio: resolved.radio });
  const { cells, cellOf } = buildCells(sim, resolved.scenario, '.');
  const servers = resolved.servers.map(
    (s) =>
      new BatchingServer(sim, {
        workers: s.spec.workers,
        queueCapacity: Number.POSITIVE_INFINITY,
        maxBatch: 1,
        maxWaitS: 0,
        serviceTimeS: () => 1,
      }),
  );
  servers.forEach((server, s) => {
    for (let k = 0; k < s; k++) server.submit({ done: () => {} });
  });
  const view: PlacementView = {
    sim,
    streams,
    resolved,
    fleet,
    cells,
    cellOf,
    servers,
    localTimeS: () => undefined,
    localBacklog: () => 0,
    uploadBits: 150e3 * 8,
    downloadBits: 2e3 * 8,
  };
  return placementPolicy('edge').chooser(view, 'latency');
}

/** A case timing REQUESTS calls of the chooser of `balancer`, made once outside the timed work. */
function chooserCase(label: string, balancer: unknown): BenchCase {
  let choose: ChooseTarget | undefined;
  return {
    name: `balancers: ${label}, ${SERVERS} edge servers, per request`,
    run: () => {
      choose ??= chooserOf(balancer);
      let sum = 0;
      for (let i = 0; i < REQUESTS; i++) sum += choose(i % DEVICES);
      if (sum < 0) throw new Error('unreachable: keeps the calls alive');
      return REQUESTS;
    },
    unit: 'requests',
  };
}

export const balancerCases: BenchCase[] = [
  chooserCase('oracle (default)', undefined),
  chooserCase('round-robin', 'round-robin'),
  chooserCase('random', 'random'),
  chooserCase('least-outstanding', 'least-outstanding'),
  chooserCase('least-outstanding, staleness 100 ms', {
    policy: 'least-outstanding',
    staleness: 0.1,
  }),
  chooserCase('power-of-d (d = 2)', 'power-of-d'),
  chooserCase('weighted', 'weighted'),
  chooserCase('nearest', 'nearest'),
];
