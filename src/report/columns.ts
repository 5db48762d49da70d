/**
 * Column roles and labels for reports. Everything here is driven by column
 * names and values, never by a fixed list of workloads: units come from the
 * name's suffix (`latency_p99_s`, `energy_per_inference_j`), roles from the
 * report metadata (swept parameters, replication column) and from whether a
 * column's values are numbers.
 */

/** A cell of a result table as a report reads it; CSV text cells may hold numbers. */
export type ReportCell = string | number | boolean | null;

/** One row of a result table: column name to cell. */
export type ReportRow = Readonly<Record<string, ReportCell>>;

/** What the report needs to know about a table beyond its cells. */
export interface ReportMeta {
  /** Report title, shown as the page heading. */
  readonly title: string;
  /** Swept columns, e.g. `workload.inference.placement`; each must be a column of the table. */
  readonly parameters: readonly string[];
  /** Column holding the replication index; replications are pooled into confidence intervals. */
  readonly replicationColumn: string;
  /**
   * Metrics to chart, in order, each a column or `column as unit`
   * (`latency_p95_s as ms`, see options.ts); when absent the curated list
   * (or every metric) is used, each in a unit chosen from its magnitude.
   */
  readonly metrics?: readonly string[];
  /** Metrics of the summary table, written as `metrics`; default: the main curated ones present. */
  readonly table?: readonly string[];
  /** Latency objectives drawn as rules on latency charts, s (several when the SLO is swept). */
  readonly sloS?: readonly number[];
  /** Axis and legend labels of swept parameters by column, e.g. `fleet[0].count` -> "cameras count". */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Whether a metric is better small (latency, energy, cost) or large (throughput, accuracy). */
export type Direction = 'min' | 'max';

/** A swept parameter that takes at least two values in the table. */
export interface ParameterRole {
  readonly column: string;
  /** Short axis/legend label: the last path segment, or the whole path when that is ambiguous. */
  readonly label: string;
  /** True when every value is a number: the parameter can be a quantitative x axis. */
  readonly numeric: boolean;
  /** Distinct values in order of first appearance (numbers sorted ascending). */
  readonly values: readonly (string | number)[];
}

/** Unit suffixes, longest first so `_per_s` wins over `_s`. */
const UNIT_SUFFIXES: readonly (readonly [suffix: string, unit: string])[] = [
  ['_per_s', '/s'],
  ['_kwh', 'kWh'],
  ['_usd', 'USD'],
  ['_bps', 'bit/s'],
  ['_rate', 'fraction'],
  ['_fraction', 'fraction'],
  ['_kg', 'kg'],
  ['_ms', 'ms'],
  ['_h', 'h'],
  ['_s', 's'],
  ['_j', 'J'],
  ['_w', 'W'],
];

/** Columns that identify a run rather than measure it. */
const ID_COLUMNS = new Set([
  'replication',
  'seed',
  'run',
  'run_id',
  'index',
  'hash',
  'scenario_hash',
]);

/**
 * Metrics charted by default, in order, when the table has any of them.
 * The first metric of each unit family is the one used for Pareto fronts.
 */
export const CURATED_METRICS: readonly string[] = [
  'latency_p95_s',
  'latency_p99_s',
  'latency_p50_s',
  'throughput_per_s',
  'slo_violation_rate',
  'energy_per_inference_j',
  'energy_devices_j',
  'total_cost_usd',
  'co2_kg',
  'bytes_up',
  'server_utilisation',
  'accuracy',
  'final_accuracy',
  'time_to_target_s',
  'energy_to_target_j',
  'bytes_to_target',
  'epsilon',
  'rounds',
];

/** A column name split into words and unit, e.g. `compute_j_per_inference` -> compute, J/inference. */
function splitUnit(column: string): { base: string; unit: string | null } {
  const name = column.toLowerCase();
  // Already normalised by the workload (`cost_per_month_usd`, `cost_per_1000_inferences_usd`):
  // a per-item tail, so a report does not scale them per period again.
  const normalised = /_per_(month|1000_inferences)_(usd|j|kwh|bytes)$/.exec(name);
  if (normalised !== null) {
    const unit = unitOf(`x_${normalised[2]}`) ?? normalised[2]!;
    return {
      base: column.slice(0, normalised.index),
      unit: `${unit}/${normalised[1]!.replace('_', ' ')}`,
    };
  }
  const per = /_(s|j|kwh|usd|bytes)_per_([a-z]+)$/.exec(name);
  if (per !== null) {
    const unit = unitOf(`x_${per[1]}`) ?? per[1]!;
    return { base: column.slice(0, per.index), unit: `${unit}/${per[2]}` };
  }
  for (const [suffix, unit] of UNIT_SUFFIXES) {
    if (name.endsWith(suffix) && name.length > suffix.length) {
      // A rate or fraction keeps its noun: "slo violation rate (fraction)".
      const keep = suffix === '_rate' || suffix === '_fraction';
      return { base: keep ? column : column.slice(0, -suffix.length), unit };
    }
  }
  const bytes = name.startsWith('bytes_') || name.endsWith('_bytes') || name === 'bytes';
  return { base: column, unit: bytes ? 'bytes' : null };
}

/**
 * The unit of a column from its name: `_s` -> "s", `_per_s` -> "/s", `_j` -> "J",
 * `_usd` -> "USD", `_kwh` -> "kWh", `_rate` -> "fraction", `bytes_*` -> "bytes",
 * `_j_per_inference` -> "J/inference". Null when the name carries no unit
 * (counts, accuracy).
 */
export function unitOf(column: string): string | null {
  return splitUnit(column).unit;
}

/** The name of a column in words, without its unit suffix: `latency_p99_s` -> "latency p99". */
export function columnWords(column: string): string {
  const { base } = splitUnit(column);
  const segment = base.split('.').at(-1) ?? base;
  return segment.replace(/_/g, ' ').trim();
}

/** An axis label with its unit: `latency_p99_s` -> "latency p99 (s)", `rounds` -> "rounds". */
export function columnLabel(column: string): string {
  const unit = unitOf(column);
  return unit === null ? columnWords(column) : `${columnWords(column)} (${unit})`;
}

/** Whether smaller is better for a metric: throughput, accuracy and completions are maximised. */
export function directionOf(column: string): Direction {
  return /accuracy|throughput|goodput|completed|_per_s$|utilisation|utilization|f1|roc_auc|macro_precision|macro_recall/.test(
    column,
  )
    ? 'max'
    : 'min';
}

/** The unit family a metric belongs to, for pairing Pareto axes; null when it has none. */
export function familyOf(
  column: string,
): 'time' | 'energy' | 'cost' | 'bytes' | 'quality' | 'privacy' | null {
  if (/accuracy/.test(column)) return 'quality';
  if (column === 'epsilon') return 'privacy';
  const unit = unitOf(column);
  if (unit === 's' || unit === 'ms' || unit === 'h') return 'time';
  if (unit === 'J' || unit === 'kWh') return 'energy';
  if (unit === 'USD') return 'cost';
  if (unit === 'bytes') return 'bytes';
  return null;
}

/**
 * A cell as a number: numbers as they are, numeric text (as read back from a
 * CSV, including "NaN" and "Infinity") parsed; null for anything else.
 */
export function cellNumber(cell: ReportCell | undefined): number | null {
  if (typeof cell === 'number') return cell;
  if (typeof cell !== 'string') return null;
  const text = cell.trim();
  if (text === '') return null;
  const value = Number(text);
  return Number.isNaN(value) && text !== 'NaN' ? null : value;
}

/** A cell as a category label: text as it is, numbers in their shortest form, null as "". */
export function cellText(cell: ReportCell | undefined): string {
  return cell === null || cell === undefined ? '' : String(cell);
}

/** Every column name in the table, in order of first appearance. */
export function columnsOf(table: readonly ReportRow[]): string[] {
  const seen = new Set<string>();
  for (const row of table) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** Whether every non-empty cell of `column` is a number (or numeric text), and one exists. */
export function isNumericColumn(table: readonly ReportRow[], column: string): boolean {
  let any = false;
  for (const row of table) {
    const cell = row[column];
    if (cell === null || cell === undefined || cell === '') continue;
    if (cellNumber(cell) === null) return false;
    any = true;
  }
  return any;
}

function distinctValues(
  table: readonly ReportRow[],
  column: string,
  numeric: boolean,
): (string | number)[] {
  const seen = new Map<string, string | number>();
  for (const row of table) {
    const cell = row[column];
    const value = numeric ? (cellNumber(cell) ?? Number.NaN) : cellText(cell);
    const key = String(value);
    if (!seen.has(key)) seen.set(key, value);
  }
  const values = [...seen.values()];
  return numeric ? values.sort((a, b) => (a as number) - (b as number)) : values;
}

/**
 * The swept parameters that vary in the table, with labels and values.
 * Throws when a parameter named in `meta` is not a column of the table.
 */
export function parameterRoles(table: readonly ReportRow[], meta: ReportMeta): ParameterRole[] {
  const columns = new Set(columnsOf(table));
  for (const column of meta.parameters) {
    if (table.length > 0 && !columns.has(column)) {
      throw new Error(
        `report: parameter column '${column}' is not in the table (columns: ${[...columns].join(', ')})`,
      );
    }
  }
  const lastSegment = (column: string) => column.split('.').at(-1) ?? column;
  const roles: ParameterRole[] = [];
  for (const column of meta.parameters) {
    const numeric = isNumericColumn(table, column);
    const values = distinctValues(table, column, numeric);
    if (values.length < 2) continue;
    const short = lastSegment(column);
    const ambiguous = meta.parameters.filter((p) => lastSegment(p) === short).length > 1;
    const words =
      meta.labels?.[column] ??
      (ambiguous ? splitUnit(column).base.replace(/_/g, ' ') : columnWords(column));
    const unit = unitOf(column);
    roles.push({ column, label: unit === null ? words : `${words} (${unit})`, numeric, values });
  }
  return roles;
}

/** Whether a numeric column takes at least two distinct finite values. */
function varies(table: readonly ReportRow[], column: string): boolean {
  let first: number | null = null;
  for (const row of table) {
    const value = cellNumber(row[column]);
    if (value === null || !Number.isFinite(value)) continue;
    if (first === null) first = value;
    else if (value !== first) return true;
  }
  return false;
}

/** Whether a column identifies a run (replication, seed, `*_id`) rather than measures it. */
export function isIdColumn(column: string, meta: ReportMeta): boolean {
  return (
    column === meta.replicationColumn ||
    ID_COLUMNS.has(column) ||
    column.endsWith('_id') ||
    column.endsWith('_seed')
  );
}

/**
 * Every metric column: numeric, not a parameter, not an id (replication,
 * seed, `*_id`), and varying across the table. In table order.
 */
export function metricColumns(table: readonly ReportRow[], meta: ReportMeta): string[] {
  const parameters = new Set(meta.parameters);
  return columnsOf(table).filter(
    (column) =>
      !parameters.has(column) &&
      !isIdColumn(column, meta) &&
      isNumericColumn(table, column) &&
      varies(table, column),
  );
}

/** The column an entry of `meta.metrics` names: `latency_p95_s as ms` -> `latency_p95_s`. */
export function entryColumn(entry: string): string {
  return /^\s*(\S+)/.exec(entry)?.[1] ?? entry;
}

/**
 * The metrics to chart: `meta.metrics` when given (those present as numeric
 * columns), else the curated metrics the table has, else every metric column.
 */
export function chosenMetrics(table: readonly ReportRow[], meta: ReportMeta): string[] {
  const available = metricColumns(table, meta);
  if (meta.metrics !== undefined) {
    return meta.metrics.map(entryColumn).filter((m) => isNumericColumn(table, m));
  }
  const curated = CURATED_METRICS.filter((m) => available.includes(m));
  return curated.length > 0 ? curated : available;
}
