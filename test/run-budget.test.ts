import { afterEach, describe, expect, it, vi } from 'vitest';
import { Simulation } from '../src/engine/simulation.js';
import { UsageError } from '../src/errors.js';
import { type PreparedRun, prepareRun, prepareScenario, runScenario } from '../src/run.js';
import {
  BYTES_PER_BATCH_SLOT,
  BYTES_PER_CLIENT,
  BYTES_PER_DEVICE,
  BYTES_PER_REQUEST,
  checkRunBudget,
  EVENTS_PER_CLIENT_ROUND,
  EVENTS_PER_REQUEST,
  estimateRun,
  FEDERATED_BASE_BYTES,
} from '../src/run-budget.js';
import { validateScenario } from '../src/workloads/scenario.js';

/** 100 Raspberry Pis on Ethernet asking 2/s each for 600 s, served by one T4 (4 workers, batches of 8). */
function fleet(overrides: Record<string, unknown> = {}, group: Record<string, unknown> = {}) {
  return {
    name: 'budget',
    duration: 600,
    model: { card: 'mobilenet-v2', precision: 'int8' },
    fleet: [
      {
        name: 'pis',
        profile: 'raspberry-pi-4',
        count: 100,
        network: { technology: 'ethernet' },
        arrivals: { kind: 'poisson', rate: 2 },
        ...group,
      },
    ],
    servers: [
      {
        name: 'edge',
        profile: 'edge-server-t4',
        workers: 4,
        batching: { maxBatch: 8, maxWait: 0.002 },
      },
    ],
    workload: { inference: { placement: 'edge', input: 50_000, output: 1000, slo: 0.2 } },
    outputs: { requests: 'never', devices: 'never' },
    ...overrides,
  };
}

