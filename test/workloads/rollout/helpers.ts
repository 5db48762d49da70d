import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table, TableValue } from '../../../src/results/table.js';
import { prepareScenario } from '../../../src/run.js';
import type { ResolvedRollout } from '../../../src/workloads/rollout/resolve.js';
import { runRollout } from '../../../src/workloads/rollout/run.js';

/** The shipped model fixtures (scripts/make-rollout-fixtures.ts). */
export const MODELS = join(__dirname, '../../../scenarios/models/rollout');
export const model = (name: string) => join(MODELS, `${name}.edgm`);
/** Bytes of base.edgm and of each fine-tuned copy (same architecture, same length). */
export const IMAGE_BYTES = 102_829;

/** Writes `scenario` (as JSON, which YAML reads) to a fresh temporary file; returns its path. */
export function scenarioFile(scenario: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-rollout-')), 'scenario.yaml');
  writeFileSync(file, JSON.stringify({ name: 'rollout-test', seed: 1, ...scenario }, null, 2));
  return file;
}

/** Loads, validates, resolves and runs a rollout scenario; its tables. */
export function runFile(file: string, seed?: number): Record<string, Table> {
  const { loaded, prepared } = prepareScenario(file);
  if (prepared.kind !== 'rollout') throw new Error(`${file} is a ${prepared.kind} scenario`);
  return runRollout(prepared.resolved as ResolvedRollout, seed ?? loaded.scenario.seed);
}

/** The table's rows as records by column. */
export function records(table: Table): Record<string, TableValue>[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]!])));
}

/** One summary cell. */
export function summaryOf(tables: Record<string, Table>): Record<string, TableValue> {
  return records(tables.summary!)[0]!;
}
