import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/random.js';
import { InputError, UsageError } from '../../src/errors.js';
import { canonicalJson, readDataFile } from '../../src/scenario/load.js';
import {
  checkRuns,
  expandSweep,
  parseShard,
  replicationSeed,
  type SweepPlan,
  shardRuns,
  validateRuns,
} from '../../src/sweep/grammar.js';
import { getPath, PathError, parsePath, setPath } from '../../src/sweep/paths.js';
import { asFleetScenario } from '../../src/workloads/scenario.js';
import { expectInputError } from '../helpers/input-error.js';

const FILE = 'sweep.yaml';
const base = readDataFile('test/fixtures/sweeps/base.yaml') as Record<string, unknown>;

/** The base scenario with `sweep` added, expanded with base seed 42. */
function expand(sweep: unknown, seed = 42): SweepPlan {
  return expandSweep({ ...base, sweep }, FILE, seed);
}

/** The message of the InputError that expanding `sweep` throws. */
function sweepError(sweep: unknown): string {
  return expectInputError(() => expand(sweep)).message;
}

/** The params of each point (replication 0), in run order. */
function points(plan: SweepPlan): Record<string, unknown>[] {
  return plan.runs.filter((r) => r.replication === 0).map((r) => r.params);
}

/** The value of `path` in each run's scenario. */
function column(plan: SweepPlan, path: string): unknown[] {
  return plan.runs.map((r) => getPath(r.scenario, path));
}

describe('paths', () => {
  it('reads names, indices and quoted names', () => {
    expect(parsePath('fleet[2].count')).toEqual({ ok: true, segments: ['fleet', 2, 'count'] });
    expect(parsePath('cells["office-ap"].uplink')).toEqual({
      ok: true,
      segments: ['cells', 'office-ap', 'uplink'],
    });
    expect(parsePath('x["a.b"]')).toEqual({ ok: true, segments: ['x', 'a.b'] });
  });

  it('says where a malformed path goes wrong', () => {
    expect(parsePath('a..b')).toEqual({
      ok: false,
      message: 'cannot read path "a..b": expected a field name at character 3',
    });
    expect(parsePath('fleet[x]')).toMatchObject({ ok: false, message: /at character 6/ });
    expect(parsePath('fleet[01]')).toMatchObject({ ok: false });
    expect(parsePath('')).toMatchObject({ ok: false });
  });

  it('gets a value, and undefined for an absent optional field', () => {
    expect(getPath(base, 'fleet[1].count')).toBe(10);
    expect(getPath(base, 'workload.inference.deadline')).toBeUndefined();
  });

  it('sets a value in a deep copy and leaves the input untouched', () => {
    const before = structuredClone(base);
    const after = setPath(base, 'fleet[0].spread.throughputCv', 0.5);
    expect(base).toEqual(before);
    expect(getPath(after, 'fleet[0].spread.throughputCv')).toBe(0.5);
    expect(getPath(after, 'fleet[1]')).not.toBe(getPath(base, 'fleet[1]'));
    expect(getPath(after, 'fleet[1]')).toEqual(getPath(base, 'fleet[1]'));
  });

  it('refuses a path whose parent does not exist, naming the first missing step', () => {
    expect(() => setPath(base, 'fleet[5].count', 1)).toThrow(
      new PathError(
        'fleet[5].count',
        "fleet[5] is out of range: the scenario's fleet has 3 entries",
      ),
    );
    expect(() => getPath(base, 'workload.inferense.slo')).toThrow(
      "no field 'inferense' in workload (did you mean 'inference'?); it has inference",
    );
    expect(() => setPath(base, 'name.first', 'x')).toThrow(
      'name is a string ("sweep-base"), not an object',
    );
    expect(() => setPath(base, 'fleet.count', 1)).toThrow(
      'fleet is a list; index it, as in fleet[0]',
    );
  });
});

