import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  asFleetScenario,
  type FleetScenarioInput,
  type InferenceTables,
  resolveScenario,
  runInference,
  type Table,
  validateScenario,
} from '../../../src/index.js';
import { percentile } from '../../../src/results/table.js';
import { p95Of } from '../../../src/workloads/inference/latency-breakdown.js';
import { column } from '../../helpers/tables.js';

const FILE = resolve('test/fixtures/inline.yaml');
const COMPONENTS = ['upload', 'queue', 'service', 'download', 'rtt'] as const;

/*
 * A small busy deployment that exercises every stage: phones on one shared
 * LTE cell and cameras on Wi-Fi, a batching T4 behind a shared 50 Mbps
 * ingress and a cloud A100 40 ms away, requests.csv written in full.
 * Least-loaded placement sends requests to both servers, adaptive to the
 * edge and the devices themselves.
 */
function busy(placement: 'least-loaded' | 'adaptive' = 'least-loaded'): FleetScenarioInput {
  return {
    name: 'breakdown',
    duration: '60 s',
    model: { card: 'mobilenet-v2', precision: 'int8' },
    fleet: [
      {
        name: 'phones',
        profile: 'phone-midrange',
        count: 20,
        network: { technology: 'lte', devicesPerCell: 20 },
        arrivals: { kind: 'poisson', rate: '1/s' },
      },
      {
        name: 'cams',
        profile: 'raspberry-pi-4',
        count: 10,
        network: { technology: 'wifi5', devicesPerCell: 10 },
        arrivals: { kind: 'poisson', rate: '2/s' },
      },
    ],
    servers: [
      {
        name: 'edge',
        profile: 'edge-server-t4',
        rtt: '2 ms',
        ingress: '50 Mbps',
        batching: { maxBatch: 4, maxWait: '5 ms' },
      },
      { name: 'cloud', profile: 'cloud-a100', rtt: '40 ms' },
    ],
    workload: {
      inference: { placement, input: '200 kB', output: '2 kB', slo: '300 ms' },
    },
    outputs: { requests: 'always' },
  };
}

function run(input: FleetScenarioInput): InferenceTables {
  return runInference(resolveScenario(asFleetScenario(validateScenario(input, FILE)), FILE), 3);
}

/** The p95 as numpy's default (linear between closest ranks) gives it, by hand. */
function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = 0.95 * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

function cell(table: Table, row: number, name: string): unknown {
  return table.rows[row]![table.columns.indexOf(name)];
}

/** Completed rows of requests.csv, optionally only those where `keep` holds. */
function completedRows(tables: InferenceTables, keep: (row: number) => boolean = () => true) {
  const requests = tables.requests!;
  const outcomes = column(requests, 'outcome');
  return requests.rows.map((_, i) => i).filter((i) => outcomes[i] === 'completed' && keep(i));
}

describe.each([
  { placement: 'least-loaded' as const, ran: ['cloud', 'edge'] },
  { placement: 'adaptive' as const, ran: ['device', 'edge'] },
])('latency breakdown with $placement placement', ({ placement, ran }) => {
  const tables = run(busy(placement));
  const requests = tables.requests!;
  const completed = completedRows(tables);

  it(`runs requests on ${ran.join(' and ')}`, () => {
    const placements = new Set(completed.map((i) => cell(requests, i, 'placement')));
    expect([...placements].sort()).toEqual(ran);
  });

  it("the components add up to each completed request's latency", () => {
    expect(completed.length).toBeGreaterThan(1000);
    for (const i of completed) {
      const sum = COMPONENTS.reduce((s, c) => s + (cell(requests, i, `${c}_s`) as number), 0);
      expect(sum).toBeCloseTo(cell(requests, i, 'latency_s') as number, 12);
    }
  });

  it("each component's p95 and mean in the summary match a sort of requests.csv", () => {
    for (const c of COMPONENTS) {
      const values = completed.map((i) => cell(requests, i, `${c}_s`) as number);
      expect(column(tables.summary, `latency_${c}_p95_s`)[0]).toBe(p95(values));
      expect(column(tables.summary, `latency_${c}_mean_s`)[0]).toBeCloseTo(
        values.reduce((a, b) => a + b, 0) / values.length,
        12,
      );
    }
  });

  it("groups.csv holds each group's own p95s", () => {
    const groupNames = column(tables.groups, 'group');
    groupNames.forEach((name, g) => {
      const rows = completedRows(tables, (i) => cell(requests, i, 'group') === name);
      for (const c of COMPONENTS) {
        const values = rows.map((i) => cell(requests, i, `${c}_s`) as number);
        expect(cell(tables.groups, g, `latency_${c}_p95_s`)).toBe(p95(values));
      }
    });
  });

  it('breakdown.csv holds the p95 per tier: the edge tier is the requests the edge server ran', () => {
    const edgeRows = completedRows(tables, (i) => cell(requests, i, 'placement') === 'edge');
    const b = tables.breakdown;
    for (const c of COMPONENTS) {
      const row = b.rows.findIndex((r) => r[0] === '*' && r[1] === 'edge' && r[2] === c);
      expect(cell(b, row, 'completed')).toBe(edgeRows.length);
      expect(cell(b, row, 'p95_s')).toBe(
        p95(edgeRows.map((i) => cell(requests, i, `${c}_s`) as number)),
      );
    }
  });

  it('the bottleneck is the largest mean over the p95 tail, and the tail shares add up to 1', () => {
    const latencies = completed.map((i) => cell(requests, i, 'latency_s') as number);
    const threshold = p95(latencies);
    const tail = completed.filter((i) => (cell(requests, i, 'latency_s') as number) >= threshold);
    const tailMeans = COMPONENTS.map(
      (c) => tail.reduce((s, i) => s + (cell(requests, i, `${c}_s`) as number), 0) / tail.length,
    );
    const largest = COMPONENTS[tailMeans.indexOf(Math.max(...tailMeans))];
    expect(column(tables.summary, 'bottleneck')[0]).toBe(largest);
    const b = tables.breakdown;
    const shares = b.rows
      .filter((r) => r[0] === '*' && r[1] === '*')
      .map((r) => r[b.columns.indexOf('p95_tail_share')] as number);
    expect(shares.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 12);
  });
});

