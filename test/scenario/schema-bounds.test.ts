import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, type InputProblem } from '../../src/errors.js';
import { readMergedScenario } from '../../src/scenario/load.js';
import { resolveInference } from '../../src/workloads/inference/resolve.js';
import { asFleetScenario, loadScenario, validateScenario } from '../../src/workloads/scenario.js';

// biome-ignore lint/suspicious/noExplicitAny: tests edit scenario data freely
type Raw = Record<string, any>;

/** A fresh copy of a shipped or fixture scenario as data (extends merged). */
function raw(file: string): Raw {
  return structuredClone(readMergedScenario(file)) as Raw;
}

/** The problems validating `scenario` reports (none: []). */
function problemsOf(scenario: Raw): InputProblem[] {
  try {
    validateScenario(scenario, 'bounds.yaml');
    return [];
  } catch (error) {
    if (error instanceof InputError) return [...error.problems];
    throw error;
  }
}

/** The one problem at `path`; fails when there is none. */
function problemAt(scenario: Raw, path: string): InputProblem {
  const problems = problemsOf(scenario);
  const found = problems.find((p) => p.path === path);
  if (found === undefined) {
    throw new Error(`no problem at ${path}; got ${JSON.stringify(problems)}`);
  }
  return found;
}

const quickstart = () => raw('scenarios/quickstart.yaml');
const TEN_YEARS_S = 10 * 8760 * 3600;

describe('fleet scenario bounds', () => {
  it('refuses maxBatch above 1024 before the roofline table is allocated', () => {
    const scenario = quickstart();
    scenario.servers[0].batching.maxBatch = 1_000_000_000_000;
    expect(problemAt(scenario, 'servers[0].batching.maxBatch').message).toMatch(/<=1024/);
  });

  it('tabulates the roofline for every batch size up to the largest allowed', () => {
    const scenario = quickstart();
    scenario.servers[0].batching.maxBatch = 1024;
    const fleet = asFleetScenario(validateScenario(scenario, 'bounds.yaml'));
    const resolved = resolveInference(fleet, resolve('scenarios/quickstart.yaml'));
    // Index = batch size, 0 unused: 1025 entries, each a positive time.
    expect(resolved.servers[0]!.batchTimeS.length).toBe(1025);
    expect(resolved.servers[0]!.batchTimeS[1024]).toBeGreaterThan(0);
  });

  it('refuses a group of 1e12 devices', () => {
    const scenario = quickstart();
    scenario.fleet[0].count = 1e12;
    expect(problemAt(scenario, 'fleet[0].count').message).toMatch(/<=10000000/);
  });

  it('refuses 12,000,000 devices in all though each group is within the cap', () => {
    const scenario = quickstart();
    scenario.fleet[0].count = 6_000_000;
    scenario.fleet[1].count = 5_999_990;
    // 6,000,000 + 5,999,990 + 10 jetsons = 12,000,000.
    expect(problemAt(scenario, 'fleet').message).toBe(
      'has 12,000,000 devices in all; at most 10,000,000 are allowed',
    );
    scenario.fleet[1].count = 3_999_990; // 10,000,000 in all: allowed
    expect(problemsOf(scenario)).toEqual([]);
  });

  it('refuses a rate of 9e15/s and accepts 1e6/s', () => {
    const scenario = quickstart();
    scenario.fleet[0].arrivals = { kind: 'poisson', rate: '9e15/s' };
    expect(problemAt(scenario, 'fleet[0].arrivals.rate').message).toBe(
      'must be <= 1000000/s, got "9e15/s"',
    );
    scenario.fleet[0].arrivals = { kind: 'poisson', rate: '1e6/s' };
    expect(problemsOf(scenario)).toEqual([]);
  });

  it('refuses a periodic interval under 1 us (a rate past the cap)', () => {
    const scenario = quickstart();
    scenario.fleet[0].arrivals = { kind: 'periodic', interval: '1 ns' };
    expect(problemAt(scenario, 'fleet[0].arrivals.interval').message).toMatch(
      /^must be >= 0.000001 s/,
    );
  });

  it('accepts a duration of ten years and refuses one of 100 years', () => {
    const scenario = quickstart();
    scenario.duration = '10 years';
    expect(problemsOf(scenario)).toEqual([]);
    expect(asFleetScenario(validateScenario(scenario, 'bounds.yaml')).duration).toBe(TEN_YEARS_S);
    scenario.duration = '100 years';
    expect(problemAt(scenario, 'duration').message).toBe(
      `must be <= ${TEN_YEARS_S} s, got "100 years" (= ${10 * TEN_YEARS_S} s)`,
    );
  });

  it('accepts a vendor MTBF of 2 million hours and refuses 2,000 years', () => {
    const scenario = quickstart();
    scenario.fleet[0].failures = { mtbf: '2000000 h', mttr: '1 h' };
    expect(problemsOf(scenario)).toEqual([]);
    scenario.fleet[0].failures = { mtbf: '2000 years', mttr: '1 h' };
    expect(problemAt(scenario, 'fleet[0].failures.mtbf').message).toMatch(/^must be <= /);
  });

  it('refuses an MMPP of 65 states', () => {
    const scenario = quickstart();
    const state = { rate: '1/s', meanDuration: '1 s' };
    scenario.fleet[0].arrivals = { kind: 'mmpp', states: Array(65).fill(state) };
    expect(problemAt(scenario, 'fleet[0].arrivals.states').message).toMatch(/<=64/);
  });

  it('refuses 1,001 servers and 1,025 workers on one', () => {
    const scenario = quickstart();
    scenario.servers[0].workers = 1025;
    expect(problemAt(scenario, 'servers[0].workers').message).toMatch(/<=1024/);
    const server = (i: number) => ({ name: `s${i}`, profile: 'edge-server-t4' });
    scenario.servers = Array.from({ length: 1001 }, (_, i) => server(i));
    expect(problemAt(scenario, 'servers').message).toMatch(/<=1000/);
  });

  it('refuses a cell that loses every packet', () => {
    const scenario = quickstart();
    scenario.cells = { 'office-ap': { loss: 1 } };
    expect(problemAt(scenario, 'cells.office-ap.loss').message).toBe('must be < 1, got 1');
  });
});

describe('federated and compression bounds', () => {
  it('refuses 10,000,000 rounds and 100 training threads', () => {
    const scenario = raw('scenarios/fl-mnist.yaml');
    scenario.federated.rounds = 10_000_000;
    scenario.federated.workers = 100;
    const paths = problemsOf(scenario).map((p) => p.path);
    expect(paths).toEqual(['federated.rounds', 'federated.workers']);
  });

  it('refuses a Synthetic data set of a million devices', () => {
    const scenario = raw('test/fixtures/compress/small.yaml');
    scenario.compress.dataset.devices = 1_000_000;
    expect(problemAt(scenario, 'compress.dataset.devices').message).toMatch(/<=1000/);
  });
});

describe('shipped scenarios', () => {
  it('all stay valid under the bounds', () => {
    const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(() => loadScenario(join('scenarios', file))).not.toThrow();
  });
});

describe('through the CLI', () => {
  it('maxBatch: 1e12 is exit 2 with the path, not an internal error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgesim-bounds-'));
    const scenario = quickstart();
    scenario.servers[0].batching.maxBatch = 1_000_000_000_000;
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify(scenario));
    const result = spawnSync('node', [resolve('dist/cli/main.js'), 'validate', file], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('servers[0].batching.maxBatch');
    expect(result.stderr).not.toMatch(/internal error| {4}at /);
  });
});
