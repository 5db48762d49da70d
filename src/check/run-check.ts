/**
 * `edgesim check <scenario> [--expect <file>]`: runs a scenario's
 * replications (seeds by the sweep's replicationSeed, so common random numbers
 * across checks and sweeps of the same base seed) through the sweep worker
 * pool and its result cache, and judges each expectation on the confidence
 * interval of the metric's mean over the replications (judge.ts).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { InputError, RunFailedError, UsageError } from '../errors.js';
import { profilesDigest } from '../fleet/profile-dirs.js';
import { ProfileLibrary } from '../fleet/profiles.js';
import { claimSweepDir } from '../results/out-dir.js';
import { prepareRun, runInferenceScenario, safeDirName } from '../run.js';
import { checkRunBudget } from '../run-budget.js';
import { readDataFile, readMergedScenario, splitScenario } from '../scenario/load.js';
import { isMapping } from '../scenario/merge.js';
import { readCachedRun, runKey } from '../sweep/cache.js';
import { replicationSeed } from '../sweep/grammar.js';
import { SweepPool } from '../sweep/pool.js';
import type { RunTask } from '../sweep/task.js';
import { VERSION } from '../version.js';
import { scenarioKind } from '../workloads/registry.js';
import { type ValidatedScenario, validateScenario } from '../workloads/scenario.js';
import { type ExpectSpec, parseExpectations, unknownMetric } from './expectations.js';
import { type CheckResult, judge } from './judge.js';

export interface CheckOptions {
  /** An expectations file (default: the scenario's `expect:` block). */
  expect?: string;
  /** Base seed (default: the scenario's). */
  seed?: number;
  /** Output directory of the runs' cache (default `results/<name>-check`). */
  out?: string;
  /** Threads running runs, this one included (default: the number of cores). */
  workers?: number;
  forceReplace?: boolean;
  force?: boolean;
}

/** A scenario and its expectations, checked before any run. */
export interface CheckedExpectations {
  spec: ExpectSpec;
  scenario: ValidatedScenario;
  baseSeed: number;
  /** Where the expectations came from: the file, and `expect` or '' for a file of their own. */
  source: { file: string; prefix: string };
  /** Summary columns, when known before running (inference scenarios). */
  known?: readonly string[];
}

/**
 * Reads a scenario and its expectations (`expectFile`, else its `expect:`
 * block) and checks both before any run: the scenario against its schema,
 * every expectation's fields and units, and (for inference scenarios, found
 * by running 1 ms) that every metric is a summary.csv column. Throws an
 * InputError naming the file and path at fault.
 */
export function checkExpectations(
  file: string,
  expectFile?: string,
  seed?: number,
): CheckedExpectations {
  const raw = readMergedScenario(file);
  if (!isMapping(raw)) throw new InputError(file, [{ path: '', message: 'expected a mapping' }]);
  const { base, blocks } = splitScenario(raw);
  const block = blocks.expect;
  const scenario = validateScenario(base, file);
  const source =
    expectFile !== undefined ? { file: expectFile, prefix: '' } : { file, prefix: 'expect' };
  const data = expectFile !== undefined ? readDataFile(expectFile) : block;
  if (data === undefined) {
    const message = 'no expect: block; give one, or an expectations file with --expect <file>';
    throw new InputError(file, [{ path: 'expect', message }]);
  }
  const baseSeed = seed ?? scenario.seed;
  const known = scenarioKind(scenario) === 'inference' ? summaryColumns(base, file) : undefined;
  const spec = parseExpectations(data, source.file, source.prefix, known);
  return { spec, scenario, baseSeed, source, ...(known ? { known } : {}) };
}

