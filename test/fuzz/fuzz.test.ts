import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FuzzSummary, runFuzz } from './harness.js';
import { buildMutant, mutantId, planMutants } from './mutants.js';
import { applySweepOp, type SweepOp } from './mutate-sweep.js';
import { applyTextOp } from './mutate-text.js';
import { applyTreeOp } from './mutate-tree.js';
import { Lane } from './pool.js';
import { loadSeeds, shrink } from './seeds.js';

const root = resolve('.');
const limits = { timeoutMs: 10_000, heapMb: 1024, distDir: join(root, 'dist') };

describe('fuzz mutators', () => {
  it('shrinks a seed before mutating it: 10 s, at most 20 devices a group', () => {
    const data = shrink({ duration: '1 h', fleet: [{ count: 6000 }, { count: 7 }] });
    expect(data).toEqual({ duration: '10 s', fleet: [{ count: 20 }, { count: 7 }] });
  });

  it('picks nodes depth first, modulo their number', () => {
    // Nodes: a (0), b (1), b.c (2), d (3), d[0] (4), d[1] (5); 8 % 6 = 2 is b.c.
    const data = { a: 1, b: { c: 2 }, d: [3, 4] };
    expect(applyTreeOp(data, { kind: 'delete', at: 8 })).toBe('delete b.c');
    expect(data).toEqual({ a: 1, b: {}, d: [3, 4] });
  });

  it('scales a quantity and keeps its unit', () => {
    const data = { rate: '2/s', name: 'x' };
    applyTreeOp(data, { kind: 'scale', at: 0, factor: 1e12 });
    expect(data.rate).toBe('2000000000000/s');
  });

  it('adds a __proto__ key as an own field, not as a prototype', () => {
    const data: Record<string, unknown> = {};
    applyTreeOp(data, { kind: 'hostileKey', at: 0, key: '__proto__', value: { polluted: true } });
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it('builds an alias bomb of width^depth strings from depth + 1 lines', () => {
    const { bytes } = applyTextOp(Buffer.from('name: a'), {
      kind: 'aliasBomb',
      depth: 3,
      width: 2,
      field: 'bomb',
    });
    expect(bytes.toString().split('\n')).toEqual([
      'name: a',
      'x-lol0: &lol0 [lol, lol]',
      'x-lol1: &lol1 [*lol0, *lol0]',
      'x-lol2: &lol2 [*lol1, *lol1]',
      'bomb: [*lol2, *lol2]',
    ]);
  });

  it('writes zip lists of different lengths when asked', () => {
    const data: Record<string, unknown> = { fleet: [{ count: 5 }], seed: 1 };
    const op: SweepOp = {
      shape: 'block',
      replications: -1,
      grid: [],
      zip: [
        { path: { real: 0 }, values: { same: 3 } },
        { path: { bad: 'nope' }, values: { pool: [1] } },
      ],
      random: null,
      latinHypercube: null,
    };
    applySweepOp(data, op);
    expect(data.sweep).toEqual({
      replications: -1,
      zip: { 'fleet[0].count': [5, 5, 5], nope: [1] },
    });
  });

  it('gives the same mutants for the same seed, and others for another', () => {
    const seeds = loadSeeds(root);
    const bytes = (seed: number) =>
      planMutants(seed, 10).map((p, i) => buildMutant(p, mutantId(seed, i), seeds).bytes);
    expect(bytes(5)).toEqual(bytes(5));
    expect(bytes(6)).not.toEqual(bytes(5));
  });
});

describe('fuzz oracle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-fuzz-test-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('calls a scenario that validates and runs ok', async () => {
    const lane = new Lane(limits);
    const small = resolve('test/fixtures/scenarios/small.yaml');
    const verdict = await lane.check({
      id: 'a',
      file: small,
      outDir: join(dir, 'out-a'),
      runKinds: 'all',
    });
    await lane.stop();
    expect(verdict).toMatchObject({ outcome: 'ok', step: 'run', validateMissed: false });
  });

  it('calls an unknown field an input error at validate', async () => {
    const lane = new Lane(limits);
    const bad = file('bad.yaml', 'name: x\nnosuchfield: 1\n');
    const verdict = await lane.check({
      id: 'b',
      file: bad,
      outDir: join(dir, 'out-b'),
      runKinds: 'all',
    });
    await lane.stop();
    expect(verdict).toMatchObject({ outcome: 'input-error', step: 'validate' });
    expect(verdict.message).toContain('bad.yaml');
  });

  it('calls a check past the time limit a timeout', async () => {
    const lane = new Lane({ ...limits, timeoutMs: 1 });
    const small = resolve('test/fixtures/scenarios/small.yaml');
    const verdict = await lane.check({
      id: 'c',
      file: small,
      outDir: join(dir, 'out-c'),
      runKinds: 'all',
    });
    await lane.stop();
    expect(verdict.outcome).toBe('timeout');
  });
});