describe('expanding a sweep', () => {
  it('runs a scenario without a sweep once, with its own seed and no parameters', () => {
    const plan = expandSweep(base, FILE, 42);
    expect(plan.parameters).toEqual([]);
    expect(plan.replications).toBe(1);
    expect(plan.runs).toEqual([
      { index: 0, point: 0, replication: 0, seed: 42, params: {}, scenario: base },
    ]);
  });

  it('enumerates a 3x2 grid with the last path varying fastest', () => {
    const plan = expand({
      grid: {
        'workload.inference.placement': ['device', 'edge', 'adaptive'],
        'fleet[1].count': [100, 1000],
      },
    });
    expect(plan.parameters).toEqual(['workload.inference.placement', 'fleet[1].count']);
    const p = 'workload.inference.placement';
    expect(points(plan)).toEqual([
      { [p]: 'device', 'fleet[1].count': 100 },
      { [p]: 'device', 'fleet[1].count': 1000 },
      { [p]: 'edge', 'fleet[1].count': 100 },
      { [p]: 'edge', 'fleet[1].count': 1000 },
      { [p]: 'adaptive', 'fleet[1].count': 100 },
      { [p]: 'adaptive', 'fleet[1].count': 1000 },
    ]);
    expect(column(plan, 'fleet[1].count')).toEqual([100, 1000, 100, 1000, 100, 1000]);
    expect(plan.runs.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('pairs zip lists element by element', () => {
    const plan = expand({
      zip: { 'servers[0].workers': [1, 2, 4], 'servers[0].queueCapacity': [10, 20, 40] },
    });
    expect(column(plan, 'servers[0].workers')).toEqual([1, 2, 4]);
    expect(column(plan, 'servers[0].queueCapacity')).toEqual([10, 20, 40]);
  });

  it('takes the product of the grid and the zip group, zip varying fastest', () => {
    const plan = expand({
      grid: { 'workload.inference.placement': ['device', 'edge'] },
      zip: { 'servers[0].workers': [1, 2, 4], 'servers[0].queueCapacity': [10, 20, 40] },
    });
    const rows = plan.runs.map((r) => Object.values(r.params));
    expect(rows).toEqual([
      ['device', 1, 10],
      ['device', 2, 20],
      ['device', 4, 40],
      ['edge', 1, 10],
      ['edge', 2, 20],
      ['edge', 4, 40],
    ]);
  });

  it('runs each point r times; replication k has the same seed at every point', () => {
    const plan = expand({ replications: 3, grid: { 'fleet[1].count': [100, 1000] } });
    expect(plan.runs.map((r) => [r.index, r.point, r.replication])).toEqual([
      [0, 0, 0],
      [1, 0, 1],
      [2, 0, 2],
      [3, 1, 0],
      [4, 1, 1],
      [5, 1, 2],
    ]);
    const seeds = plan.runs.map((r) => r.seed);
    expect(seeds.slice(0, 3)).toEqual(seeds.slice(3));
    expect(new Set(seeds.slice(0, 3)).size).toBe(3);
    expect(plan.runs.map((r) => (r.scenario as { seed: number }).seed)).toEqual(seeds);
  });

  it('gives replication 0 the base seed and hashes (base seed, k) for the others', () => {
    expect(replicationSeed(42, 0)).toBe(42);
    const digest = createHash('sha256').update('edgesim/sweep-replication/42/2').digest();
    expect(replicationSeed(42, 2)).toBe(digest.readUInt32BE(0));
    expect(replicationSeed(42, 2)).toBeLessThan(2 ** 32);
  });

  it('removes the sweep block and x- fields from each run and sets the values', () => {
    const plan = expandSweep(
      {
        ...base,
        'x-anchor': { a: 1 },
        sweep: { grid: { 'workload.inference.deadline': ['2 s'] } },
      },
      FILE,
      42,
    );
    const scenario = plan.runs[0]!.scenario as Record<string, unknown>;
    expect(Object.keys(scenario)).not.toContain('sweep');
    expect(Object.keys(scenario)).not.toContain('x-anchor');
    expect(scenario).toEqual(setPath(base, 'workload.inference.deadline', '2 s'));
  });

  it('gives every run a scenario that passes validation', () => {
    const raw = readDataFile('test/fixtures/sweeps/compare-placement.yaml');
    const plan = expandSweep(raw, 'compare-placement.yaml', 7);
    const scenarios = validateRuns(plan, 'compare-placement.yaml').map(asFleetScenario);
    expect(scenarios).toHaveLength(12);
    expect(scenarios.map((s) => s.workload.inference.placement.policy).slice(0, 4)).toEqual([
      'device',
      'device',
      'device',
      'device',
    ]);
    expect(scenarios.map((s) => s.fleet[1]!.count).slice(0, 4)).toEqual([10, 10, 20, 20]);
  });

  it('names the run and its values when an expanded scenario is invalid', () => {
    const plan = expand({ grid: { 'fleet[1].count': [10, -5] } });
    expect(() => validateRuns(plan, FILE)).toThrow(
      'sweep.yaml: fleet[1].count: in sweep run 1 (fleet[1].count = -5): Too small',
    );
  });

  it('identifies the expanded sweep by its hash', () => {
    const sweep = { grid: { 'fleet[1].count': [100, 1000] } };
    const reordered = Object.fromEntries(Object.entries(base).reverse());
    expect(expand(sweep).sweepHash).toMatch(/^[0-9a-f]{64}$/);
    expect(expandSweep({ ...reordered, sweep }, FILE, 42).sweepHash).toBe(expand(sweep).sweepHash);
    expect(expand({ grid: { 'fleet[1].count': [100, 999] } }).sweepHash).not.toBe(
      expand(sweep).sweepHash,
    );
    expect(expand(sweep, 43).sweepHash).not.toBe(expand(sweep).sweepHash);
  });

  it('hashes parameters, replications and each run in canonical JSON, as documented', () => {
    const sweep = {
      replications: 3,
      grid: { 'fleet[1].count': [100, 1000], 'workload.inference.placement': ['device', 'edge'] },
    };
    const plan = expand(sweep);
    const hash = createHash('sha256').update(
      canonicalJson({ parameters: plan.parameters, replications: 3 }),
    );
    for (const run of plan.runs) hash.update(`\n${canonicalJson(run)}`);
    expect(plan.runs).toHaveLength(12);
    expect(plan.sweepHash).toBe(hash.digest('hex'));
  });
});

describe('random and Latin-hypercube samples', () => {
  const cv = 'fleet[0].spread.throughputCv';

  it('draws each path from its own seeded stream, mapped into the range', () => {
    const plan = expand({ random: { count: 4, ranges: { [cv]: { min: 0.1, max: 0.5 } } } });
    const stream = new RandomStreams(42).stream('sweep-random', cv);
    const expected = [0, 1, 2, 3].map(() => 0.1 + stream.next() * 0.4);
    expect(column(plan, cv)).toEqual(expected);
  });

  it('repeats for the same base seed and differs for another', () => {
    const sweep = { random: { count: 5, ranges: { [cv]: { min: 0, max: 1 } } } };
    expect(expand(sweep).runs).toEqual(expand(sweep).runs);
    expect(column(expand(sweep, 7), cv)).not.toEqual(column(expand(sweep), cv));
  });

  it('leaves the samples of one path unchanged when another range is added', () => {
    const one = { [cv]: { min: 0, max: 1 } };
    const two = { ...one, 'servers[0].workers': { min: 1, max: 8, integer: true } };
    const a = expand({ random: { count: 6, ranges: one } });
    const b = expand({ random: { count: 6, ranges: two } });
    expect(column(b, cv)).toEqual(column(a, cv));
  });

  it('keeps samples in bounds: linear, log scale, whole numbers, with units put back', () => {
    const plan = expand({
      random: {
        count: 50,
        ranges: {
          [cv]: { min: 0, max: 0.5 },
          'workload.inference.slo': { min: '50 ms', max: '500 ms', scale: 'log' },
          'servers[0].workers': { min: 1, max: 4, integer: true },
        },
      },
    });
    for (const value of column(plan, cv) as number[]) expect(value).toBeGreaterThanOrEqual(0);
    for (const value of column(plan, cv) as number[]) expect(value).toBeLessThanOrEqual(0.5);
    for (const slo of column(plan, 'workload.inference.slo') as string[]) {
      expect(slo).toMatch(/^[\d.]+ ms$/);
      expect(Number.parseFloat(slo)).toBeGreaterThanOrEqual(50);
      expect(Number.parseFloat(slo)).toBeLessThanOrEqual(500);
    }
    expect(new Set(column(plan, 'servers[0].workers'))).toEqual(new Set([1, 2, 3, 4]));
  });

  it('samples a log scale uniformly in the logarithm: min * (max/min)^u', () => {
    const plan = expand({
      random: { count: 3, ranges: { [cv]: { min: 0.01, max: 1, scale: 'log' } } },
    });
    const stream = new RandomStreams(42).stream('sweep-random', cv);
    const expected = [0, 1, 2].map(() => 0.01 * 100 ** stream.next());
    (column(plan, cv) as number[]).forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i]!, 12);
    });
  });

  it('hits each of n strata exactly once per dimension in a Latin hypercube', () => {
    const plan = expand({
      latinHypercube: {
        count: 10,
        ranges: { [cv]: { min: 0, max: 1 }, 'servers[0].queueCapacity': { min: 100, max: 200 } },
      },
    });
    const strata = (path: string, min: number, max: number) =>
      (column(plan, path) as number[]).map((v) => Math.floor((10 * (v - min)) / (max - min)));
    const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(strata(cv, 0, 1).sort((x, y) => x - y)).toEqual(all);
    expect(strata('servers[0].queueCapacity', 100, 200).sort((x, y) => x - y)).toEqual(all);
    expect(strata(cv, 0, 1)).not.toEqual(strata('servers[0].queueCapacity', 100, 200));
  });
});

