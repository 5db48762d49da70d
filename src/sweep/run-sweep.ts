import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { InputError, RunFailedError, UsageError } from '../errors.js';
import { profilesDigest } from '../fleet/profile-dirs.js';
import { ProfileLibrary } from '../fleet/profiles.js';
import { textTableToCsv } from '../results/csv.js';
import { claimSweepDir } from '../results/out-dir.js';
import { type PreparedRun, prepareRun, safeDirName } from '../run.js';
import { checkRunBudget } from '../run-budget.js';
import { readMergedScenario } from '../scenario/load.js';
import { forTerminal } from '../terminal.js';
import { VERSION } from '../version.js';
import { scenarioKind } from '../workloads/registry.js';
import type { ValidatedScenario } from '../workloads/scenario.js';
import { type CachedRun, cacheFile, readCachedRun, runKey, sha256 } from './cache.js';
import { combineRows, type RunRow, runRow } from './combine.js';
import { CURVES_FILE, curveRows, curvesTable, shardCurvesFile, writeCurves } from './curves.js';
import {
  expandSweep,
  type Shard,
  type SweepPlan,
  type SweepRun,
  shardRuns,
  validateRuns,
} from './grammar.js';
import { SweepPool } from './pool.js';
import { progressFor } from './progress.js';
import { reportSettings, type SweepReportSettings, writeSweepReport } from './report.js';
import type { RunTask } from './task.js';

export interface SweepOptions {
  /** Base seed (default: the scenario's seed). */
  seed?: number;
  /** Output directory (default `results/<name>-sweep`). */
  out?: string;
  /** Threads running runs (default: the number of cores); for fleet runs this thread is one of them. */
  workers?: number;
  /** Run only this slice of the runs (`--shard i/N`). */
  shard?: Shard;
  /** Write into an output directory that holds files edgesim did not write (see results/out-dir.ts). */
  forceReplace?: boolean;
  /** Run points estimated past the run budget, and more workers than cores (see run-budget.ts). */
  force?: boolean;
}

export interface SweepOutcome {
  outDir: string;
  /** The CSV written: sweep.csv, or the shard's CSV. */
  csvFile: string;
  runs: number;
  ran: number;
  cached: number;
  failed: number;
  /** Wall time of the runs that ran, summed over the threads that ran them, s (for benchmarks; never written). */
  runWallS: number;
  /** Wall time of rendering the report, s (0 for a shard; for benchmarks; never written). */
  reportWallS: number;
}

/** What a sweep or shard records next to its CSV (`sweep.json`, `shard-i-of-N.json`). */
export interface SweepManifest {
  edgesim: string;
  scenario: string;
  sweepHash: string;
  parameters: string[];
  replications: number;
  runs: number;
  shard: Shard | null;
  /** A shard's manifest only: SHA-256 of its CSV's text, checked by merge. */
  csvSha256?: string;
  /** A shard's manifest only, when it has curves: SHA-256 of its curves file's text. */
  curvesSha256?: string;
  /** What the report shows (metrics, units, SLO, labels); absent in manifests of older versions. */
  report?: SweepReportSettings;
}

/**
 * Expands a scenario's sweep, validates every run before any starts, runs
 * those not already cached on a worker pool, and writes the combined CSV
 * (one row per run: identity, parameters, summary) and the report; with a
 * shard, only its slice and a shard CSV for `edgesim merge`. Failed runs are
 * rows with their error; the sweep then throws RunFailedError (exit 1) once
 * everything is written.
 */
export async function runSweepFile(
  file: string,
  options: SweepOptions = {},
): Promise<SweepOutcome> {
  const raw = readMergedScenario(file);
  const cores = availableParallelism();
  if (options.workers !== undefined && options.workers > cores && !options.force) {
    throw new UsageError(
      `--workers ${options.workers} is more than the ${cores} cores this machine has: each thread holds its own runs' memory and they would only take turns; use --workers ${cores}, or --force`,
    );
  }
  // Fleet runs also run on this thread; compression and federated runs (TF.js,
  // large memory) only in workers, where a crash cannot take the sweep down.
  const pool = new SweepPool(options.workers ?? cores, scenarioKind(raw) === 'inference');
  try {
    return await sweep(file, raw, options, pool);
  } finally {
    await pool.close();
  }
}

