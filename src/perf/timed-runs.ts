/**
 * Timed runs of scenario files in fresh processes (time-run.ts), for
 * `edgesim bench`. Each round runs every scenario once; with a baseline build
 * (`--against`), each scenario runs on both builds in alternating order
 * (candidate first in even rounds, baseline first in odd ones), so that a slow
 * spell of the machine falls on both alike. The first `warmup` rounds are
 * discarded. Every run writes into a fresh temporary directory, removed after.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunFailedError, UsageError } from '../errors.js';
import { NO_PROGRESS, type ProgressReporter } from '../progress.js';
import { PACKAGE_ROOT } from '../version.js';
import type { RunTiming } from './time-run.js';

const TIME_RUN = fileURLToPath(new URL('./time-run.js', import.meta.url));

/** Which build a run uses. */
export type Side = 'candidate' | 'baseline';

export interface TimedRunsOptions {
  /** Timed rounds (each scenario once per build per round). */
  runs: number;
  /** Rounds run first and discarded. */
  warmup: number;
  /** Overrides each scenario's seed. */
  seed?: number;
  /** Another edgesim (a checkout or an installed package, built) timed in alternation as the baseline. */
  against?: string;
  progress?: ProgressReporter;
}

/** A scenario's timings: one per timed round, per build. */
export interface ScenarioTimings {
  file: string;
  candidate: RunTiming[];
  /** With `against` only. */
  baseline: RunTiming[];
}

/**
 * The module of the edgesim at `dir` that exports `runScenarioFile`
 * (dist/run.js: it loads in a third of the CPU time of the whole public API,
 * which a timed run does not need); a UsageError if it has none.
 */
export function buildEntry(dir: string): string {
  const entry = resolve(dir, 'dist', 'run.js');
  if (!existsSync(entry))
    throw new UsageError(
      dir === PACKAGE_ROOT
        ? `this edgesim has no ${join('dist', 'run.js')}: run npm run build first`
        : `--against ${dir}: no ${join('dist', 'run.js')} there; give a checkout of edgesim after \`npm ci\` (which builds it) or an installed edgesim package`,
    );
  return entry;
}

/** Times `files` as {@link TimedRunsOptions} says; a run that fails throws (an InputError for exit code 2). */
export function timeScenarios(
  files: readonly string[],
  options: TimedRunsOptions,
): ScenarioTimings[] {
  const progress = options.progress ?? NO_PROGRESS;
  const builds: { side: Side; entry: string }[] = [
    { side: 'candidate', entry: buildEntry(PACKAGE_ROOT) },
  ];
  if (options.against !== undefined)
    builds.push({ side: 'baseline', entry: buildEntry(options.against) });
  const timings = files.map((file): ScenarioTimings => ({ file, candidate: [], baseline: [] }));
  const rounds = options.warmup + options.runs;
  const total = rounds * files.length * builds.length;
  const scratch = mkdtempSync(join(tmpdir(), 'edgesim-bench-'));
  let done = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? builds : [...builds].reverse();
      for (const scenario of timings)
        for (const { side, entry } of order) {
          const label = `${round < options.warmup ? 'warm-up' : `run ${round - options.warmup + 1}/${options.runs}`}: ${scenario.file}${builds.length > 1 ? ` (${side})` : ''}`;
          progress.update(done / total, label);
          const timing = timedRun(entry, scenario.file, join(scratch, 'run'), side, options.seed);
          if (round >= options.warmup) scenario[side].push(timing);
          progress.update(++done / total, label);
        }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return timings;
}

/** One run in a fresh process; the baseline build never gets the test-only slowdown. */
function timedRun(
  entry: string,
  file: string,
  out: string,
  side: Side,
  seed: number | undefined,
): RunTiming {
  const env = { ...process.env };
  if (side === 'baseline') delete env.EDGESIM_TEST_SLOWDOWN;
  const args = [TIME_RUN, entry, file, out, ...(seed === undefined ? [] : [String(seed)])];
  const child = spawnSync(process.execPath, args, {
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  rmSync(out, { recursive: true, force: true });
  const message = (child.stderr ?? '').trim() || String(child.error ?? `exit ${child.status}`);
  if (child.status === 2)
    throw new UsageError(
      side === 'candidate' ? message : `the --against build refused ${file}: ${message}`,
    );
  if (child.status !== 0)
    throw new RunFailedError(`bench: ${file} failed on the ${side} build: ${message}`);
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    const timing = JSON.parse(line) as RunTiming;
    if (timing.cpuS > 0 && timing.wallS > 0) return timing;
  } catch {
    // reported below
  }
  throw new RunFailedError(
    `bench: a run of ${file} printed no timing (its last line: ${line.slice(0, 200)})`,
  );
}
