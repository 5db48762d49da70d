import {
  cellNumber,
  cellText,
  columnsOf,
  columnWords,
  isNumericColumn,
  type ReportRow,
} from './columns.js';

/** Rows sharing the same values in the grouping columns. */
export interface RowGroup {
  /** The grouping columns' values as text, in column order. */
  readonly key: readonly string[];
  readonly rows: readonly ReportRow[];
}

/**
 * Groups rows by the text of their values in `columns`, groups in order of
 * first appearance and rows in table order (so sums run in a fixed order).
 * No columns: one group holding every row.
 */
export function groupRows(table: readonly ReportRow[], columns: readonly string[]): RowGroup[] {
  const groups = new Map<string, { key: string[]; rows: ReportRow[] }>();
  for (const row of table) {
    const key = columns.map((c) => cellText(row[c]));
    const id = JSON.stringify(key);
    let group = groups.get(id);
    if (group === undefined) {
      group = { key, rows: [] };
      groups.set(id, group);
    }
    group.rows.push(row);
  }
  return [...groups.values()];
}

/** The numbers in `column` of `rows`, NaN where a cell is empty or not a number. */
export function columnValues(rows: readonly ReportRow[], column: string): number[] {
  return rows.map((row) => cellNumber(row[column]) ?? Number.NaN);
}

/** A histogram bucket: requests (or any count) with value up to `upTo`. */
export interface Bucket {
  readonly upTo: number;
  readonly count: number;
}

/** A point of an empirical CDF: the fraction of all counts at or below `upTo`. */
export interface CdfPoint {
  readonly upTo: number;
  readonly fraction: number;
}

/**
 * The empirical CDF of a histogram: buckets sorted by upper bound (equal
 * bounds merged, e.g. the same bucket from several replications), then the
 * running count over the total. An open last bucket (upTo = Infinity) counts
 * in the total and ends the CDF at 1. Empty when the total is 0.
 */
export function cumulativeFractions(buckets: readonly Bucket[]): CdfPoint[] {
  const byBound = new Map<number, number>();
  for (const { upTo, count } of buckets) {
    if (Number.isNaN(upTo) || !Number.isFinite(count)) continue;
    byBound.set(upTo, (byBound.get(upTo) ?? 0) + count);
  }
  const bounds = [...byBound.keys()].sort((a, b) => a - b);
  let total = 0;
  for (const bound of bounds) total += byBound.get(bound)!;
  if (total <= 0) return [];
  let running = 0;
  return bounds.map((upTo) => {
    running += byBound.get(upTo)!;
    return { upTo, fraction: running / total };
  });
}

/** The columns of a latency histogram table. */
export const HISTOGRAM_COLUMNS = {
  upTo: 'latency_up_to_s',
  above: 'latency_above_s',
  count: 'requests',
} as const;

/** Lines beyond which a CDF chart pools the numeric identifying columns. */
const MAX_CDF_SERIES = 20;

/** One CDF line: a label and its points. */
export interface CdfSeries {
  readonly label: string;
  readonly points: readonly CdfPoint[];
}

/** The CDF lines of a histogram, and what their labels name (e.g. "group, placement"). */
export interface LatencyCdfs {
  readonly title: string;
  readonly series: readonly CdfSeries[];
}

/**
 * Latency CDFs from a histogram table (`group, placement, latency_above_s,
 * latency_up_to_s, requests`, plus any swept parameters): one series per
 * combination of the identifying columns that vary (everything but the
 * bucket bounds, the count and `ignored` columns such as the replication),
 * pooling replications, each starting at 0 at the lower bound of its first
 * non-empty bucket (when the table has `latency_above_s`). Beyond 20 series, numeric columns (swept rates,
 * sizes) are pooled too, leaving one line per categorical combination.
 * Empty when the table lacks the histogram columns.
 */
