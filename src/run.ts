import { join } from 'node:path';
import type { Table } from './results/table.js';
import { writeResults } from './results/write.js';
import { type LoadedScenario, loadScenario } from './scenario/load.js';
import type { ValidatedScenario } from './scenario/schema.js';
import { gitCommit, VERSION } from './version.js';
import { runInference } from './workloads/inference/run.js';

/** Result tables of one run, by file stem (`summary` is written as summary.csv). */
export type RunTables = Readonly<Record<string, Table>>;

/**
 * Runs a validated scenario with a seed. A pure function: the same scenario
 * and seed always give the same tables.
 */
export function runScenario(scenario: ValidatedScenario, seed: number): RunTables {
  const { summary, requests } = runInference(scenario, seed);
  return { summary, requests };
}

export interface RunFileOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Output directory; default `results/<scenario name>`. */
  out?: string;
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
export function runScenarioFile(file: string, options: RunFileOptions = {}): RunOutcome {
  const loaded = loadScenario(file);
  const seed = options.seed ?? loaded.scenario.seed;
  const outDir = options.out ?? join('results', safeDirName(loaded.scenario.name));
  const started = performance.now(); // wall: manifest only
  const tables = runScenario(loaded.scenario, seed);
  const wallTimeS = (performance.now() - started) / 1000; // wall: manifest only
  writeResults(outDir, tables, (csvHashes) => manifestFor(loaded, seed, wallTimeS, csvHashes));
  return { outDir, seed, tables, wallTimeS };
}

function manifestFor(
  loaded: LoadedScenario,
  seed: number,
  wallTimeS: number,
  csvHashes: Record<string, string>,
): object {
  return {
    edgesim: VERSION,
    gitCommit: gitCommit(),
    scenario: { name: loaded.scenario.name, file: loaded.file, sha256: loaded.hash },
    seed,
    tfjsBackend: null,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    wallTimeS,
    finishedAt: new Date().toISOString(), // wall: manifest only
    outputs: csvHashes,
  };
}

/** A scenario name made safe as a directory name. */
export function safeDirName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'scenario';
}
