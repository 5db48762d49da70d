import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeReport } from '../report/write.js';
import type { Table } from '../results/table.js';
import { readCsvRecords } from './cache.js';
import type { SweepManifest } from './run-sweep.js';

/** Where a sweep's report goes, inside its output directory. */
export const REPORT_DIR = 'report';

/**
 * Writes `report/report.html` and each chart as `.vl.json` and `.svg` from a
 * combined sweep table (completed runs only), replacing an earlier report.
 */
export async function writeSweepReport(
  outDir: string,
  table: Table,
  manifest: SweepManifest,
): Promise<string[]> {
  const rows = table.rows
    .map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null])))
    .filter((row) => row.status === 'completed');
  const dir = join(outDir, REPORT_DIR);
  rmSync(dir, { recursive: true, force: true });
  return writeReport(dir, rows, {
    title: manifest.scenario,
    parameters: manifest.parameters,
    replicationColumn: 'replication',
  });
}

/** Renders the report of a sweep directory again from its `sweep.csv` and `sweep.json`. */
export async function rerenderReport(outDir: string, manifest: SweepManifest): Promise<string[]> {
  const records = readCsvRecords(join(outDir, 'sweep.csv'));
  const columns = records.length > 0 ? Object.keys(records[0]!) : [];
  const table: Table = { columns, rows: records.map((r) => columns.map((c) => r[c] ?? '')) };
  return writeSweepReport(outDir, table, manifest);
}
