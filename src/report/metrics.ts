/**
 * Metrics as a report shows them: a column, the unit it is shown in and its
 * label. Values are converted row by row (a per-month cost needs each run's
 * duration) before any mean or interval is taken.
 */
import {
  cellNumber,
  chosenMetrics,
  columnWords,
  entryColumn,
  isNumericColumn,
  type ReportMeta,
  type ReportRow,
  unitOf,
} from './columns.js';
import { parseMetricChoice } from './options.js';
import {
  autoUnit,
  type ColumnQuantity,
  type DisplayUnit,
  quantityOfUnit,
  toDisplay,
} from './units.js';

/** The column holding each run's simulated duration, s: what per-period units scale by. */
export const DURATION_COLUMN = 'duration_s';

/** A metric column and how it is shown. */
export interface ReportMetric {
  readonly column: string;
  /** What the column measures, from its name; null for unitless columns (counts, accuracy). */
  readonly quantity: ColumnQuantity | null;
  /** The unit shown; null for unitless columns. */
  readonly unit: DisplayUnit | null;
  /** The column in words, without unit: "latency p95". */
  readonly words: string;
  /** Axis label: "latency p95 (ms)", or the words alone without a unit. */
  readonly label: string;
}

/** Main metrics of the summary table, in order, when the scenario names none (at most six shown). */
export const SUMMARY_METRICS: readonly string[] = [
  'latency_p95_s',
  'slo_violation_rate',
  'throughput_per_s',
  'energy_per_inference_j',
  'total_cost_usd',
  'accuracy',
  'final_accuracy',
  'time_to_target_s',
  'energy_to_target_j',
  'bytes_to_target',
];
const MAX_SUMMARY_METRICS = 6;

/** Whether every run has a positive duration, so totals can be shown per period. */
function hasDurations(table: readonly ReportRow[]): boolean {
  return (
    table.length > 0 &&
    table.every((row) => {
      const d = cellNumber(row[DURATION_COLUMN]);
      return d !== null && d > 0 && Number.isFinite(d);
    })
  );
}

/**
 * How the table's `entry` (`latency_p95_s as ms`, or a column alone) is
 * shown: the unit named, else one chosen from the column's largest
 * magnitude in the table (see `autoUnit`); a per-period unit (`$/month`)
 * needs every row's `duration_s`, and without them the unit is chosen as if
 * none had been named. Throws on an entry that does not read (the scenario
 * schema has rejected those before a sweep runs).
 */
export function reportMetric(table: readonly ReportRow[], entry: string): ReportMetric {
  const parsed = parseMetricChoice(entry);
  if (!parsed.ok) throw new Error(`report: metric ${parsed.message}`);
  const { column } = parsed.choice;
  const quantity = quantityOfUnit(unitOf(column));
  const words = columnWords(column);
  if (quantity === null) return { column, quantity, unit: null, words, label: words };
  const raw = table.map((row) => cellNumber(row[column]) ?? Number.NaN);
  const wanted = parsed.unit;
  const unit =
    wanted !== null && (wanted.periodS === undefined || hasDurations(table))
      ? wanted
      : autoUnit(quantity, raw, hasDurations(table));
  return { column, quantity, unit, words, label: `${words} (${unit.symbol})` };
}

/** The metric's value in each row, in its display unit; NaN where a cell is empty or not a number. */
export function metricValues(rows: readonly ReportRow[], metric: ReportMetric): number[] {
  const { quantity, unit } = metric;
  return rows.map((row) => {
    const value = cellNumber(row[metric.column]) ?? Number.NaN;
    if (quantity === null || unit === null) return value;
    const durationS = cellNumber(row[DURATION_COLUMN]) ?? Number.NaN;
    return toDisplay(value, quantity, unit, durationS);
  });
}

/** The entries of `list` whose column is not a numeric column of the table. */
function missingEntries(
  table: readonly ReportRow[],
  list: readonly string[] | undefined,
): string[] {
  return (list ?? []).filter((entry) => !isNumericColumn(table, entryColumn(entry)));
}

/** The charted and tabled metrics of a report, and the named ones the table lacks. */
export interface ReportMetrics {
  readonly charts: readonly ReportMetric[];
  readonly table: readonly ReportMetric[];
  /** Entries of `meta.metrics` and `meta.table` naming no numeric column, as written. */
  readonly missing: readonly string[];
}

/** The summary table's metrics: named ones present, else the main ones, else the first charted. */
function summaryMetrics(
  table: readonly ReportRow[],
  meta: ReportMeta,
  charts: readonly ReportMetric[],
): ReportMetric[] {
  const named = meta.table ?? meta.metrics;
  if (named !== undefined) {
    return named
      .filter((entry) => isNumericColumn(table, entryColumn(entry)))
      .map((entry) => reportMetric(table, entry));
  }
  const main = SUMMARY_METRICS.filter((m) => isNumericColumn(table, m)).slice(
    0,
    MAX_SUMMARY_METRICS,
  );
  if (main.length === 0) return charts.slice(0, MAX_SUMMARY_METRICS);
  return main.map((m) => charts.find((c) => c.column === m) ?? reportMetric(table, m));
}

/**
 * The metrics a report charts (see `chosenMetrics`) and tabulates
 * (`meta.table`, else `meta.metrics`, else the first six of
 * `SUMMARY_METRICS` present, else the first six charted), each with its unit.
 */
export function reportMetrics(table: readonly ReportRow[], meta: ReportMeta): ReportMetrics {
  const columns = chosenMetrics(table, meta);
  const entries = meta.metrics ?? columns;
  const charts = columns.map((column) =>
    reportMetric(table, entries.find((e) => entryColumn(e) === column) ?? column),
  );
  const missing = new Set([
    ...missingEntries(table, meta.metrics),
    ...missingEntries(table, meta.table),
  ]);
  return { charts, table: summaryMetrics(table, meta, charts), missing: [...missing] };
}

/** Whether a metric is a request latency, on whose charts the latency objective is drawn. */
export function isLatencyMetric(metric: ReportMetric): boolean {
  return metric.quantity?.dimension === 'time' && /^latency_/.test(metric.column);
}