async function sweep(
  file: string,
  raw: unknown,
  options: SweepOptions,
  pool: SweepPool,
): Promise<SweepOutcome> {
  const baseSeed = options.seed ?? seedOf(raw, file);
  const plan = expandSweep(raw, file, baseSeed);
  const validated = validateRuns(plan, file);
  const runs = prepareRuns(plan, validated, file, options.force === true);
  const profiles = profilesDigest();
  const keys = validated.map((scenario, i) => runKey(scenario, plan.runs[i]!.seed, profiles));
  const name = (raw as { name?: unknown }).name;
  const outDir = options.out ?? join('results', `${safeDirName(String(name))}-sweep`);
  claimSweepDir(outDir, { forceReplace: options.forceReplace === true });
  const runsDir = join(outDir, 'runs');
  const selected = options.shard ? shardRuns(plan, options.shard) : plan.runs;
  const cached = readCache(selected, runsDir, keys);
  const pending = selected.filter((run) => !cached.has(run.index));
  process.stderr.write(
    `edgesim: ${selected.length} runs${options.shard ? ` in shard ${options.shard.index}/${options.shard.count}` : ''}: ${selected.length - pending.length} cached, ${pending.length} to run\n`,
  );

  const errors = new Map<number, string>();
  const summaries = new Map<number, Record<string, string>>();
  const curves = new Map<number, Record<string, string>[]>();
  const progress = progressFor(pending.length);
  let done = 0;
  let runWallS = 0;
  const tasks: RunTask[] = pending.map((run) => ({
    index: run.index,
    seed: run.seed,
    key: keys[run.index]!,
    runsDir,
    run: runs[run.index]!,
  }));
  await pool.run(tasks, (report) => {
    if (report.ok) {
      summaries.set(report.index, report.summary);
      if (report.curve !== undefined) curves.set(report.index, report.curve);
      runWallS += report.wallS;
    } else errors.set(report.index, report.error);
    progress.update(++done, errors.size);
  });
  progress.stop();

  // A run that just ran reported the strings its cached CSV holds; cached runs were read before.
  const rows: RunRow[] = selected.map((run) => {
    const error = errors.get(run.index);
    if (error !== undefined) return runRow(run, { error });
    return runRow(run, { summary: (summaries.get(run.index) ?? cached.get(run.index)!.summary)! });
  });
  const curveRowsOfRuns = selected.flatMap((run) => {
    const curve = curves.get(run.index) ?? cached.get(run.index)?.curve;
    return curve === undefined ? [] : curveRows(run, curve);
  });
  const table = combineRows(rows, plan.parameters);
  const manifest = manifestOf(plan, String(name), options.shard);
  const csvFile = options.shard
    ? join(outDir, 'shards', `shard-${options.shard.index}-of-${options.shard.count}.csv`)
    : join(outDir, 'sweep.csv');
  const csv = textTableToCsv(table);
  const curvesFile = options.shard ? shardCurvesFile(csvFile) : join(outDir, CURVES_FILE);
  const curvesSha256 = writeCurves(curvesFile, curveRowsOfRuns, plan.parameters);
  // A shard's manifest also holds its CSV's hash and its curves', which merge checks.
  const written = options.shard
    ? { ...manifest, csvSha256: sha256(csv), ...(curvesSha256 ? { curvesSha256 } : {}) }
    : manifest;
  writeAtomically(csvFile, csv);
  writeAtomically(csvFile.replace(/\.csv$/, '.json'), `${JSON.stringify(written, null, 2)}\n`);
  const reportStarted = performance.now(); // wall: benchmark only
  if (!options.shard)
    await writeSweepReport(outDir, table, manifest, curvesTable(curveRowsOfRuns, plan.parameters));
  const reportWallS = options.shard ? 0 : (performance.now() - reportStarted) / 1000; // wall: benchmark only
  if (errors.size > 0) {
    throw new RunFailedError(
      `${errors.size} of ${selected.length} runs failed; see the status and error columns of ${csvFile}`,
    );
  }
  return {
    outDir,
    csvFile,
    runs: selected.length,
    ran: pending.length,
    cached: selected.length - pending.length,
    failed: 0,
    runWallS,
    reportWallS,
  };
}

