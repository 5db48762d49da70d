import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN as bin, edgesim } from '../helpers/cli.js';

const comparePlacement = resolve('scenarios/compare-placement.yaml');

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'edgesim-sweep-'));
}

/** Runs that a sweep's stderr says it executed ("N cached, M to run"). */
function toRun(stderr: string): number {
  return Number(/(\d+) to run/.exec(stderr)?.[1]);
}

describe('edgesim sweep', () => {
  it('writes the same combined CSV with 1 worker, 2 workers, and as 3 merged shards', () => {
    const dir = temp();
    expect(edgesim(['sweep', comparePlacement, '--workers', '1', '--out', 'one'], dir).code).toBe(
      0,
    );
    expect(edgesim(['sweep', comparePlacement, '--workers', '2', '--out', 'two'], dir).code).toBe(
      0,
    );
    for (const shard of ['1/3', '2/3', '3/3']) {
      expect(
        edgesim(
          ['sweep', comparePlacement, '--workers', '1', '--shard', shard, '--out', 'sharded'],
          dir,
        ).code,
      ).toBe(0);
    }
    expect(edgesim(['merge', 'sharded', '--out', 'merged'], dir).code).toBe(0);
    const one = readFileSync(join(dir, 'one', 'sweep.csv'), 'utf8');
    expect(one.trim().split('\n')).toHaveLength(13);
    expect(readFileSync(join(dir, 'two', 'sweep.csv'), 'utf8')).toBe(one);
    expect(readFileSync(join(dir, 'merged', 'sweep.csv'), 'utf8')).toBe(one);
  });

  it('puts swept parameters, replication and seed in columns, with the same seed for every point', () => {
    const dir = temp();
    edgesim(['sweep', comparePlacement, '--workers', '2', '--out', 'out'], dir);
    const [header, ...lines] = readFileSync(join(dir, 'out', 'sweep.csv'), 'utf8')
      .trim()
      .split('\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 8)).toEqual([
      'run',
      'point',
      'replication',
      'seed',
      'status',
      'error',
      'workload.inference.placement',
      'fleet[1].count',
    ]);
    const rows = lines.map((l) => l.split(','));
    const seedOf = (replication: string) =>
      new Set(rows.filter((r) => r[2] === replication).map((r) => r[3]));
    expect(seedOf('0')).toEqual(new Set(['7']));
    expect(seedOf('1').size).toBe(1);
  });

  it('writes report.html and its charts, and edgesim report renders the same bytes again', () => {
    const dir = temp();
    edgesim(['sweep', comparePlacement, '--out', 'out'], dir);
    const reportDir = join(dir, 'out', 'report');
    const files = readdirSync(reportDir).sort();
    expect(files).toContain('report.html');
    expect(files.some((f) => f.endsWith('.svg'))).toBe(true);
    expect(files.some((f) => f.endsWith('.vl.json'))).toBe(true);
    const before = Object.fromEntries(
      files.map((f) => [f, readFileSync(join(reportDir, f), 'utf8')]),
    );
    expect(edgesim(['report', 'out'], dir).code).toBe(0);
    const after = Object.fromEntries(
      readdirSync(reportDir)
        .sort()
        .map((f) => [f, readFileSync(join(reportDir, f), 'utf8')]),
    );
    expect(after).toEqual(before);
  });

  it('does not re-run finished runs', () => {
    const dir = temp();
    const first = edgesim(['sweep', comparePlacement, '--out', 'out'], dir);
    expect(toRun(first.stderr)).toBe(12);
    const second = edgesim(['sweep', comparePlacement, '--out', 'out'], dir);
    expect(toRun(second.stderr)).toBe(0);
    expect(second.stderr).toMatch(/12 cached/);
  });

  it('after kill -9 part-way, re-runs only the unfinished runs and writes the same CSV', async () => {
    const slow = resolve('test/fixtures/sweeps/slow.yaml');
    const reference = temp();
    expect(edgesim(['sweep', slow, '--workers', '2', '--out', 'out'], reference).code).toBe(0);
    const dir = temp();
    const child: ChildProcess = spawn(
      process.execPath,
      [bin, 'sweep', slow, '--workers', '2', '--out', 'out'],
      {
        cwd: dir,
        stdio: 'ignore',
      },
    );
    const runsDir = join(dir, 'out', 'runs');
    const finished = () =>
      existsSync(runsDir) ? readdirSync(runsDir).filter((f) => !f.startsWith('.')).length : 0;
    while (finished() < 3) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const done = finished();
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(12);
    const resumed = edgesim(['sweep', slow, '--workers', '2', '--out', 'out'], dir);
    expect(resumed.code).toBe(0);
    expect(toRun(resumed.stderr)).toBe(12 - done);
    expect(readFileSync(join(dir, 'out', 'sweep.csv'), 'utf8')).toBe(
      readFileSync(join(reference, 'out', 'sweep.csv'), 'utf8'),
    );
  });

  it('records a failed run as a row with its error, finishes the others, and exits 1', () => {
    const dir = temp();
    const result = edgesim(
      ['sweep', resolve('test/fixtures/sweeps/failing.yaml'), '--out', 'out'],
      dir,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/1 of 2 runs failed/);
    const lines = readFileSync(join(dir, 'out', 'sweep.csv'), 'utf8')
      .trim()
      .split('\n');
    // The run's own summary has a status column too; it keeps it as summary_status.
    expect(lines[0]).toMatch(/^run,point,replication,seed,status,error,.*,summary_status,/);
    expect(lines[1]).toMatch(/^0,0,0,3,completed,,/);
    expect(lines[2]).toMatch(
      /^1,1,0,3,failed,.*non-numeric\.csv: row 12, column ""petal_width"": is not a number/,
    );
  });
});