describe('bad sweeps', () => {
  it('rejects an unknown key in the sweep block', () => {
    expect(sweepError({ gird: {} })).toBe(
      'sweep.yaml: sweep.gird: unknown field; expected one of: replications, grid, zip, random, latinHypercube',
    );
  });

  it('rejects an empty grid list', () => {
    expect(sweepError({ grid: { 'fleet[1].count': [] } })).toBe(
      'sweep.yaml: sweep.grid.fleet[1].count: empty list; a grid dimension needs at least one value (got [])',
    );
  });

  it('rejects zip lists of different lengths', () => {
    expect(
      sweepError({ zip: { 'servers[0].workers': [1, 2], 'servers[0].queueCapacity': [1] } }),
    ).toBe(
      'sweep.yaml: sweep.zip: paired lists must have the same length; servers[0].workers has 2, servers[0].queueCapacity has 1',
    );
  });

  it('rejects a count below 1 and replications that are not a positive whole number', () => {
    expect(
      sweepError({ random: { count: 0, ranges: { 'fleet[1].count': { min: 1, max: 2 } } } }),
    ).toBe('sweep.yaml: sweep.random.count: must be a whole number >= 1 (got 0)');
    expect(sweepError({ replications: 2.5 })).toBe(
      'sweep.yaml: sweep.replications: must be a whole number >= 1 (got 2.5)',
    );
    expect(sweepError({ replications: 0 })).toContain(
      'sweep.replications: must be a whole number >= 1 (got 0)',
    );
    expect(sweepError({ replications: '3' })).toBe(
      'sweep.yaml: sweep.replications: expected number (got "3")',
    );
  });

  it('rejects min > max, a log scale from 0, and mixed units', () => {
    const ranges = (r: unknown) =>
      sweepError({ latinHypercube: { count: 2, ranges: { 'workload.inference.slo': r } } });
    expect(ranges({ min: '500 ms', max: '50 ms' })).toBe(
      'sweep.yaml: sweep.latinHypercube.ranges.workload.inference.slo: min is greater than max; got min "500 ms", max "50 ms"',
    );
    expect(ranges({ min: 0, max: 1, scale: 'log' })).toBe(
      'sweep.yaml: sweep.latinHypercube.ranges.workload.inference.slo: a log scale needs min > 0; got min 0, max 1',
    );
    expect(ranges({ min: '50 ms', max: '0.5 s' })).toContain(
      'min and max must be written in the same unit; got min "50 ms", max "0.5 s"',
    );
  });

  it('rejects a path that does not exist in the scenario, naming it and the missing step', () => {
    expect(sweepError({ grid: { 'fleet[5].count': [1] } })).toBe(
      "sweep.yaml: sweep.grid.fleet[5].count: fleet[5] is out of range: the scenario's fleet has 3 entries",
    );
    expect(sweepError({ grid: { 'workload.inference.placment': ['edge'] } })).toBe(
      "sweep.yaml: sweep.grid.workload.inference.placment: no field 'placment' in workload.inference (did you mean 'placement'?); expected one of: placement, split, input, output, slo, deadline, deviceQueue, modelDownload, rollout",
    );
  });

  it('rejects the seed as a parameter and a path swept twice', () => {
    expect(sweepError({ grid: { seed: [1, 2] } })).toContain(
      'sweep.grid.seed: the seed is set per replication',
    );
    expect(sweepError({ grid: { 'fleet[1].count': [1] }, zip: { 'fleet[1]["count"]': [2] } })).toBe(
      'sweep.yaml: sweep.zip.fleet[1]["count"]: swept twice: also at sweep.grid.fleet[1].count',
    );
  });
});

