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

/**
 * The first characters that make a spreadsheet read a cell as a formula
 * (OWASP, CSV Injection: https://owasp.org/www-community/attacks/CSV_Injection):
 * `=`, `+`, `-`, `@`, tab and carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell that a spreadsheet will show as text: a cell starting with
 * `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, as OWASP
 * recommends, so `=HYPERLINK(...)` in a scenario name is never a live
 * formula. Applies to text only: numbers are formatted by
 * {@link formatNumber} and never changed (`-0.5` stays `-0.5`). Idempotent,
 * since `'` is not a formula start: text read back from a CSV edgesim wrote
 * comes out unchanged.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A cell as CSV text (before quoting): numbers by {@link formatNumber}, text by {@link neutraliseFormula}. */
export function formatCell(value: TableValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return neutraliseFormula(value);
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
  return textTableToCsv({ columns: table.columns, rows });
}

/** A table whose cells are already CSV text (each made by {@link formatCell}). */
export interface TextTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * The CSV text of a table whose cells are already formatted, written as they
 * are: the combined table of a sweep, whose cells are read back from the CSVs
 * of its runs (a number there is text such as `-0.5`, which must not be taken
 * for a formula). Same layout as {@link tableToCsv}.
 */
export function textTableToCsv(table: TextTable): string {
  return stringify([table.columns as string[], ...(table.rows as string[][])], {
    record_delimiter: 'unix',
  });
}
