import { join } from 'node:path';
import type { Table } from './results/table.js';
import { writeResults } from './results/write.js';
import { type LoadedScenario, loadScenario } from './scenario/load.js';
import { gitCommit, VERSION } from './version.js';
import { type ResolvedScenario, resolveScenario } from './workloads/inference/resolve.js';
import { runInference } from './workloads/inference/run.js';

/** Result tables of one run, by file stem (`summary` is written as summary.csv). */
export type RunTables = Readonly<Record<string, Table>>;

/**
 * Runs a resolved scenario with a seed. A pure function: the same scenario
 * and seed always give the same tables.
 */
export function runScenario(resolved: ResolvedScenario, seed: number): RunTables {
  const tables: Record<string, Table> = {};
  for (const [name, table] of Object.entries(runInference(resolved, seed))) {
    if (table !== undefined) tables[name] = table;
  }
  return tables;
}

/** Loads, validates and resolves a scenario file; throws an InputError on any problem. */
export function prepareScenario(file: string): {
  loaded: LoadedScenario;
  resolved: ResolvedScenario;
} {
  const loaded = loadScenario(file);
  return { loaded, resolved: resolveScenario(loaded.scenario, file) };
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
  const { loaded, resolved } = prepareScenario(file);
  const seed = options.seed ?? loaded.scenario.seed;
  const outDir = options.out ?? join('results', safeDirName(loaded.scenario.name));
  const started = performance.now(); // wall: manifest only
  const tables = runScenario(resolved, seed);
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
