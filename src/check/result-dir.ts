/**
 * A result directory as compare reads it: a run (`manifest.json` and its
 * `summary.csv`, one row) or a sweep (`sweep.json` and `sweep.csv`, one row
 * per run), as samples of each summary metric grouped by sweep point, with
 * the hashes that say whether two directories hold identical results.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';

/** One run: its seed and its summary cells by column. */
export interface Sample {
  seed: string;
  cells: Record<string, string>;
}

export interface ResultDir {
  dir: string;
  kind: 'run' | 'sweep';
  /** The completed runs' samples by point (`path=value, ...`; '' for a run). */
  points: Map<string, Sample[]>;
  /** Summary columns (no run identity, no swept parameters), in file order. */
  metrics: string[];
  runs: number;
  /** What must be equal for two directories to be identical: file name to SHA-256. */
  hashes: Record<string, string>;
}

/** Columns of sweep.csv that identify a run rather than measure it. */
const IDENTITY = new Set(['run', 'point', 'replication', 'seed', 'status', 'error']);

/** Reads a run or sweep directory; throws an InputError naming `dir` when it is neither. */
export function readResultDir(dir: string): ResultDir {
  if (existsSync(join(dir, 'sweep.json')) && existsSync(join(dir, 'sweep.csv')))
    return readSweep(dir);
  if (existsSync(join(dir, 'manifest.json'))) return readRun(dir);
  const message = existsSync(dir)
    ? 'not an edgesim result: expected a run directory (manifest.json, summary.csv) or a sweep directory (sweep.json, sweep.csv)'
    : 'no such directory';
  throw new InputError(dir, [{ path: '', message }]);
}

function readRun(dir: string): ResultDir {
  const manifest = readJson(dir, 'manifest.json') as {
    seed?: unknown;
    outputs?: Record<string, string>;
  };
  const outputs = manifest.outputs;
  if (outputs === undefined || typeof outputs !== 'object' || outputs === null)
    throw new InputError(join(dir, 'manifest.json'), [
      { path: 'outputs', message: 'missing: expected the SHA-256 of each CSV the run wrote' },
    ]);
  const rows = readCsv(dir, 'summary.csv');
  const cells = rows.records[0];
  if (cells === undefined)
    throw new InputError(join(dir, 'summary.csv'), [{ path: '', message: 'no summary row' }]);
  const points = new Map([['', [{ seed: String(manifest.seed), cells }]]]);
  return { dir, kind: 'run', points, metrics: rows.columns, runs: 1, hashes: { ...outputs } };
}

function readSweep(dir: string): ResultDir {
  const manifest = readJson(dir, 'sweep.json') as { parameters?: unknown };
  const parameters = Array.isArray(manifest.parameters) ? (manifest.parameters as string[]) : [];
  const text = readFileSync(join(dir, 'sweep.csv'), 'utf8');
  const rows = parseCsv(join(dir, 'sweep.csv'), text);
  const points = new Map<string, Sample[]>();
  let runs = 0;
  for (const cells of rows.records) {
    if (cells.status !== 'completed') continue;
    runs++;
    const point = parameters.map((p) => `${p}=${cells[p]}`).join(', ');
    const samples = points.get(point) ?? [];
    samples.push({ seed: cells.seed ?? '', cells });
    points.set(point, samples);
  }
  const swept = new Set(parameters);
  const metrics = rows.columns.filter((c) => !IDENTITY.has(c) && !swept.has(c));
  const hashes = { 'sweep.csv': createHash('sha256').update(text).digest('hex') };
  return { dir, kind: 'sweep', points, metrics, runs, hashes };
}

function readJson(dir: string, name: string): Record<string, unknown> {
  const file = join(dir, name);
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (value !== null && typeof value === 'object') return value as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== undefined) throw error;
  }
  throw new InputError(file, [{ path: '', message: 'not a JSON object' }]);
}

function readCsv(dir: string, name: string) {
  const file = join(dir, name);
  if (!existsSync(file)) throw new InputError(file, [{ path: '', message: 'missing' }]);
  return parseCsv(file, readFileSync(file, 'utf8'));
}

function parseCsv(
  file: string,
  text: string,
): { columns: string[]; records: Record<string, string>[] } {
  try {
    const lines: string[][] = parse(text, { relax_column_count: false });
    const columns = lines[0] ?? [];
    const records = lines
      .slice(1)
      .map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i] ?? ''])));
    return { columns, records };
  } catch (error) {
    throw new InputError(file, [{ path: '', message: `not a CSV: ${(error as Error).message}` }]);
  }
}
