import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { compareDirs, runScenarioFile, runSweepFile } from '../../src/index.js';
import { writeScenario } from '../plan/mdc.js';
import { md1Scenario, serviceTimeS, temp } from './md1.js';

let serviceS = 0;
beforeAll(async () => {
  serviceS = await serviceTimeS();
});

/** A sweep of `replications` replications (no swept paths) of the M/D/1 tier; returns its directory. */
async function sweep(
  dir: string,
  name: string,
  options: { seed?: number; workers?: number; rho?: number; replications?: number } = {},
): Promise<string> {
  const scenario = md1Scenario(options.rho ?? 0.5, serviceS, 10, {
    sweep: { replications: options.replications ?? 5 },
    ...(options.workers === undefined
      ? {}
      : { servers: [{ name: 'edge', profile: 'edge-server-t4', workers: options.workers }] }),
  });
  const file = writeScenario(dir, scenario, `${name}.yaml`);
  const out = join(dir, name);
  await runSweepFile(file, { out, workers: 1, ...(options.seed ? { seed: options.seed } : {}) });
  return out;
}

describe('edgesim compare', () => {
  it('reports a run compared with a second run of the same seed as identical, from the manifests', async () => {
    const dir = temp();
    const file = writeScenario(dir, md1Scenario(0.5, serviceS, 5));
    const a = await runScenarioFile(file, { out: join(dir, 'a') });
    const b = await runScenarioFile(file, { out: join(dir, 'b') });
    for (const [x, y] of [
      [a.outDir, a.outDir],
      [a.outDir, b.outDir],
    ] as const) {
      const report = compareDirs(x, y);
      expect(report.identical).toBe(true);
      expect(report.method).toBe('identical');
      expect(report.outcome).toBe('pass');
      expect(report.metrics.length).toBeGreaterThan(20);
      expect(report.metrics.every((m) => m.verdict === 'identical')).toBe(true);
    }
  });

  it('finds every metric the same between two base seeds (5 replications each)', async () => {
    const dir = temp();
    const a = await sweep(dir, 'seed3', { seed: 3 });
    const b = await sweep(dir, 'seed4', { seed: 4 });
    const report = compareDirs(a, b);
    expect(report.identical).toBe(false);
    expect(report.method).toBe('welch');
    const notSame = report.metrics.filter((m) => m.verdict !== 'same');
    expect(notSame).toEqual([]);
    // The seeds did change the draws: the mean wait differs.
    const wait = report.metrics.find((m) => m.metric === 'latency_queue_mean_s')!;
    expect(wait.difference).not.toBe(0);
    expect(report.outcome).toBe('pass');
  });

  it('flags the latency metrics improved with one more edge worker (paired by seed)', async () => {
    const dir = temp();
    const one = await sweep(dir, 'one', { rho: 0.9, workers: 1 });
    const two = await sweep(dir, 'two', { rho: 0.9, workers: 2 });
    const report = compareDirs(one, two);
    expect(report.method).toBe('paired');
    const verdictOf = (metric: string) => report.metrics.find((m) => m.metric === metric)?.verdict;
    for (const metric of [
      'latency_mean_s',
      'latency_p95_s',
      'latency_p99_s',
      'latency_queue_mean_s',
    ])
      expect([metric, verdictOf(metric)]).toEqual([metric, 'improved']);
    // Service time does not depend on the number of workers.
    expect(verdictOf('latency_service_mean_s')).toBe('same');
    // A second worker costs energy and money: those are the only regressions.
    const regressed = report.metrics.filter((m) => m.verdict === 'regressed').map((m) => m.metric);
    expect(regressed).toContain('capex_usd');
    for (const metric of regressed) expect(metric).toMatch(/energy|cost|capex|co2/);
    // The other way round, the latency changes are regressions: exit 1.
    const back = compareDirs(two, one);
    expect(back.metrics.find((m) => m.metric === 'latency_mean_s')?.verdict).toBe('regressed');
    expect(back.outcome).toBe('fail');
  });

  it('refuses a directory that holds no result, naming it', () => {
    const dir = temp();
    expect(() => compareDirs(dir, dir)).toThrow(InputError);
    expect(() => compareDirs(dir, dir)).toThrow(/not an edgesim result/);
    expect(() => compareDirs(join(dir, 'nosuch'), dir)).toThrow(/nosuch: no such directory/);
  });

  it('names an unknown metric asked for and lists the known ones', async () => {
    const dir = temp();
    const a = await sweep(dir, 'a', { replications: 2 });
    const error = (() => {
      try {
        compareDirs(a, a, { metrics: ['latency_p95'] });
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error!.exitCode).toBe(2);
    expect(error!.message).toMatch(/unknown metric "latency_p95"; summary\.csv has: latency_p95_s/);
  });
});
