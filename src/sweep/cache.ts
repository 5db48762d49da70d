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
 * The result cache of a sweep: `runs/<key>.csv` holds one finished run's
 * summary row. It is written to a temporary file and renamed into place, the
 * rename being the completion marker: a file named by its key exists only
 * when complete, so `kill -9` at any moment never leaves half a result counted
 * as done. (One file per run: file writes dominated small runs when each run
 * kept several.)
 */

/** The cache key of a run: SHA-256 of (validated scenario, seed, edgesim version). */
export function runKey(scenario: Scenario, seed: number): string {
  return createHash('sha256')
    .update(canonicalJson({ scenario, seed, edgesim: VERSION }))
    .digest('hex');
}

/** True when the run with this key has finished and been cached. */
export function isCached(runsDir: string, key: string): boolean {
  return existsSync(join(runsDir, `${key}.csv`));
}

/** Caches a finished run's summary atomically (temporary file, then rename). */
export function writeCachedRun(runsDir: string, key: string, summary: Table): void {
  mkdirSync(runsDir, { recursive: true });
  const temp = join(runsDir, `.tmp-${key}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(temp, tableToCsv(summary));
    renameSync(temp, join(runsDir, `${key}.csv`));
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** A cached run's summary row, as the strings its CSV holds. */
export function readCachedSummary(runsDir: string, key: string): Record<string, string> {
  const rows = readCsvRecords(join(runsDir, `${key}.csv`));
  if (rows.length !== 1) throw new Error(`${key}.csv: expected one row, found ${rows.length}`);
  return rows[0]!;
}

/** A CSV file's rows as records of strings, keyed by the header. */
export function readCsvRecords(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}
