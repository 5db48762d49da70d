import { readFileSync, statSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { InputError, type InputProblem } from '../errors.js';
import { sha256 } from './cache.js';
import { RUN_COLUMNS, type RunRow } from './combine.js';
import type { SweepManifest } from './run-sweep.js';

/**
 * Reading one shard of a sweep for `edgesim merge`: its manifest
 * (`shard-i-of-N.json`) and its CSV, each checked before anything is merged.
 * Every problem is an InputError (exit 2) naming the file: a missing or
 * malformed manifest, a CSV cut short or not well formed, columns that are
 * not the sweep's, run ids missing, repeated or of another shard, and a CSV
 * whose content no longer matches the hash its manifest recorded.
 */

const HEX64 = /^[0-9a-f]{64}$/;
const count = z.number().int().min(1);

/** The fields merge relies on; other fields are kept as they are. */
const manifestSchema = z.object({
  edgesim: z.string(),
  scenario: z.string(),
  sweepHash: z.string().regex(HEX64, 'expected a SHA-256 in hex'),
  parameters: z.array(z.string()),
  replications: count,
  runs: count,
  shard: z
    .object({ index: count, count })
    .refine((s) => s.index <= s.count, 'expected index <= count')
    .nullable(),
  csvSha256: z.string().regex(HEX64, 'expected a SHA-256 in hex').optional(),
  curvesSha256: z.string().regex(HEX64, 'expected a SHA-256 in hex').optional(),
});

/** The manifest written next to a shard CSV (`.json` for `.csv`), checked. */
export function readShardManifest(csv: string): SweepManifest {
  const file = csv.replace(/\.csv$/, '.json');
  const text = readRegularFile(file, 'shard manifest (written next to each shard CSV)');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(file, [
      { path: '', message: `is not valid JSON (${(error as Error).message})` },
    ]);
  }
  const checked = manifestSchema.safeParse(json);
  if (!checked.success) {
    throw new InputError(
      file,
      checked.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: `${issue.message}; not a shard manifest edgesim wrote`,
      })),
    );
  }
  // The parsed JSON, not zod's copy: merge writes it back with its fields in their order.
  return json as SweepManifest;
}

/**
 * The rows of a shard CSV, each cell as the CSV holds it, once the CSV is
 * known to be whole, to have the sweep's columns and to hold exactly the runs
 * of its shard (run r belongs to shard (r mod N) + 1, as `shardRuns` assigns
 * them), each once.
 */
export function readShardRows(csv: string, manifest: SweepManifest): RunRow[] {
  const text = readRegularFile(csv, 'shard CSV');
  if (!text.endsWith('\n')) {
    throw new InputError(csv, [
      { path: '', message: 'is cut short: its last line has no line end (truncated?)' },
    ]);
  }
  const [header, ...records] = parseRecords(csv, text);
  checkColumns(csv, header ?? [], manifest.parameters);
  const rows = records.map((cells) => Object.fromEntries(header!.map((c, i) => [c, cells[i]!])));
  checkCoverage(csv, rows, manifest);
  if (manifest.csvSha256 !== undefined && sha256(text) !== manifest.csvSha256) {
    throw new InputError(csv, [
      {
        path: '',
        message:
          'content hash mismatch: changed since the sweep wrote it (its manifest records the SHA-256 of the CSV); run the shard again',
      },
    ]);
  }
  return rows;
}

function readRegularFile(file: string, what: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new InputError(file, [{ path: '', message: `missing: expected a ${what}` }]);
  }
  if (!isFile)
    throw new InputError(file, [{ path: '', message: `not a regular file: expected a ${what}` }]);
  return readFileSync(file, 'utf8');
}

function parseRecords(csv: string, text: string): string[][] {
  try {
    return parse(text, { skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new InputError(csv, [
      { path: '', message: `is not a well-formed CSV (${(error as Error).message})` },
    ]);
  }
}

function checkColumns(csv: string, header: readonly string[], parameters: readonly string[]): void {
  const expected = [...RUN_COLUMNS, ...parameters];
  const problems: InputProblem[] = [];
  if (expected.some((column, i) => header[i] !== column)) {
    problems.push({
      path: '',
      message: `has columns ${list(header.slice(0, expected.length), expected.length)}; a shard of this sweep starts with ${expected.join(', ')}`,
    });
  }
  const repeated = header.filter((column, i) => header.indexOf(column) !== i);
  if (repeated.length > 0) {
    problems.push({ path: '', message: `repeats column(s) ${list(repeated)}` });
  }
  if (problems.length > 0) throw new InputError(csv, problems);
}

function checkCoverage(csv: string, rows: readonly RunRow[], manifest: SweepManifest): void {
  const { index, count } = manifest.shard ?? { index: 1, count: 1 };
  const ofShard = (run: number) => run < manifest.runs && run % count === index - 1;
  const times = new Map<number, number>();
  const foreign: string[] = [];
  for (const row of rows) {
    const id = row.run ?? '';
    const run = /^\d+$/.test(id) ? Number(id) : Number.NaN;
    if (ofShard(run)) times.set(run, (times.get(run) ?? 0) + 1);
    else foreign.push(JSON.stringify(id.slice(0, 24)));
  }
  const expected = Array.from({ length: manifest.runs }, (_, run) => run).filter(ofShard);
  const missing = expected.filter((run) => !times.has(run));
  const repeated = [...times].filter(([, n]) => n > 1).map(([run]) => run);
  const shard = `shard ${index}/${count} of a ${manifest.runs}-run sweep`;
  const problems: InputProblem[] = [];
  if (missing.length > 0) {
    problems.push({
      path: 'run',
      message: `missing run(s) ${list(missing)}: ${shard} holds ${expected.length} runs, found ${times.size}`,
    });
  }
  if (repeated.length > 0) {
    problems.push({ path: 'run', message: `run(s) ${list(repeated)} appear more than once` });
  }
  if (foreign.length > 0) {
    problems.push({
      path: 'run',
      message: `run id(s) ${list(foreign)} are not runs of ${shard} (run r is in shard (r mod ${count}) + 1)`,
    });
  }
  if (problems.length > 0) throw new InputError(csv, problems);
}

/** The first few items, comma separated, and how many more there are. */
function list(items: readonly (string | number)[], shown = 20): string {
  const more = items.length > shown ? ` and ${items.length - shown} more` : '';
  return `${items.slice(0, shown).join(', ')}${more}`;
}
