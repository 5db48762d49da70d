import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { md1MeanWaitS, runCheckFile, runScenarioFile } from '../../src/index.js';
import { validateFile } from '../../src/validate.js';
import { writeScenario } from '../plan/mdc.js';
import { md1Scenario, serviceTimeS, temp } from './md1.js';

const RHO = 0.5;
let serviceS = 0;
let waitS = 0;

beforeAll(async () => {
  serviceS = await serviceTimeS();
  waitS = md1MeanWaitS(RHO / serviceS, serviceS); // = S/2 at rho = 0.5
});

/** Checks the M/D/1 scenario (60 s per replication) against an `expect:` block. */
async function check(expect: unknown, dir = temp()) {
  const file = writeScenario(dir, md1Scenario(RHO, serviceS, 60, { expect }));
  return runCheckFile(file, { workers: 1, out: join(dir, 'out') });
}

describe('edgesim check on an M/D/1 edge server (Pollaczek-Khinchine)', () => {
  it('passes the P-K mean wait within 3% over 10 replications', async () => {
    const result = await check({
      replications: 10,
      metrics: { latency_queue_mean_s: { approx: waitS, rel: '3%' } },
    });
    const [e] = result.expectations;
    expect(e?.verdict).toBe('within');
    expect(e?.n).toBe(10);
    expect(e!.ciLow!).toBeLessThanOrEqual(e!.ciHigh!);
  });

  it('fails an expectation 5% above the P-K wait (tolerance 3%)', async () => {
    const result = await check({
      replications: 10,
      metrics: { latency_queue_mean_s: { approx: waitS * 1.05, rel: '3%' } },
    });
    expect(result.expectations[0]?.verdict).toBe('violated');
    expect(result.counts).toEqual({ within: 0, violated: 1, inconclusive: 0 });
  });

  it('is inconclusive on a 0.1% bound with 2 replications', async () => {
    const result = await check({
      replications: 2,
      metrics: { latency_queue_mean_s: { approx: waitS, rel: '0.1%' } },
    });
    expect(result.expectations[0]?.verdict).toBe('inconclusive');
  });

  it('judges bounds with units: a max in ms, a min as a percentage', async () => {
    const result = await check({
      replications: 3,
      metrics: {
        latency_mean_s: { max: '150 ms' },
        slo_attainment: { min: '99%' },
        failed: { max: 0 },
      },
    });
    expect(result.expectations.map((e) => e.verdict)).toEqual(['within', 'within', 'within']);
    expect(result.expectations[0]?.high).toBeCloseTo(0.15, 12);
  });

  it('runs until the intervals are narrow enough, reading earlier runs from the cache', async () => {
    const dir = temp();
    const until = { until: { ciHalfWidth: '2%', min: 2, max: 12 } };
    const first = await check({ ...until, metrics: { latency_mean_s: { max: 1 } } }, dir);
    const e = first.expectations[0]!;
    expect(first.replications).toBeGreaterThanOrEqual(2);
    expect(first.replications).toBeLessThanOrEqual(12);
    expect(e.halfWidth! <= 0.02 * e.mean! || first.replications === 12).toBe(true);
    const again = await check({ ...until, metrics: { latency_mean_s: { max: 1 } } }, dir);
    expect(again.cached).toBe(again.replications);
    expect(again.expectations).toEqual(first.expectations);
  });
});

describe('edgesim check refuses bad input before running', () => {
  async function problems(expectBlock: unknown): Promise<string> {
    const error = await check(expectBlock).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    return (error as InputError).message;
  }

  it('names an unknown metric and lists the known ones, similar first', async () => {
    const message = await problems({ metrics: { latency_p95: { max: 1 } } });
    expect(message).toMatch(/expect\.metrics\.latency_p95: unknown metric "latency_p95"/);
    expect(message).toMatch(/summary\.csv has: latency_\w+/);
    expect(message).toContain('latency_p95_s');
  });

  it('rejects a unit that does not fit the metric, with its path', async () => {
    const message = await problems({ metrics: { latency_p95_s: { max: '150 J' } } });
    expect(message).toMatch(/expect\.metrics\.latency_p95_s\.max: latency_p95_s is in seconds/);
  });

  it('rejects approx without a tolerance', async () => {
    const message = await problems({ metrics: { latency_p95_s: { approx: 0.1 } } });
    expect(message).toMatch(/expect\.metrics\.latency_p95_s: approx needs one tolerance/);
  });
});

describe('the expect: block in a scenario file', () => {
  it('is left out by run and checked by validate', async () => {
    const dir = temp();
    const good = { metrics: { latency_mean_s: { max: '1 s' } } };
    const file = writeScenario(dir, md1Scenario(RHO, serviceS, 2, { expect: good }));
    const run = await runScenarioFile(file, { out: join(dir, 'run') });
    expect(run.tables.summary?.columns).toContain('latency_mean_s');
    expect(validateFile(file).name).toBe('mdc-plan');
    const bad = { metrics: { latency_mean_s: { max: '1 kg' } } };
    const badFile = writeScenario(dir, md1Scenario(RHO, serviceS, 2, { expect: bad }), 'bad.yaml');
    expect(() => validateFile(badFile)).toThrow(/expect\.metrics\.latency_mean_s\.max/);
  });
});