/**
 * KNOWN FAILURES: bug classes the fuzzer finds that are not fixed yet, each
 * with a minimal scenario in test/fixtures/fuzz-repro/. The fuzz case below
 * fails on any other class; remove an entry when its fix lands.
 */
const KNOWN_BUGS: { repro: string; pattern: RegExp; ops?: RegExp; why: string }[] = [
  {
    repro: 'heap-guard-exit-1.yaml',
    pattern:
      /^run: RunFailedError: the run stopped at N%: it needs more memory than Node's heap limit/,
    why: 'the run-size guard lets it start in a 1 GB heap; the heap guard then stops it with exit 1',
  },
  {
    // Also federated-rounds-past-10s.yaml (cost-only tier), training-epochs-past-10s.yaml
    // (real tier: run by `npm run fuzz -- --run-training` only) and sweep-validate-past-10s.yaml
    // (a timeout at validate: not known here, it fails this test if it shows).
    repro: 'accepted-run-past-10s.yaml',
    pattern: /^timeout at run$/,
    why: 'runs the guard accepts (limit 2e9 events; training work not counted) can take far more than 10 s',
  },
  {
    // Only when a mutation grew a sweep list to 10,000 values or more: tens of thousands
    // of distinct points, each validated (about 80-200 us a point).
    repro: 'sweep-validate-distinct-points-past-10s.yaml',
    pattern: /^timeout at validate$/,
    ops: /growList sweep\.(grid|zip)\.\S+ to [1-9]\d{4,}/,
    why: 'a sweep of tens of thousands of distinct points validates each one: past 10 s',
  },
];
const repro = (name: string) => resolve('test/fixtures/fuzz-repro', name);

describe('fuzzing 300 mutants of the shipped scenarios (seed 20261206)', () => {
  let summary: FuzzSummary;
  beforeAll(async () => {
    summary = await runFuzz({
      seed: 20261206,
      count: 300,
      root,
      outDir: null,
      workers: 2,
      cliEvery: 50,
      runKinds: 'no-training',
      retryLimited: false,
      ...limits,
    });
  }, 240_000);
  const known = (f: FuzzSummary['failures'][number]) =>
    KNOWN_BUGS.some(
      (bug) =>
        bug.pattern.test(f.bugClass) &&
        (bug.ops === undefined || f.mutant.ops.some((op) => bug.ops!.test(op))),
    );

  it('ends every mutant ok or in an input error, apart from known bug classes', () => {
    const unknown = summary.failures.filter((f) => !known(f));
    expect(
      unknown.map((f) => `${f.mutant.id} (${f.mutant.ops.join('; ')}): ${f.bugClass}`),
    ).toEqual([]);
  });

  it('gives the exit code the in-process check predicts through the CLI, with no stack trace', () => {
    expect(summary.cliChecked).toBeGreaterThan(0);
    expect(summary.cliProblems).toEqual([]);
  });

  it('names the file and a field when the run-size guard refuses a run', async () => {
    const lane = new Lane(limits);
    const file = repro('budget-refusal.yaml');
    const outDir = join(tmpdir(), `edgesim-fuzz-budget-${process.pid}`);
    const verdict = await lane.check({ id: 'budget', file, outDir, runKinds: 'all' });
    await lane.stop();
    expect(verdict.outcome).toBe('input-error');
  });

  it('reaches every outcome it should: some mutants run, some are refused', () => {
    expect(summary.counts.ok).toBeGreaterThan(0);
    expect(summary.counts['input-error']).toBeGreaterThan(0);
  });
});
