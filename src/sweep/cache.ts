import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { tableToCsv } from '../results/csv.js';
import type { Table } from '../results/table.js';
import { canonicalJson } from '../scenario/load.js';
import { VERSION } from '../version.js';
import type { Scenario } from '../workloads/scenario.js';

/**
 * The result cache of a sweep: `runs/<key>.csv` holds one finished run's
 * summary row, then, if its workload draws one, a line `#curve` and its curve
 * as CSV (workload.ts), then a last line `#sha256:<hex>`, the SHA-256 of the
 * text before it. It is written to a temporary file and renamed into place, the
 * rename being the completion marker: a file named by its key exists only
 * when complete, so `kill -9` at any moment never leaves half a result counted
 * as done. The hash catches what the rename cannot: an entry emptied, cut
 * short or edited afterwards is damaged, and its run runs again. (One file
 * per run: file writes dominated small runs when each run kept several.)
 */

/**
 * The cache key of a run: SHA-256 of (validated scenario, seed, edgesim
 * version, `profiles`: the profile files' digest, `profilesDigest` of
 * fleet/profile-dirs.ts). A
 * scenario names its profiles, so a refitted or edited profile (a built-in
 * one, or one of EDGESIM_PROFILES) must miss the cache, not return the
 * results of its old figures.
 */
export function runKey(scenario: Scenario, seed: number, profiles: string): string {
  return createHash('sha256')
    .update(canonicalJson({ scenario, seed, edgesim: VERSION, profiles }))
    .digest('hex');
}

/** What the cache holds for a run: nothing, its summary row (as CSV strings), or a damaged entry and why. */
export type CachedRun =
  | { state: 'missing' }
  | { state: 'valid'; summary: Record<string, string>; curve?: Record<string, string>[] }
  | { state: 'damaged'; reason: string };

/** The line between an entry's summary and its curve. */
const CURVE_LINE = '#curve\n';

/** An entry is one summary row: a few kB. Anything much larger is not one. */
const MAX_ENTRY_BYTES = 1 << 20;

/** The last line of an entry: the SHA-256 of the CSV text before it. */
const HASH_LINE = /#sha256:([0-9a-f]{64})\n$/;

/** The file of the run with this key. */
export function cacheFile(runsDir: string, key: string): string {
  return join(runsDir, `${key}.csv`);
}

/**
 * The cached run with this key. Never throws for a bad entry: an entry that
 * is empty, cut short, edited, not a regular file or not one summary row is
 * `damaged`, to be run again (and overwritten when it finishes).
 */
export function readCachedRun(runsDir: string, key: string): CachedRun {
  const text = readEntry(cacheFile(runsDir, key));
  if (text === null) return { state: 'missing' };
  if (typeof text !== 'string') return { state: 'damaged', reason: text.reason };
  if (text.length === 0) return { state: 'damaged', reason: 'empty' };
  const found = HASH_LINE.exec(text);
  if (found === null) return { state: 'damaged', reason: 'no content hash' };
  const content = text.slice(0, found.index);
  if (sha256(content) !== found[1]) return { state: 'damaged', reason: 'content hash mismatch' };
  const at = content.lastIndexOf(CURVE_LINE); // a curve is numbers only: the last marker is it
  let rows: Record<string, string>[];
  let curve: Record<string, string>[] | undefined;
  try {
    rows = parseCsv(at < 0 ? content : content.slice(0, at));
    if (at >= 0) curve = parseCsv(content.slice(at + CURVE_LINE.length));
  } catch {
    return { state: 'damaged', reason: 'not a CSV' };
  }
  if (rows.length !== 1) {
    return { state: 'damaged', reason: `${rows.length} summary rows, expected 1` };
  }
  return { state: 'valid', summary: rows[0]!, ...(curve !== undefined ? { curve } : {}) };
}

/**
 * An entry's text; null when there is none. Opened without following a
 * symbolic link and without blocking on a FIFO, and read only when it is a
 * regular file of a plausible size.
 */
function readEntry(file: string): string | null | { reason: string } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? null : { reason: `unreadable (${code})` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { reason: 'not a regular file' };
    if (stats.size > MAX_ENTRY_BYTES) return { reason: `${stats.size} bytes, too large` };
    return readFileSync(fd, 'utf8');
  } catch (error) {
    return { reason: `unreadable (${(error as NodeJS.ErrnoException).code})` };
  } finally {
    closeSync(fd);
  }
}

/**
 * Caches a finished run's summary and curve atomically (temporary file, then
 * rename), with the hash of the text as the last line.
 */
export function writeCachedRun(
  runsDir: string,
  key: string,
  summary: Table,
  curve: Table | null = null,
): void {
  mkdirSync(runsDir, { recursive: true });
  const csv = tableToCsv(summary) + (curve === null ? '' : CURVE_LINE + tableToCsv(curve));
  // Named for this process, so a later sweep can tell a killed writer's leftover (out-dir.ts).
  const temp = join(runsDir, `.tmp-${key}-${process.pid}-${randomBytes(8).toString('hex')}`);
  try {
    writeFileSync(temp, `${csv}#sha256:${sha256(csv)}\n`, { flag: 'wx' });
    renameSync(temp, cacheFile(runsDir, key));
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** SHA-256 of text (as UTF-8), in hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A CSV file's rows as records of strings, keyed by the header. */
export function readCsvRecords(file: string): Record<string, string>[] {
  return parseCsv(readFileSync(file, 'utf8'));
}

/** CSV text's rows as records of strings, keyed by the header; throws a CsvError on malformed text. */
export function parseCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}
