import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { RunFailedError } from '../src/errors.js';
import { guardHeap, HEAP_STOP_FRACTION } from '../src/heap-guard.js';
import type { ProgressReporter } from '../src/progress.js';

/** A reporter that records what reached it. */
function recording(): ProgressReporter & { seen: number[] } {
  const seen: number[] = [];
  return { seen, update: (fraction) => seen.push(fraction), stop: () => {} };
}

describe('guardHeap', () => {
  const oldGenerationBytes = getHeapStatistics().heap_size_limit - 48 * 2 ** 20;

  it('passes updates on while the heap is below the stop fraction of its limit', () => {
    const inner = recording();
    const guarded = guardHeap(inner, () => 0.5 * oldGenerationBytes);
    guarded.update(0.25);
    guarded.update(0.5);
    expect(inner.seen).toEqual([0.25, 0.5]);
  });

  it('stops the run with a RunFailedError (exit 1) past the stop fraction', () => {
    const inner = recording();
    const guarded = guardHeap(inner, () => (HEAP_STOP_FRACTION + 0.01) * oldGenerationBytes);
    expect(() => guarded.update(0.4)).toThrow(RunFailedError);
    expect(() => guarded.update(0.4)).toThrow(/stopped at 40%.*--max-old-space-size/);
    expect(inner.seen).toEqual([]);
  });

  it('turns a heap that runs out into exit 1 and one line, not a V8 fatal error', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'edgesim-heap-'));
    const scenario = resolve('test/fixtures/scenarios/heap-hungry.yaml');
    const result = spawnSync(
      process.execPath,
      ['--max-old-space-size=60', resolve('dist/cli/main.js'), 'run', scenario, '--force'],
      { cwd, encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/needs more memory than Node's heap limit \(\d+ MB of 60 MB/);
    expect(result.stderr).not.toMatch(/FATAL|internal error/);
    expect(existsSync(join(cwd, 'results'))).toBe(false);
  });
});

describe('what a run loads', () => {
  it('leaves TF.js unloaded until a workload trains (it holds 20 MB of heap)', () => {
    // Resolving any scenario imports every workload's checks; one static import of
    // ml/models pulled TF.js into every run and left a 60 MB heap no room to start.
    const probe = [
      "import { createRequire } from 'node:module';",
      `await import(${JSON.stringify(resolve('dist/run.js'))});`,
      'const cache = createRequire(import.meta.url).cache;',
      "console.log(Object.keys(cache).filter((k) => k.includes('@tensorflow')).length);",
    ].join('\n');
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('0');
  });
});

describe('resource guards on the command line', () => {
  const bin = resolve('dist/cli/main.js');
  const run = (args: string[], cwd: string) =>
    spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });

  it('refuses a run estimated past the limits with exit 2, the estimate and --force', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'edgesim-budget-'));
    const huge = join(cwd, 'huge.yaml');
    // 10,000,000 devices asking twice a second for a day: 1.7e12 requests.
    writeFileSync(
      huge,
      readFileSync(resolve('test/fixtures/scenarios/small.yaml'), 'utf8')
        .replace('count: 5', 'count: 10000000')
        .replace('duration: 30 s', 'duration: 24 h'),
    );
    const started = performance.now();
    const result = run(['run', huge], cwd);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /huge\.yaml: fleet\[0\]: this run is estimated at .*events.*use --force to run anyway/,
    );
    expect(result.stderr).not.toContain('internal error');
    expect(existsSync(join(cwd, 'results'))).toBe(false);
  });

  it('--max-events lowers the limit, so a harness can bound how long a run takes', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'edgesim-budget-'));
    const small = resolve('test/fixtures/scenarios/small.yaml');
    // 5 devices x 2/s x 30 s = 300 requests x 8 events + 5 first arrivals = 2,405 events.
    const refused = run(['run', small, '--max-events', '2400'], cwd);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/2,405 events, above the limit of 2,400/);
    expect(run(['run', small, '--max-events', '2405'], cwd).status).toBe(0);
  });

  it('refuses more sweep workers than cores unless --force', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'edgesim-workers-'));
    const sweep = resolve('test/fixtures/sweeps/compare-placement.yaml');
    const workers = String(availableParallelism() + 1);
    const result = run(['sweep', sweep, '--workers', workers], cwd);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--workers ${workers} is more than the`);
    expect(existsSync(join(cwd, 'results'))).toBe(false);
  });
});