/** Checks, runs and judges; see the module header. Throws RunFailedError if a run fails. */
export async function runCheckFile(file: string, options: CheckOptions = {}): Promise<CheckResult> {
  const cores = availableParallelism();
  if (options.workers !== undefined && options.workers > cores && !options.force) {
    throw new UsageError(
      `--workers ${options.workers} is more than the ${cores} cores this machine has; use --workers ${cores}, or --force`,
    );
  }
  const checked = checkExpectations(file, options.expect, options.seed);
  const outDir = options.out ?? join('results', `${safeDirName(checked.scenario.name)}-check`);
  claimSweepDir(outDir, { forceReplace: options.forceReplace === true });
  const inference = scenarioKind(checked.scenario) === 'inference';
  const runner = new Replications(checked, file, join(outDir, 'runs'), options.force === true);
  const threads = options.workers ?? cores;
  const pool = new SweepPool(threads, inference);
  try {
    const policy = checked.spec.replications;
    const first = policy.kind === 'fixed' ? policy.count : policy.min;
    await runner.runUpTo(first, pool);
    checkColumns(checked, runner.summaries[0]!);
    if (policy.kind === 'until') {
      while (runner.count < policy.max && !narrowEnough(checked, runner.summaries)) {
        await runner.runUpTo(Math.min(policy.max, runner.count + threads), pool);
      }
    }
  } finally {
    await pool.close();
  }
  return judge(checked, runner.summaries, {
    edgesim: VERSION,
    scenario: checked.scenario.name,
    file,
    cached: runner.cached,
    outDir,
  });
}

/** Whether every expectation's interval is within the `until` policy's relative half-width. */
function narrowEnough(checked: CheckedExpectations, summaries: readonly Summary[]): boolean {
  const policy = checked.spec.replications;
  if (policy.kind !== 'until') return true;
  const result = judge(checked, summaries, {
    edgesim: VERSION,
    scenario: '',
    file: '',
    cached: 0,
    outDir: '',
  });
  return result.expectations.every(
    (e) =>
      e.halfWidth !== null &&
      e.mean !== null &&
      e.halfWidth <= policy.relativeHalfWidth * Math.abs(e.mean),
  );
}

/** Metrics not known before running (not an inference scenario) are checked against the first run. */
function checkColumns(checked: CheckedExpectations, summary: Summary): void {
  if (checked.known !== undefined) return;
  const known = Object.keys(summary);
  const { file, prefix } = checked.source;
  const problems = checked.spec.expectations
    .filter((e) => !known.includes(e.metric))
    .map((e) => ({
      path: prefix === '' ? `metrics.${e.metric}` : `${prefix}.metrics.${e.metric}`,
      message: unknownMetric(e.metric, known),
    }));
  if (problems.length > 0) throw new InputError(file, problems);
}

type Summary = Record<string, string>;

/** The scenario's replications 0..n-1: read from the cache when there, else run on the pool. */
class Replications {
  readonly summaries: Summary[] = [];
  cached = 0;
  private readonly run: RunTask['run'];
  private readonly profiles = profilesDigest();

  constructor(
    private readonly checked: CheckedExpectations,
    file: string,
    private readonly runsDir: string,
    force: boolean,
  ) {
    const prepared = prepareRun(checked.scenario, file, new ProfileLibrary());
    checkRunBudget(prepared, { force, file });
    this.run = prepared.kind === 'inference' ? { prepared } : { scenario: checked.scenario, file };
  }

  get count(): number {
    return this.summaries.length;
  }

  /** Runs (or reads) replications until there are `count`; throws RunFailedError if one fails. */
  async runUpTo(count: number, pool: SweepPool): Promise<void> {
    const tasks: RunTask[] = [];
    for (let r = this.summaries.length; r < count; r++) {
      const seed = replicationSeed(this.checked.baseSeed, r);
      const key = runKey({ ...this.checked.scenario, seed }, seed, this.profiles);
      const entry = readCachedRun(this.runsDir, key);
      if (entry.state === 'valid') {
        this.cached++;
        this.summaries[r] = entry.summary;
      } else tasks.push({ index: r, seed, key, runsDir: this.runsDir, run: this.run });
    }
    const errors: string[] = [];
    await pool.run(tasks, (report) => {
      if (report.ok) this.summaries[report.index] = report.summary;
      else errors.push(`replication ${report.index}: ${report.error}`);
    });
    if (errors.length > 0) throw new RunFailedError(`check: ${errors.join('; ')}`);
  }
}

/** The columns of the summary.csv an inference scenario writes: its first millisecond, run. */
function summaryColumns(base: Record<string, unknown>, file: string): readonly string[] {
  // No warm-up: it must end before the probe's 1 ms does.
  const { warmup: _warmup, ...rest } = base;
  const probe = validateScenario({ ...rest, duration: 0.001 }, file);
  const prepared = prepareRun(probe, file);
  if (prepared.kind !== 'inference') throw new TypeError('summaryColumns: not inference');
  return runInferenceScenario(prepared.resolved, probe.seed).summary!.columns;
}
