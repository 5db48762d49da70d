import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Table } from '../../src/index.js';

/** The values of column `name` of a result table, one per row; fails naming the columns there are. */
export function column(table: Table | undefined, name: string): unknown[] {
  if (table === undefined) throw new Error('table not written');
  const index = table.columns.indexOf(name);
  if (index < 0) throw new Error(`no column ${name} in ${table.columns.join(', ')}`);
  return table.rows.map((row) => row[index]);
}

/** A CSV file's rows as records keyed by its header (RFC 4180 quoting understood). */
export function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
}
