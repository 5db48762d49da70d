import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
import { expectInputError } from '../../helpers/input-error.js';
import { column } from '../../helpers/tables.js';

const FILE = resolve('test/fixtures/inline.yaml');
const DIR = mkdtempSync(join(tmpdir(), 'edgesim-slo-'));

/** An arrival trace file holding `times` (s). */
function trace(name: string, times: number[]): string {
  const file = join(DIR, name);
  writeFileSync(file, `${times.join('\n')}\n`);
  return file;
}

function run(input: FleetScenarioInput, seed = 1): InferenceTables {
  return runInference(resolveScenario(asFleetScenario(validateScenario(input, FILE)), FILE), seed);
}

function value(table: Table, name: string): number {
  return column(table, name)[0] as number;
}

describe('slo_attainment', () => {
  it('counts failed requests as misses: 4 at once, one worker, a queue of 1, gives 2 of 4', () => {
    // The four uploads share the device's link and reach the server together: the first
    // starts service, the second waits in the one queue slot, the last two find it full.
    // Both served meet the 10 s SLO: attainment 2/4 = 0.5, violation rate 0/2 = 0.
    const tables = run({
      name: 'slo',
      duration: '10 s',
      model: { card: 'mobilenet-v2', precision: 'int8' },
      fleet: [
        {
          name: 'cam',
          profile: 'raspberry-pi-4',
          count: 1,
          network: { technology: 'ethernet' },
          arrivals: { kind: 'trace', file: trace('burst.txt', [1, 1, 1, 1]) },
        },
      ],
      servers: [{ name: 'edge', profile: 'edge-server-t4', queueCapacity: 1 }],
      workload: { inference: { placement: 'edge', input: '10 kB', output: '1 kB', slo: '10 s' } },
    });
    expect(value(tables.summary, 'requests')).toBe(4);
    expect(value(tables.summary, 'failed_queue_full')).toBe(2);
    expect(value(tables.summary, 'slo_violation_rate')).toBe(0);
    expect(value(tables.summary, 'slo_attainment')).toBe(0.5);
  });

  it('counts completed requests slower than the SLO as misses too', () => {
    const tables = run(busy());
    const latencies = column(tables.requests, 'latency_s') as number[];
    const outcomes = column(tables.requests, 'outcome');
    const met = latencies.filter((l, i) => outcomes[i] === 'completed' && l <= 0.02).length;
    expect(met).toBeLessThan(latencies.length);
    expect(value(tables.summary, 'slo_attainment')).toBe(met / latencies.length);
  });
});

/**
 * 30 cameras sending 33/s each to one T4 for 20 s: busy enough that the queue
 * builds up from empty, so the first seconds differ from the rest.
 */
function busy(warmup?: string): FleetScenarioInput {
  return {
    name: 'warm',
    duration: '20 s',
    ...(warmup === undefined ? {} : { warmup }),
    model: { card: 'resnet-50', precision: 'int8' },
    fleet: [
      {
        name: 'cams',
        profile: 'raspberry-pi-4',
        count: 30,
        network: { technology: 'wifi5', devicesPerCell: 30 },
        arrivals: { kind: 'poisson', rate: '33/s' },
      },
    ],
    servers: [{ name: 'edge', profile: 'edge-server-t4', queueCapacity: 50, rtt: '2 ms' }],
    workload: {
      inference: { placement: 'edge', input: '10 kB', output: '1 kB', slo: '20 ms' },
    },
    outputs: { requests: 'always' },
  };
}

/** numpy-default percentile (linear between closest ranks), by hand. */
function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = 0.95 * (sorted.length - 1);
  const low = Math.floor(rank);
  return (
    sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (rank - low)
  );
}

describe('warm-up', () => {
  it('excludes a request arriving before it and keeps one arriving exactly at it', () => {
    // Arrivals at 1, 2, ..., 10 s; warm-up 5 s: the requests of 5..10 s count, 6 of them.
    const input: FleetScenarioInput = {
      name: 'boundary',
      duration: '11 s',
      warmup: '5 s',
      model: { card: 'mobilenet-v2', precision: 'int8' },
      fleet: [
        {
          name: 'cam',
          profile: 'raspberry-pi-4',
          count: 1,
          network: { technology: 'ethernet' },
          arrivals: { kind: 'trace', file: trace('ticks.txt', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) },
        },
      ],
      servers: [{ name: 'edge', profile: 'edge-server-t4' }],
      workload: { inference: { placement: 'edge', input: '10 kB', output: '1 kB', slo: '1 s' } },
      outputs: { requests: 'always' },
    };
    const tables = run(input);
    expect(value(tables.summary, 'requests')).toBe(6);
    expect(column(tables.requests, 'arrival_s')).toEqual([5, 6, 7, 8, 9, 10]);
    // throughput over the 11 - 5 = 6 s measured: 6 / 6 = 1/s
    expect(value(tables.summary, 'throughput_per_s')).toBe(1);
  });

  it('gives exactly the statistics of the requests arriving after it, and leaves the run unchanged', () => {
    const whole = run(busy());
    const warmed = run(busy('5 s'));
    const requests = whole.requests!;
    const arrivals = column(requests, 'arrival_s') as number[];
    const outcomes = column(requests, 'outcome');
    const latencies = column(requests, 'latency_s') as number[];
    const after = arrivals.map((_, i) => i).filter((i) => arrivals[i]! >= 5);
    const completed = after.filter((i) => outcomes[i] === 'completed');
    const completedLatencies = completed.map((i) => latencies[i]!);

    // The warm-up changes what is reported, not what happens.
    expect(warmed.requests!.rows).toEqual(after.map((i) => requests.rows[i]));
    expect(value(warmed.summary, 'energy_devices_j')).toBe(
      value(whole.summary, 'energy_devices_j'),
    );
    expect(value(warmed.summary, 'end_s')).toBe(value(whole.summary, 'end_s'));

    expect(value(warmed.summary, 'requests')).toBe(after.length);
    expect(value(warmed.summary, 'completed')).toBe(completed.length);
    expect(value(warmed.summary, 'latency_p95_s')).toBe(p95(completedLatencies));
    expect(value(warmed.summary, 'slo_attainment')).toBe(
      completedLatencies.filter((l) => l <= 0.02).length / after.length,
    );
    // Energy covers the whole run, so per inference it is energy per second over measured inferences per second.
    const endS = value(warmed.summary, 'end_s');
    expect(value(warmed.summary, 'energy_per_inference_j')).toBeCloseTo(
      value(warmed.summary, 'energy_devices_j') / endS / (completed.length / (endS - 5)),
      9,
    );
    // The transient is real: the p95 with and without the first 5 s differ.
    expect(value(warmed.summary, 'latency_p95_s')).not.toBe(value(whole.summary, 'latency_p95_s'));
  });

  it('must end before the duration', () => {
    const error = expectInputError(() => validateScenario(busy('20 s'), FILE));
    expect(error.problems).toEqual([
      expect.objectContaining({
        path: 'warmup',
        message: expect.stringMatching(/must end before duration/),
      }),
    ]);
  });
});