describe('bottleneck and utilisation', () => {
  it('names the LTE uplink the bottleneck when 2 MB inputs crowd one cell', () => {
    // 20 phones x 0.2/s x 16 Mbit = 64 Mbit/s offered: far beyond an LTE uplink, so uploads queue.
    const input = busy();
    input.fleet = [{ ...input.fleet[0]!, arrivals: { kind: 'poisson', rate: '0.2/s' } }];
    input.workload = {
      inference: { placement: 'edge', input: '2 MB', output: '2 kB', slo: '300 ms' },
    };
    expect(column(run(input).summary, 'bottleneck')[0]).toBe('upload');
  });

  it('names the queue the bottleneck when one worker serves more than it can', () => {
    // ResNet-50 on one fp32 T4 worker without batching takes milliseconds per request; 400 req/s swamp it.
    const input = busy();
    input.model = { card: 'resnet-50', precision: 'fp32' };
    input.fleet = [
      {
        name: 'cams',
        profile: 'raspberry-pi-4',
        count: 400,
        network: { technology: 'ethernet' },
        arrivals: { kind: 'poisson', rate: '1/s' },
      },
    ];
    input.servers = [{ name: 'edge', profile: 'edge-server-t4', rtt: '2 ms' }];
    input.duration = '10 s';
    input.workload = {
      inference: { placement: 'edge', input: '10 kB', output: '1 kB', slo: '300 ms' },
    };
    const summary = run(input).summary;
    expect(column(summary, 'bottleneck')[0]).toBe('queue');
  });

  it('utilisation per tier averages over the servers listed in that tier; server_utilisation over all listed', () => {
    const tables = run(busy());
    const servers = tables.servers;
    const tiers = column(servers, 'tier');
    const busyS = column(servers, 'busy_worker_s') as number[];
    const workers = column(servers, 'workers') as number[];
    const endS = column(tables.summary, 'end_s')[0] as number;
    for (const tier of ['edge', 'cloud']) {
      const i = tiers.indexOf(tier);
      expect(column(tables.summary, `utilisation_${tier}`)[0]).toBeCloseTo(
        busyS[i]! / (workers[i]! * endS),
        12,
      );
    }
    const workerS = workers.reduce((sum, w) => sum + w * endS, 0);
    expect(column(tables.summary, 'server_utilisation')[0]).toBeCloseTo(
      busyS.reduce((a, b) => a + b, 0) / workerS,
      12,
    );
  });
});

describe('p95Of', () => {
  it('equals the percentile of the sorted values to the bit, with and without ties', () => {
    // A deterministic scramble (Weyl sequence) with heavy ties: values 0..49 repeated.
    for (const n of [1, 2, 3, 20, 21, 1000, 4097]) {
      const distinct = Float64Array.from({ length: n }, (_, i) => ((i * 0.6180339887) % 1) * 7);
      const tied = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 50);
      for (const values of [distinct, tied]) {
        const before = values.slice();
        expect(p95Of(values)).toBe(percentile(values.slice().sort(), 95));
        expect(p95Of(values, new Float64Array(n + 3))).toBe(percentile(values.slice().sort(), 95));
        expect(values).toEqual(before);
      }
    }
  });
});
