import type { Table } from '../results/table.js';
import type { SweepManifest } from './run-sweep.js';

/** Writes report.html and the charts of a combined sweep table (placeholder until the report module lands). */
export function writeSweepReport(
  _outDir: string,
  _table: Table,
  _manifest: SweepManifest,
): string[] {
  return [];
}