function prepared(scenario: object): PreparedRun {
  const file = 'budget.yaml';
  return prepareRun(validateScenario(scenario, file), file);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('estimateRun', () => {
  it('100 devices x 2/s x 600 s: 120,000 requests, 8 events each, 100 first arrivals', () => {
    const estimate = estimateRun(prepared(fleet()));
    expect(EVENTS_PER_REQUEST).toBe(8);
    expect(estimate.events).toBeCloseTo(8 * 120_000 + 100, 6); // 960,100
    // 100 devices x 1,500 B + 120,000 requests x 32 B + 4 workers x 8 slots x 16 B.
    expect(estimate.memoryBytes).toBeCloseTo(
      100 * BYTES_PER_DEVICE + 120_000 * BYTES_PER_REQUEST + 4 * 8 * BYTES_PER_BATCH_SLOT,
      6,
    );
    expect(estimate.memoryBytes).toBeCloseTo(3_990_512, 6);
    expect(estimate.explanation).toBe('100 devices for 600 s, about 120,000 requests');
  });

  it('is an upper bound within 2.5x of the events the run fires', () => {
    const run = prepared(fleet());
    let fired = 0;
    const original = Simulation.prototype.run;
    const spy = vi.spyOn(Simulation.prototype, 'run').mockImplementation(function (
      this: Simulation,
      ...args: Parameters<Simulation['run']>
    ) {
      const before = this.eventsFired;
      const reason = original.apply(this, args);
      fired += this.eventsFired - before;
      return reason;
    });
    if (run.kind !== 'inference') throw new Error('expected an inference run');
    runScenario(run.resolved, 1);
    spy.mockRestore(); // the unit project shares modules between files (isolate: false)
    const { events } = estimateRun(run);
    expect(fired).toBeGreaterThan(120_000); // at least one event per request
    expect(events).toBeGreaterThanOrEqual(fired);
    expect(events).toBeLessThanOrEqual(2.5 * fired);
  }, 60_000);

  it('adds availability and failure changes: 60 devices, on 20 min / off 5 min, for 600 s', () => {
    const group = {
      count: 60,
      arrivals: { kind: 'poisson', rate: 0.5 },
      availability: { kind: 'markov', meanOn: 1200, meanOff: 300 },
      failures: { mtbf: 172_800, mttr: 1800 },
    };
    const { events } = estimateRun(prepared(fleet({}, group)));
    // 60 x 0.5/s x 600 s = 18,000 requests; each device changes state 2 x 600 / 1,500 = 0.8
    // times by availability and 2 x 600 / 174,600 by failures.
    const changes = 60 * (0.8 + 1200 / 174_600);
    expect(events).toBeCloseTo(8 * 18_000 + 60 + changes, 6);
  });

  it('reads the mean rate of MMPP and periodic arrivals from their models', () => {
    // MMPP: (2/s x 30 s + 0.1/s x 120 s) / 150 s = 0.48/s; periodic every 4 s: 0.25/s.
    const mmpp = {
      kind: 'mmpp',
      states: [
        { rate: 2, meanDuration: 30 },
        { rate: 0.1, meanDuration: 120 },
      ],
    };
    const requests = (arrivals: object) =>
      (estimateRun(prepared(fleet({}, { arrivals }))).events - 100) / EVENTS_PER_REQUEST;
    expect(requests(mmpp)).toBeCloseTo(100 * 0.48 * 600, 6);
    expect(requests({ kind: 'periodic', interval: 4 })).toBeCloseTo(100 * 0.25 * 600, 6);
  });

  it('counts kept request rows: requests.csv always on 120,000 requests', () => {
    const without = estimateRun(prepared(fleet())).memoryBytes;
    const outputs = { requests: 'always', devices: 'never' };
    const withRows = estimateRun(prepared(fleet({ outputs }))).memoryBytes;
    expect(withRows - without).toBeCloseTo(120_000 * 800, 3);
  });

  it('federated: fl-1m selects ceil(1000 x 1.2) clients in each of 100 rounds', () => {
    const { prepared: run } = prepareScenario('scenarios/fl-1m.yaml');
    const estimate = estimateRun(run);
    expect(estimate.events).toBe(EVENTS_PER_CLIENT_ROUND * 100 * 1200);
    expect(estimate.memoryBytes).toBe(FEDERATED_BASE_BYTES + BYTES_PER_CLIENT * 1_000_000);
  });
});

describe('checkRunBudget', () => {
  const huge = () =>
    prepared(
      fleet({ duration: 3600 }, { count: 1_000_000, arrivals: { kind: 'poisson', rate: 1000 } }),
    );

  it('refuses 1,000,000 devices x 1,000/s for an hour, giving the estimate and --force', () => {
    // 3.6e12 requests x 8 = 2.88e13 events, past the 2e9 limit.
    const attempt = () => checkRunBudget(huge());
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(/estimated at 2\.88e13 events, above the limit of 2\.00e9/);
    expect(attempt).toThrow(/use --force to run anyway$/);
  });

  it('lets a forced run through and returns its estimate', () => {
    expect(checkRunBudget(huge(), { force: true }).events).toBeCloseTo(2.88e13 + 1e6, -6);
  });

  it('refuses memory above 75% of the heap limit', () => {
    const run = prepared(fleet()); // 3,990,512 bytes: 75% of 5.32 MB
    expect(() => checkRunBudget(run, { heapLimitBytes: 5.3e6 })).toThrow(
      /4 MB of memory, above 75% of the 5 MB heap limit/,
    );
    expect(checkRunBudget(run, { heapLimitBytes: 5.33e6 }).memoryBytes).toBeCloseTo(3_990_512, 6);
  });

  it('passes every shipped fleet scenario at the default heap limit', () => {
    for (const file of ['quickstart', 'fleet-10k', 'fleet-1m', 'fl-1m']) {
      const { prepared: run } = prepareScenario(`scenarios/${file}.yaml`);
      expect(() => checkRunBudget(run, { heapLimitBytes: 4144 * 2 ** 20 })).not.toThrow();
    }
  });
});