describe('bad sweep input', () => {
  const base = readFileSync(comparePlacement, 'utf8');

  function sweepWith(sweep: string, args: string[] = []) {
    const dir = temp();
    writeFileSync(join(dir, 's.yaml'), base.replace(/\nsweep:[\s\S]*$/, `\n${sweep}\n`));
    return { ...edgesim(['sweep', 's.yaml', ...args, '--out', 'out'], dir), dir };
  }

  it('a path that does not exist in the scenario', () => {
    const { code, stderr, dir } = sweepWith(
      'sweep:\n  grid:\n    workload.inference.placment: [device]',
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/sweep\.grid\.workload\.inference\.placment: no field 'placment'/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('an empty grid', () => {
    const { code, stderr } = sweepWith('sweep:\n  grid:\n    fleet[1].count: []');
    expect(code).toBe(2);
    expect(stderr).toMatch(/sweep\.grid\.fleet\[1\]\.count: empty list/);
  });

  it('a value that makes a run invalid is caught before any run starts', () => {
    const { code, stderr, dir } = sweepWith('sweep:\n  grid:\n    fleet[1].count: [10, -5]');
    expect(code).toBe(2);
    expect(stderr).toMatch(/fleet\[1\]\.count: in sweep run 1/);
    expect(existsSync(join(dir, 'out', 'runs'))).toBe(false);
  });

  it.each(['0/3', '4/3', 'x/3'])('--shard %s', (shard) => {
    const { code, stderr } = sweepWith('sweep:\n  grid:\n    fleet[1].count: [10, 20]', [
      '--shard',
      shard,
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--shard/);
  });

  it('merging shards of different sweeps is refused', () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'a.yaml'),
      base.replace(/\nsweep:[\s\S]*$/, '\nsweep:\n  grid:\n    fleet[1].count: [10, 20]\n'),
    );
    writeFileSync(
      join(dir, 'b.yaml'),
      base.replace(/\nsweep:[\s\S]*$/, '\nsweep:\n  grid:\n    fleet[1].count: [10, 30]\n'),
    );
    edgesim(['sweep', 'a.yaml', '--shard', '1/2', '--out', 'a'], dir);
    edgesim(['sweep', 'b.yaml', '--shard', '2/2', '--out', 'b'], dir);
    const merged = edgesim(['merge', 'a', 'b', '--out', 'm'], dir);
    expect(merged.code).toBe(2);
    expect(merged.stderr).toMatch(/belongs to a different sweep .*refusing to merge/);
  });

  it('merging with a shard missing is refused', () => {
    const dir = temp();
    writeFileSync(join(dir, 'a.yaml'), base);
    edgesim(['sweep', 'a.yaml', '--shard', '1/3', '--out', 'a'], dir);
    const merged = edgesim(['merge', 'a', '--out', 'm'], dir);
    expect(merged.code).toBe(2);
    expect(merged.stderr).toMatch(/missing shard\(s\) 2\/3, 3\/3/);
  });
});
