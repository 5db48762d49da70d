import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { textTableToCsv } from '../results/csv.js';
import { type ClaimOptions, claimSweepDir } from '../results/out-dir.js';
import { combineRows, type RunRow } from './combine.js';
import { CURVES_FILE, curvesTable, readShardCurves, writeCurves } from './curves.js';
import { writeSweepReport } from './report.js';
import { type SweepManifest, writeAtomically } from './run-sweep.js';
import { readShardManifest, readShardRows } from './shard-file.js';

/**
 * Joins the shard CSVs of one sweep into the combined `sweep.csv` and
 * `curves.csv` (the same bytes a one-machine sweep writes) and its report. `inputs` are shard CSV
 * files or directories holding them (a sweep's output directory, or its
 * `shards/`). Refuses shards of different sweeps, missing or repeated shards,
 * and a shard that does not hold each of its runs exactly once or whose CSV
 * is cut short, malformed or changed since it was written (see shard-file.ts).
 */
export async function mergeShards(
  inputs: readonly string[],
  outDir: string,
  options: ClaimOptions = {},
): Promise<{ csvFile: string; runs: number }> {
  const files = inputs.flatMap(shardFiles);
  if (files.length === 0) {
    throw new InputError(inputs.join(', '), [
      { path: '', message: 'no shard files (shard-<i>-of-<N>.csv) found' },
    ]);
  }
  const shards = files.map((csv) => ({ csv, manifest: readShardManifest(csv) }));
  const first = shards[0]!;
  const count = first.manifest.shard?.count ?? 1;
  const seen = new Map<number, string>();
  for (const { csv, manifest } of shards) {
    if (manifest.sweepHash !== first.manifest.sweepHash) {
      throw new InputError(csv, [
        {
          path: '',
          message: `belongs to a different sweep than ${first.csv} (sweep ${manifest.sweepHash.slice(0, 12)} vs ${first.manifest.sweepHash.slice(0, 12)}); refusing to merge`,
        },
      ]);
    }
    const index = manifest.shard?.index ?? 1;
    if (manifest.runs !== first.manifest.runs) {
      throw new InputError(csv, [
        { path: 'runs', message: `is ${manifest.runs}, ${first.csv} says ${first.manifest.runs}` },
      ]);
    }
    if ((manifest.shard?.count ?? 1) !== count) {
      throw new InputError(csv, [
        { path: '', message: `is one of ${manifest.shard?.count} shards, the others of ${count}` },
      ]);
    }
    if (seen.has(index)) {
      throw new InputError(csv, [
        { path: '', message: `shard ${index}/${count} is given twice (also ${seen.get(index)})` },
      ]);
    }
    seen.set(index, csv);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new InputError(inputs.join(', '), [
      { path: '', message: `missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')}` },
    ]);
  }
  const rows: RunRow[] = shards.flatMap(({ csv, manifest }) => readShardRows(csv, manifest));
  const curveRows = shards.flatMap(({ csv, manifest }) =>
    readShardCurves(csv, manifest.curvesSha256),
  );
  claimSweepDir(outDir, options);
  const { parameters } = first.manifest;
  const table = combineRows(rows, parameters);
  const csvFile = join(outDir, 'sweep.csv');
  const { csvSha256: _shardHash, curvesSha256: _curvesHash, ...sweep } = first.manifest;
  const manifest: SweepManifest = { ...sweep, shard: null };
  writeAtomically(csvFile, textTableToCsv(table));
  writeCurves(join(outDir, CURVES_FILE), curveRows, parameters);
  writeAtomically(join(outDir, 'sweep.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeSweepReport(outDir, table, manifest, curvesTable(curveRows, parameters));
  return { csvFile, runs: rows.length };
}

function shardFiles(input: string): string[] {
  if (!existsSync(input))
    throw new InputError(input, [{ path: '', message: 'no such file or directory' }]);
  if (!statSync(input).isDirectory()) return [input];
  const dir = existsSync(join(input, 'shards')) ? join(input, 'shards') : input;
  return readdirSync(dir)
    .filter((f) => /^shard-\d+-of-\d+\.csv$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}