describe('shards', () => {
  const plan = expand({ replications: 2, grid: { 'fleet[1].count': [1, 2, 3, 4, 5] } });

  it('deals run i to shard (i mod N) + 1', () => {
    expect(shardRuns(plan, { index: 3, count: 3 }).map((r) => r.index)).toEqual([2, 5, 8]);
  });

  it('partitions the runs exactly', () => {
    const shards = [1, 2, 3, 4].map((index) => shardRuns(plan, { index, count: 4 }));
    const indices = shards.flat().map((r) => r.index);
    expect(indices.sort((a, b) => a - b)).toEqual(plan.runs.map((r) => r.index));
  });

  it('reads i/N and rejects anything else with a usage error', () => {
    expect(parseShard('3/10')).toEqual({ index: 3, count: 10 });
    expect(() => parseShard('0/3')).toThrow(
      new UsageError('--shard 0/3: shard 0 does not exist; shards are numbered 1 to 3'),
    );
    expect(() => parseShard('4/3')).toThrow(
      '--shard 4/3: shard 4 does not exist; shards are numbered 1 to 3',
    );
    expect(() => parseShard('x/3')).toThrow('--shard "x/3": expected i/N, such as 3/10');
    expect(() => parseShard('3')).toThrow('--shard "3": expected i/N, such as 3/10');
    expect(() => parseShard('1/0')).toThrow('the number of shards must be at least 1');
  });
});

