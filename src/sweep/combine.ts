import { formatNumber, neutraliseFormula, type TextTable } from '../results/csv.js';
import type { SweepRun } from './grammar.js';

/** The columns every combined row starts with, before the swept parameters. */
export const RUN_COLUMNS = ['run', 'point', 'replication', 'seed', 'status', 'error'] as const;
const RUN_COLUMN_SET: ReadonlySet<string> = new Set(RUN_COLUMNS);

/**
 * One run's row of the combined table, every cell already formatted as CSV
 * text: user text (the error, swept strings) neutralised against spreadsheet
 * formulas here, summary cells as the run's own CSV holds them.
 */
export type RunRow = Record<string, string>;

/** The row of a run: its identity, parameters and outcome, then its summary's cells. */
export function runRow(
  run: SweepRun,
  outcome: { summary: Record<string, string> } | { error: string },
): RunRow {
  const row: RunRow = {
    run: String(run.index),
    point: String(run.point),
    replication: String(run.replication),
    seed: String(run.seed),
    status: 'error' in outcome ? 'failed' : 'completed',
    error: 'error' in outcome ? neutraliseFormula(outcome.error) : '',
  };
  for (const [path, value] of Object.entries(run.params)) row[path] = formatValue(value);
  if ('summary' in outcome) {
    // A summary column named like a run column (a federated run's own `status`) keeps both.
    for (const [column, value] of Object.entries(outcome.summary)) {
      row[RUN_COLUMN_SET.has(column) ? `summary_${column}` : column] = value;
    }
  }
  return row;
}

/**
 * The combined table of a sweep (or of the shards that make it up) from its
 * rows, in run order: the run columns, the parameters, then every other column
 * in the order first seen. The same rows always give the same bytes, whether
 * they come from one machine or from merged shards.
 */
export function combineRows(rows: readonly RunRow[], parameters: readonly string[]): TextTable {
  const sorted = [...rows].sort((a, b) => Number(a.run) - Number(b.run));
  const columns: string[] = [...RUN_COLUMNS, ...parameters];
  const known = new Set(columns);
  for (const row of sorted) {
    for (const column of Object.keys(row)) {
      if (!known.has(column)) {
        known.add(column);
        columns.push(column);
      }
    }
  }
  return { columns, rows: sorted.map((row) => columns.map((c) => row[c] ?? '')) };
}

/**
 * A parameter value as CSV text: numbers formatted like every result, strings
 * neutralised against formulas, anything else as JSON.
 */
function formatValue(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  return neutraliseFormula(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
}
