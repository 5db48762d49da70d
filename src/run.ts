import { join } from 'node:path';
import { profileDirs, profilesDigest } from './fleet/profile-dirs.js';
import { ProfileLibrary } from './fleet/profiles.js';
import { guardHeap } from './heap-guard.js';
import { NO_PROGRESS, type ProgressReporter } from './progress.js';
import { checkOutputDir } from './results/out-dir.js';
import { writeResults } from './results/write.js';
import { checkRunBudget } from './run-budget.js';
import { COMMAND_BLOCKS, readMergedScenario, splitScenario } from './scenario/load.js';
import { gitCommit, VERSION } from './version.js';
import type { RunResult, RunTables } from './vocabulary/run-result.js';
import type { ResolvedInference } from './workloads/inference/index.js';
import { runInferenceTables } from './workloads/inference/workload.js';
import { type PreparedRun, scenarioKind, workloadOf } from './workloads/registry.js';
import { type LoadedScenario, loadScenario, type ValidatedScenario } from './workloads/scenario.js';

export type { RunResult, RunTables } from './vocabulary/run-result.js';
export type { PreparedRun } from './workloads/registry.js';

/**
 * Resolves a validated scenario of any kind (profiles, model cards, data
 * files) with its kind's workload. Throws an InputError listing every
 * problem, naming `file`.
 */
export function prepareRun(
  scenario: ValidatedScenario,
  file: string,
  library: ProfileLibrary = new ProfileLibrary(),
): PreparedRun {
  const kind = scenarioKind(scenario);
  return { kind, resolved: workloadOf(kind).resolve(scenario, file, library) } as PreparedRun;
}

/** Options of a run that do not change its results. */
export interface RunOptions {
  /** Told how far the run has come (simulated time, round, step); default: nothing shown. The caller stops it. */
  progress?: ProgressReporter;
}

/**
 * Runs a prepared scenario with a seed through its kind's workload. A pure
 * function: the same scenario and seed (and, for ML runs, the same TF.js
 * backend) always give the same tables. The result holds the workload's own
 * files (compress: models, cards); its report is drawn by
 * {@link runScenarioFile}, which writes files.
 */
export async function runPrepared(
  prepared: PreparedRun,
  seed: number,
  options: RunOptions = {},
): Promise<RunResult> {
  return workloadOf(prepared.kind).run(prepared.resolved, seed, options.progress ?? NO_PROGRESS);
}

/** Runs a resolved inference scenario with a seed (synchronously: it needs no ML runtime). */
export function runInferenceScenario(
  resolved: ResolvedInference,
  seed: number,
  options: RunOptions = {},
): RunTables {
  return runInferenceTables(resolved, seed, options.progress);
}

/** @deprecated The "fleet" kind is named `inference` now: use {@link runInferenceScenario}. */
export const runScenario = runInferenceScenario;

/** Loads, validates and resolves a scenario file; throws an InputError on any problem. */
export function prepareScenario(file: string): { loaded: LoadedScenario; prepared: PreparedRun } {
  const loaded = loadScenario(file);
  return { loaded, prepared: prepareRun(loaded.scenario, file) };
}

export interface RunFileOptions extends RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Output directory; default `results/<scenario name>`. */
  out?: string;
  /** Told of what the run ignored (a sweep, plan or expect block); default: a line on stderr. */
  warn?: (message: string) => void;
  /** Write into an output directory that holds files edgesim did not write (see results/out-dir.ts). */
  forceReplace?: boolean;
  /** Run even when the run's estimated events or memory pass the limits in run-budget.ts. */
  force?: boolean;
  /** Refuse a run estimated above this many events (default: run-budget.ts's MAX_EVENTS). */
  maxEvents?: number;
}

/** What {@link runScenarioFile} wrote. */
export interface RunOutcome {
  outDir: string;
  seed: number;
  tables: RunTables;
  wallTimeS: number;
}

/**
 * Loads and validates a scenario file, runs it, and writes its CSVs and
 * `manifest.json`. Invalid input throws before anything is written.
 */
export async function runScenarioFile(
  file: string,
  options: RunFileOptions = {},
): Promise<RunOutcome> {
  const { loaded, prepared } = prepareScenario(file);
  checkRunBudget(prepared, {
    force: options.force === true,
    file,
    ...(options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents }),
  });
  for (const { block, use } of ignoredBlocks(file))
    (options.warn ?? printWarning)(
      `${file} has ${block === 'expect' ? 'an' : 'a'} ${block}: block; this runs its base scenario only (${use} ${file})`,
    );
  const seed = options.seed ?? loaded.scenario.seed;
  const outDir = options.out ?? join('results', safeDirName(loaded.scenario.name));
  const claim = { forceReplace: options.forceReplace === true };
  checkOutputDir(outDir, 'run', claim); // refuse before the run, not after it
  const started = performance.now(); // wall: manifest only
  const progress = guardHeap(options.progress ?? NO_PROGRESS);
  const { tables, files, backend } = await runPrepared(prepared, seed, { ...options, progress });
  const report = await reportFiles(prepared, tables);
  const wallTimeS = (performance.now() - started) / 1000; // wall: manifest only
  writeResults(
    outDir,
    tables,
    (csvHashes) => manifestFor(loaded, seed, backend, wallTimeS, csvHashes),
    report === undefined ? files : { ...files, ...report },
    claim,
  );
  return { outDir, seed, tables, wallTimeS };
}

/**
 * The files of the run's report, if its workload draws one. The charting code
 * (Vega) is loaded only then; sweeps, which keep only tables, never load it.
 */
async function reportFiles(
  prepared: PreparedRun,
  tables: RunTables,
): Promise<Record<string, string> | undefined> {
  const report = workloadOf(prepared.kind).report?.(prepared.resolved, tables);
  if (report === undefined || report === null) return undefined;
  const { renderWorkloadReport } = await import('./report/workload-report.js');
  return renderWorkloadReport(report);
}

function manifestFor(
  loaded: LoadedScenario,
  seed: number,
  backend: string | null,
  wallTimeS: number,
  csvHashes: Record<string, string>,
): object {
  // Profiles beside the built-in ones (EDGESIM_PROFILES), or edited ones, change results
  // the commit does not pin: the manifest names the folders and the files' digest.
  const dirs = profileDirs();
  return {
    edgesim: VERSION,
    gitCommit: gitCommit(),
    ...(dirs.length > 1 && { profileDirs: dirs.slice(1) }),
    profilesSha256: profilesDigest(dirs),
    scenario: { name: loaded.scenario.name, file: loaded.file, sha256: loaded.hash },
    seed,
    tfjsBackend: backend,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    wallTimeS,
    finishedAt: new Date().toISOString(), // wall: manifest only
    outputs: csvHashes,
  };
}

/** What each block a run ignores is for: the command that uses it. */
const BLOCK_USE: Record<(typeof COMMAND_BLOCKS)[number], string> = {
  sweep: 'to run the sweep: edgesim sweep',
  plan: 'to search the plan: edgesim plan',
  expect: 'to check the expectations: edgesim check',
};

/** The blocks of `file` (with what it `extends`) that `run` ignores, and what each is for. */
function ignoredBlocks(file: string): { block: string; use: string }[] {
  const { blocks } = splitScenario(readMergedScenario(file));
  return COMMAND_BLOCKS.filter((block) => blocks[block] !== undefined).map((block) => ({
    block,
    use: BLOCK_USE[block],
  }));
}

function printWarning(message: string): void {
  process.stderr.write(`edgesim: warning: ${message}\n`);
}

/** A scenario name made safe as a directory name. */
export function safeDirName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'scenario';
}