describe('sweeps over strategy options and checks of each run', () => {
  const federated = readDataFile('scenarios/fl-mnist.yaml') as Record<string, unknown>;
  const fedprox = structuredClone(federated) as { federated: { strategy: object } };
  fedprox.federated.strategy = { name: 'fedprox', proximalMu: 0.5 };

  it('sweeps an option the base strategy block does not write, and checks each value', () => {
    const sweep = { grid: { 'federated.strategy.acceptFailures': [true, 'no'] } };
    const plan = expandSweep({ ...fedprox, sweep }, FILE, 1);
    expect(plan.runs).toHaveLength(2);
    expect(() => validateRuns(plan, FILE)).toThrow(
      'sweep.yaml: federated.strategy.acceptFailures: in sweep run 1 (federated.strategy.acceptFailures = "no"): expected boolean (got "no")',
    );
  });

  it('replications: -1 is refused at sweep.replications', () => {
    expect(sweepError({ replications: -1 })).toBe(
      'sweep.yaml: sweep.replications: must be a whole number >= 1 (got -1)',
    );
  });

  it("names another file's problem with that file, and counts the runs that show it", () => {
    const plan = expand({ grid: { 'fleet[1].count': [1, 2, 3] } });
    const check = (run: SweepPlan['runs'][number]) => {
      if (run.index > 0) throw new InputError('trace.csv', [{ path: 'line 2', message: 'bad' }]);
      return run.index;
    };
    expect(() => checkRuns(plan.runs, FILE, check)).toThrow(
      'sweep.yaml: in sweep run 1 (fleet[1].count = 2) and 1 more: trace.csv: line 2: bad',
    );
    expect(checkRuns(plan.runs.slice(0, 1), FILE, check)).toEqual([0]);
  });
});