export function latencyCdfs(
  histogram: readonly ReportRow[],
  ignored: readonly string[],
): LatencyCdfs {
  const columns = columnsOf(histogram);
  if (!columns.includes(HISTOGRAM_COLUMNS.upTo) || !columns.includes(HISTOGRAM_COLUMNS.count)) {
    return { title: 'requests', series: [] };
  }
  const skip = new Set<string>([...Object.values(HISTOGRAM_COLUMNS), ...ignored]);
  let identifying = columns.filter((c) => !skip.has(c) && groupRows(histogram, [c]).length > 1);
  if (groupRows(histogram, identifying).length > MAX_CDF_SERIES) {
    identifying = identifying.filter((c) => !isNumericColumn(histogram, c));
  }
  const series = groupRows(histogram, identifying).map((group) => {
    const number = (row: ReportRow, column: string) => cellNumber(row[column]) ?? Number.NaN;
    const points = cumulativeFractions(
      group.rows.map((row) => ({
        upTo: number(row, HISTOGRAM_COLUMNS.upTo),
        count: number(row, HISTOGRAM_COLUMNS.count),
      })),
    );
    // The CDF is 0 up to the lower bound of the first non-empty bucket.
    const lows = group.rows
      .filter((row) => number(row, HISTOGRAM_COLUMNS.count) > 0)
      .map((row) => number(row, HISTOGRAM_COLUMNS.above))
      .filter(Number.isFinite);
    const low = lows.length === 0 ? 0 : Math.min(...lows);
    const start =
      points.length > 0 && low > 0 && low < points[0]!.upTo ? [{ upTo: low, fraction: 0 }] : [];
    return { label: group.key.join(', ') || 'all requests', points: [...start, ...points] };
  });
  return { title: identifying.map((c) => columnWords(c)).join(', ') || 'requests', series };
}

/** A total column and the columns that add up to it, e.g. energy by compute, radio, idle. */
export interface Breakdown {
  readonly total: string;
  readonly components: readonly string[];
}

/** Columns that could add up to `total`, by naming convention only. */
function candidateComponents(total: string, columns: readonly string[]): string[] {
  // total_cost_usd <- energy_cost_usd, egress_cost_usd (same tail after "total_")
  if (total.startsWith('total_')) {
    const tail = `_${total.slice('total_'.length)}`;
    return columns.filter((c) => c !== total && c.endsWith(tail));
  }
  // energy_devices_j <- energy_devices_compute_j, ...; failed <- failed_queue_full, ...
  const unit = /_(s|j|kwh|usd|bytes)$/.exec(total)?.[0] ?? '';
  const stem = total.slice(0, total.length - unit.length);
  return columns.filter(
    (c) => c !== total && c.startsWith(`${stem}_`) && c.endsWith(unit) && c.length > total.length,
  );
}

/**
 * Breakdowns found in the table: a numeric total with at least two
 * non-negative numeric components named after it (`P_S` <- `P_X_S`, or
 * `total_R` <- `X_R`) that add up to it, within 1e-6 relative, in every row
 * where all are finite, and that are not all zero.
 */
export function findBreakdowns(table: readonly ReportRow[]): Breakdown[] {
  const numeric = columnsOf(table).filter((c) => isNumericColumn(table, c));
  const found: Breakdown[] = [];
  for (const total of numeric) {
    const components = candidateComponents(total, numeric);
    if (components.length < 2) continue;
    let checked = 0;
    let nonZero = false;
    const adds = table.every((row) => {
      const t = cellNumber(row[total]) ?? Number.NaN;
      const parts = components.map((c) => cellNumber(row[c]) ?? Number.NaN);
      if (!Number.isFinite(t) || !parts.every(Number.isFinite)) return true;
      if (parts.some((p) => p < 0)) return false;
      if (parts.some((p) => p > 0)) nonZero = true;
      checked++;
      const sum = parts.reduce((a, b) => a + b, 0);
      return Math.abs(sum - t) <= 1e-6 * Math.max(Math.abs(t), 1e-12);
    });
    if (adds && checked > 0 && nonZero) found.push({ total, components });
  }
  return found;
}
