import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { tableToCsv } from '../results/csv.js';
import type { Table } from '../results/table.js';
import { canonicalJson } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { VERSION } from '../version.js';

/**
 * The result cache of a sweep: `runs/<key>/` holds one finished run's CSVs.
 * A run directory is written under a temporary name, with `done.json` written
 * last, and renamed into place: a directory named by its key exists only when
 * complete, so `kill -9` at any moment never leaves half a result counted as done.
 */

/** Tables a sweep keeps of each run. */
export const CACHED_TABLES = ['summary', 'groups', 'latency', 'servers'] as const;

/** The cache key of a run: SHA-256 of (validated scenario, seed, edgesim version). */
export function runKey(scenario: Scenario, seed: number): string {
  return createHash('sha256')
    .update(canonicalJson({ scenario, seed, edgesim: VERSION }))
    .digest('hex');
}

/** True when the run with this key has finished and been cached. */
export function isCached(runsDir: string, key: string): boolean {
  return existsSync(join(runsDir, key, 'done.json'));
}

/** Writes a finished run atomically (temp directory, done.json last, rename). */
export function writeCachedRun(
  runsDir: string,
  key: string,
  tables: Readonly<Record<string, Table>>,
): void {
  mkdirSync(runsDir, { recursive: true });
  const temp = join(runsDir, `.tmp-${key}-${randomBytes(4).toString('hex')}`);
  mkdirSync(temp);
  try {
    for (const name of CACHED_TABLES) {
      const table = tables[name];
      if (table !== undefined) writeFileSync(join(temp, `${name}.csv`), tableToCsv(table));
    }
    writeFileSync(join(temp, 'done.json'), `${JSON.stringify({ key, edgesim: VERSION })}\n`);
    rmSync(join(runsDir, key), { recursive: true, force: true });
    renameSync(temp, join(runsDir, key));
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** A cached run's summary row, as the strings its CSV holds. */
export function readCachedSummary(runsDir: string, key: string): Record<string, string> {
  const rows = readCsvRecords(join(runsDir, key, 'summary.csv'));
  if (rows.length !== 1)
    throw new Error(`${key}/summary.csv: expected one row, found ${rows.length}`);
  return rows[0]!;
}

/** A CSV file's rows as records of strings, keyed by the header. */
export function readCsvRecords(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}
