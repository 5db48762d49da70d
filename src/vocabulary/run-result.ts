/**
 * What a run produces, whatever its workload: shared vocabulary of the
 * workloads (which return it), runs and sweeps (which write it).
 */
import type { Table } from '../results/table.js';

/** Result tables of one run, by file stem (`summary` is written as summary.csv). */
export type RunTables = Readonly<Record<string, Table>>;

/** What a run produced: its tables, other files (path in the output directory -> content), and the TF.js backend it used (null if none). */
export interface RunResult {
  tables: RunTables;
  files?: Readonly<Record<string, string | Uint8Array>>;
  backend: string | null;
}
