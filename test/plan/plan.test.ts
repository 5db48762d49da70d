import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  mmcMeanWaitS,
  prepareRun,
  runPlanFile,
  runPrepared,
  studentTQuantile,
  validateScenario,
} from '../../src/index.js';
import { expectInputErrorAsync } from '../helpers/input-error.js';
import { mdcScenario, SENSORS, writeScenario } from './mdc.js';

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'edgesim-plan-'));
}

/** Offered load of the M/D/c case, Erlangs. */
const LOAD = 6;

/**
 * The fixed part of a request's latency (upload, download, link latency)
 * and the service time S, from one short run with a worker per request:
 * every request's service_s is S, and nothing waits.
 */
async function measureTimes(): Promise<{ fixedS: number; serviceS: number }> {
  const scenario = validateScenario(
    {
      ...mdcScenario(1, undefined, 2),
      servers: [{ name: 'edge', profile: 'edge-server-t4', workers: 64 }],
    },
    'mdc',
  );
  const { tables } = await runPrepared(prepareRun(scenario, 'mdc'), 1);
  const requests = tables.requests!;
  const col = (name: string) => requests.columns.indexOf(name);
  const row = requests.rows[0]!;
  const serviceS = row[col('service_s')] as number;
  const latencyS = row[col('latency_s')] as number;
  for (const r of requests.rows) expect(r[col('service_s')]).toBe(serviceS);
  return { fixedS: latencyS - serviceS, serviceS };
}

describe('Student t quantiles', () => {
  it('match the two-sided 95% table values (NIST/SEMATECH e-Handbook, table 1.3.6.7.2)', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776, 3);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042, 3);
    expect(studentTQuantile(0.95, 9)).toBeCloseTo(1.833, 3);
  });
});

describe('edgesim plan on an M/D/c edge tier', () => {
  it('finds the fewest workers meeting a mean-wait bound with at most ceil(log2(n + 1)) evaluations', async () => {
    const { fixedS, serviceS } = await measureTimes();
    const lambda = LOAD / serviceS;
    // Known answer: W(M/D/c) <= W(M/M/c) (deterministic service waits less), and
    // W(M/D/c) >= W(M/M/c) / 2 (equality for c = 1, Pollaczek-Khinchine; the ratio
    // rises towards 1 with c: Cosmetatos 1976, refined by Kimura, JORS 42(7) 1991).
    // A bound between W_MMc(c*) and W_MMc(c* - 1) / 2 has c* as its answer.
    const mu = 1 / serviceS;
    const answer = 8;
    const upper = mmcMeanWaitS(answer, lambda, mu);
    const lower = mmcMeanWaitS(answer - 1, lambda, mu) / 2;
    expect(upper).toBeLessThan(lower);
    const boundS = Math.sqrt(upper * lower); // 1.6e-4 s, ~30% from either side
    const plan = {
      variables: { 'servers[0].workers': { min: 1, max: 64, monotone: 'increasing' } },
      constraints: [{ metric: 'latency_mean_s', op: '<=', bound: fixedS + serviceS + boundS }],
      objective: { minimise: 'energy_servers_j' },
      replications: { min: 2, max: 4 },
    };
    const dir = temp();
    const file = writeScenario(dir, mdcScenario(lambda / SENSORS, plan));
    const outcome = await runPlanFile(file, { workers: 1, out: join(dir, 'out') });
    expect(outcome.chosen?.values).toEqual({ 'servers[0].workers': answer });
    expect(outcome.evaluated).toBeLessThanOrEqual(Math.ceil(Math.log2(64 + 1)));
    expect(outcome.evaluationsPerBranch).toEqual([outcome.evaluated]);
    expect(outcome.chosen?.binding?.metric).toBe('latency_mean_s');
    const chosen = JSON.parse(readFileSync(join(dir, 'out', 'chosen.json'), 'utf8'));
    expect(chosen.servers[0].workers).toBe(answer);
    expect(chosen.plan).toBeUndefined();
    const front = JSON.parse(
      readFileSync(join(dir, 'out', 'report', 'plan-front.vl.json'), 'utf8'),
    );
    expect(front.layer[2].data.values).toEqual([{ bound: fixedS + serviceS + boundS }]);
    expect(front.layer[3].data.values.map((p: { config: number }) => p.config)).toHaveLength(1);
  });
});

describe('plan outputs', () => {
  it('are the same bytes on a second run, which reads every run from the cache', async () => {
    const plan = {
      variables: { 'servers[0].workers': { values: [1, 2, 3, 4], monotone: 'increasing' } },
      constraints: [{ metric: 'latency_p95_s', op: '<=', bound: '5 ms', confidence: '90%' }],
      objective: { minimise: 'energy_servers_j' },
    };
    const dir = temp();
    const file = writeScenario(dir, mdcScenario(10, plan, 5));
    const out = join(dir, 'out');
    const first = await runPlanFile(file, { workers: 1, out });
    const csv = readFileSync(join(out, 'plan.csv'), 'utf8');
    const json = readFileSync(join(out, 'plan.json'), 'utf8');
    const second = await runPlanFile(file, { workers: 1, out });
    expect(second.cached).toBe(first.runs);
    expect(readFileSync(join(out, 'plan.csv'), 'utf8')).toBe(csv);
    expect(readFileSync(join(out, 'plan.json'), 'utf8')).toBe(json);
  });
});