/**
 * What each run hands a thread: checks what the schema cannot by preparing
 * every point (throwing an InputError on a problem). Replications of a point
 * differ only in their seed and a prepared run runs with any seed, so each
 * point is prepared once and its replications share a prepared fleet run
 * (sent once to each worker). Other kinds, which may hold a data set once
 * prepared, are prepared again where they run.
 */
function prepareRuns(
  plan: SweepPlan,
  validated: readonly ValidatedScenario[],
  file: string,
  force: boolean,
): RunTask['run'][] {
  const library = new ProfileLibrary();
  const fleetRuns = new Map<number, PreparedRun | null>();
  return validated.map((scenario, i) => {
    const point = plan.runs[i]!.point;
    if (!fleetRuns.has(point)) {
      const run = prepareRun(scenario, file, library);
      checkRunBudget(run, { force, file });
      fleetRuns.set(point, run.kind === 'inference' ? run : null);
    }
    const prepared = fleetRuns.get(point);
    return prepared ? { prepared } : { scenario, file };
  });
}

export function manifestOf(
  plan: SweepPlan,
  scenario: string,
  shard: Shard | undefined,
): SweepManifest {
  return {
    edgesim: VERSION,
    scenario,
    sweepHash: plan.sweepHash,
    parameters: plan.parameters,
    replications: plan.replications,
    runs: plan.runs.length,
    shard: shard ?? null,
    report: reportSettings(plan),
  };
}

/** A valid cache entry: a run's summary and its curve, if it has one. */
type CachedEntry = Extract<CachedRun, { state: 'valid' }>;

/**
 * The entries of the runs already cached, by run index. A damaged entry
 * (emptied, cut short, edited) counts as not cached: its run runs again, with
 * a warning on stderr (one line each, the first ten).
 */
function readCache(
  selected: readonly SweepRun[],
  runsDir: string,
  keys: readonly string[],
): Map<number, CachedEntry> {
  const cached = new Map<number, CachedEntry>();
  let damaged = 0;
  for (const run of selected) {
    const entry = readCachedRun(runsDir, keys[run.index]!);
    if (entry.state === 'valid') cached.set(run.index, entry);
    if (entry.state === 'damaged' && ++damaged <= 10) {
      const file = forTerminal(cacheFile(runsDir, keys[run.index]!));
      process.stderr.write(
        `edgesim: warning: ${file} is damaged (${entry.reason}); running it again\n`,
      );
    }
  }
  if (damaged > 10) {
    process.stderr.write(
      `edgesim: warning: ${damaged - 10} more damaged cache entries; running them again\n`,
    );
  }
  return cached;
}

/**
 * Writes a file by temp file and rename, so readers never see half of it.
 * The temp file is a new file (never one that exists, nor a link's target)
 * in the same directory, named unpredictably
 * (`.edgesim-tmp-<name>-<pid>-<random>`); it is removed if the write fails.
 */
export function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const random = randomBytes(8).toString('hex');
  const temp = join(dirname(file), `.edgesim-tmp-${basename(file)}-${process.pid}-${random}`);
  try {
    writeFileSync(temp, text, { flag: 'wx' });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function seedOf(raw: unknown, file: string): number {
  const seed = (raw as { seed?: unknown } | null)?.seed ?? 1;
  if (!Number.isSafeInteger(seed) || (seed as number) < 0) {
    throw new InputError(file, [
      { path: 'seed', message: 'expected a non-negative integer', value: seed },
    ]);
  }
  return seed as number;
}
