import { stringify } from 'csv-stringify/sync';
import type { TableValue, Table } from './table.js';

/**
 * Formats a number the same way on every run and platform: integers in full,
 * other values rounded to 12 significant digits in their shortest form, so
 * the last-bit noise of floating-point arithmetic never reaches a CSV.
 * Non-finite values print as NaN, Infinity, -Infinity; -0 prints as 0.
 */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return Object.is(value, -0) ? '0' : String(value);
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(12)));
}

/** A cell as CSV text (before quoting). */
export function formatCell(value: TableValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

/** The CSV text of a table: a header row, then one line per row, "\n" line ends. */
export function tableToCsv(table: Table): string {
  const rows = table.rows.map((row) => {
    if (row.length !== table.columns.length) {
      throw new Error(`row has ${row.length} cells for ${table.columns.length} columns`);
    }
    return row.map(formatCell);
  });
  return stringify([table.columns as string[], ...rows], { record_delimiter: 'unix' });
}