describe('an objective may be a ratio of two summary columns', () => {
  it('maximises completed requests per server joule, per replication', async () => {
    const plan = {
      variables: { 'servers[0].workers': { values: [1, 2, 4] } },
      objective: { maximise: 'completed/energy_servers_j' },
      replications: { min: 1, max: 1 },
    };
    const dir = temp();
    const file = writeScenario(dir, mdcScenario(10, plan, 5));
    const outcome = await runPlanFile(file, { workers: 1, out: join(dir, 'out') });
    // Same requests served; fewer workers draw less idle power.
    expect(outcome.chosen?.values).toEqual({ 'servers[0].workers': 1 });
    const [header, ...rows] = readFileSync(join(dir, 'out', 'plan.csv'), 'utf8')
      .trim()
      .split('\n');
    const column = header!.split(',').indexOf('completed / energy_servers_j');
    expect(column).toBeGreaterThan(0);
    const ratios = rows.map((r) => Number(r.split(',')[column]));
    expect(ratios[0]).toBeGreaterThan(ratios[1]!);
    expect(ratios[1]).toBeGreaterThan(ratios[2]!);
  });
});

describe('bad plan input is rejected with the path and what was expected', () => {
  const good = {
    variables: { 'servers[0].workers': { min: 1, max: 4, monotone: 'increasing' } },
    constraints: [{ metric: 'latency_p95_s', op: '<=', bound: '150 ms' }],
    objective: { minimise: 'energy_servers_j' },
  };
  async function problems(plan: unknown) {
    const dir = temp();
    const file = writeScenario(dir, mdcScenario(1, plan, 5));
    const error = await expectInputErrorAsync(() =>
      runPlanFile(file, { workers: 1, out: join(dir, 'out') }),
    );
    return error.problems;
  }

  it('an objective naming an unknown metric', async () => {
    const [problem] = await problems({
      ...good,
      objective: { minimise: 'cost_per_fortnight_usd' },
    });
    expect(problem?.path).toBe('plan.objective.minimise');
    expect(problem?.message).toMatch(
      /unknown metric "cost_per_fortnight_usd": expected one of the \d+ columns of this scenario's summary.csv; similar: .*total_cost_usd/,
    );
  });

  it('a constraint whose unit does not fit its metric', async () => {
    const [problem] = await problems({
      ...good,
      constraints: [{ metric: 'latency_p95_s', op: '<=', bound: '5 W' }],
    });
    expect(problem?.path).toBe('plan.constraints[0].bound');
    expect(problem?.message).toMatch(
      /latency_p95_s is in seconds .*expected a duration.*"5 W", which is a power/,
    );
  });

  it('a variable path that does not exist', async () => {
    const [problem] = await problems({
      ...good,
      variables: { 'servers[3].workers': { min: 1, max: 2 } },
    });
    expect(problem?.path).toBe('plan.variables.servers[3].workers');
    expect(problem?.message).toMatch(/path does not exist/);
  });

  it('an empty search space', async () => {
    const [problem] = await problems({
      ...good,
      variables: { 'servers[0].workers': { min: 4, max: 1 } },
    });
    expect(problem?.path).toBe('plan.variables.servers[0].workers.max');
    expect(problem?.message).toMatch(/empty range: max\(=1\) is below min\(=4\)/);
    const [list] = await problems({ ...good, variables: { 'servers[0].workers': { values: [] } } });
    expect(list?.path).toBe('plan.variables.servers[0].workers.values');
    expect(list?.message).toMatch(/empty list/);
  });

  it('a value the scenario does not accept', async () => {
    const [problem] = await problems({
      ...good,
      variables: { 'servers[0].workers': { values: [2, 0] } },
    });
    expect(problem?.path).toBe('plan.variables.servers[0].workers');
    expect(problem?.message).toMatch(/value 0 does not fit servers\[0\].workers/);
  });

  it('a value that does not resolve: a software stack the profile never measured', async () => {
    const found = await problems({
      ...good,
      variables: { 'servers[0].stack': { values: ['TensorRT 7.2', 'TensorRT 9'] } },
    });
    expect(found.map((p) => p.path)).toEqual(['plan.variables.servers[0].stack']);
    expect(found[0]?.message).toMatch(
      /value "TensorRT 9" does not fit servers\[0\].stack: hardware profile "edge-server-t4" has no measurements of software stack "TensorRT 9"/,
    );
  });
});
