/**
 * A sweep's curves (`curves.csv`): each completed run's curve (an FL run's
 * accuracy after each evaluation, workloads/workload.ts `curve`), a row per
 * point, after the run's identity and swept parameters. Built from the
 * runs' cache entries, so the same runs give the same bytes whether they ran
 * here, were cached, or come from merged shards.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { type TextTable, textTableToCsv } from '../results/csv.js';
import { parseCsv, sha256 } from './cache.js';
import { type RunRow, runRow } from './combine.js';
import type { SweepRun } from './grammar.js';
import { writeAtomically } from './run-sweep.js';

/** The curves of a sweep, beside its sweep.csv. */
export const CURVES_FILE = 'curves.csv';

/** The identity columns of a curve row, before the parameters. */
const IDENTITY = ['run', 'point', 'replication', 'seed'] as const;

/** The rows of one run's curve: its identity and parameters, then each point's cells. */
export function curveRows(run: SweepRun, curve: readonly Record<string, string>[]): RunRow[] {
  const identity = runRow(run, { summary: {} });
  delete identity.status;
  delete identity.error;
  return curve.map((point) => ({ ...identity, ...point }));
}

/** The curves table of `rows` (several runs' points, in any run order; a run's points in order). */
export function curvesTable(rows: readonly RunRow[], parameters: readonly string[]): TextTable {
  const sorted = [...rows].sort((a, b) => Number(a.run) - Number(b.run)); // stable: points keep their order
  const columns: string[] = [...IDENTITY, ...parameters];
  const known = new Set(columns);
  for (const row of sorted)
    for (const column of Object.keys(row))
      if (!known.has(column)) {
        known.add(column);
        columns.push(column);
      }
  return { columns, rows: sorted.map((row) => columns.map((c) => row[c] ?? '')) };
}

/**
 * Writes `rows` as the curves file `file` and returns its text's SHA-256, or,
 * with no rows, removes an earlier one and returns undefined.
 */
export function writeCurves(
  file: string,
  rows: readonly RunRow[],
  parameters: readonly string[],
): string | undefined {
  if (rows.length === 0) {
    rmSync(file, { force: true });
    return undefined;
  }
  const csv = textTableToCsv(curvesTable(rows, parameters));
  writeAtomically(file, csv);
  return sha256(csv);
}

/** A shard's curves file, beside its CSV: `shard-1-of-2.curves.csv`. */
export function shardCurvesFile(shardCsv: string): string {
  return shardCsv.replace(/\.csv$/, '.curves.csv');
}

/**
 * A shard's curve rows, checked against the hash its manifest holds (none
 * when the manifest holds none: the shard ran no run with a curve).
 */
export function readShardCurves(shardCsv: string, hash: string | undefined): RunRow[] {
  if (hash === undefined) return [];
  const file = shardCurvesFile(shardCsv);
  if (!existsSync(file))
    throw new InputError(shardCsv, [
      { path: '', message: `its curves file ${file} is missing; copy it with the shard` },
    ]);
  const text = readFileSync(file, 'utf8');
  if (sha256(text) !== hash)
    throw new InputError(file, [
      { path: '', message: 'changed since its shard was written (SHA-256 mismatch)' },
    ]);
  return parseCsv(text);
}

/** The records of a sweep directory's curves.csv; empty when it has none. */
export function readCurves(outDir: string): Record<string, string>[] {
  const file = join(outDir, CURVES_FILE);
  return existsSync(file) ? parseCsv(readFileSync(file, 'utf8')) : [];
}
