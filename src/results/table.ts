/** A value in a result table. `null` is written as an empty field. */
export type TableValue = number | string | boolean | null;

/**
 * A result table in long (tidy) format: one observation per row, units in the
 * column names (`latency_s`, `bytes_up`). Columns keep the order given.
 */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly TableValue[])[];
}

/** Builds a one-row table from a record, columns in the record's key order. */
export function singleRowTable(record: Readonly<Record<string, TableValue>>): Table {
  return { columns: Object.keys(record), rows: [Object.values(record)] };
}

/** The rows of `table` as records keyed by column (a missing cell is null), for charts. */
export function tableRecords(table: Table): Record<string, TableValue>[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null])));
}

/**
 * Percentile of sorted values by linear interpolation between closest ranks
 * (Hyndman and Fan type 7, numpy's default). NaN for an empty array.
 */
export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = (p / 100) * (n - 1);
  const low = Math.floor(rank);
  const high = Math.min(low + 1, n - 1);
  const fraction = rank - low;
  return sorted[low]! + (sorted[high]! - sorted[low]!) * fraction;
}
