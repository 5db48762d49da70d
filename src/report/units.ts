/**
 * Display units for report metrics. A column's unit comes from its name
 * (`latency_p95_s` is in seconds, `bytes_up` in bytes, `total_cost_usd` in
 * dollars); the report shows it in a unit of the same dimension chosen from
 * the data's magnitude (0.043 s as 43 ms, 8e10 bytes as 80 GB, 5e6 J as
 * 1.39 kWh) or named by the scenario (`latency_p95_s as ms`). Totals over a
 * run (cost, energy, bytes, CO2) may also be shown per period (`$/month`),
 * scaled by the run's `duration_s`. It imports only the calendar periods.
 */
import { MONTH_S, YEAR_S } from '../vocabulary/periods.js';

/** What a column measures. */
export type Dimension =
  | 'time'
  | 'energy'
  | 'bytes'
  | 'cost'
  | 'fraction'
  | 'rate'
  | 'bitrate'
  | 'mass'
  | 'power';

/** A unit a metric may be shown in. */
export interface DisplayUnit {
  /** As written on axes and in the table: `ms`, `GB`, `$/month`, `mJ/inference`. */
  readonly symbol: string;
  /** The dimension's base units in one of this unit (ms: 0.001 s; kWh: 3.6e6 J). */
  readonly factor: number;
  /** For a total over a run shown per period: the period, s (a month: 730 h); absent otherwise. */
  readonly periodS?: number;
}

interface UnitDef {
  readonly symbol: string;
  readonly factor: number;
  /** Chosen automatically when the data's largest magnitude (base units) is at least this; never when absent. */
  readonly autoFrom?: number;
  /** Other spellings accepted in `report.metrics` (`us` for µs, `USD` for $). */
  readonly aliases?: readonly string[];
}

/** Each dimension's units, smallest first; the automatic choice is the largest whose `autoFrom` the data reaches. */
const UNITS: Readonly<Record<Dimension, readonly UnitDef[]>> = {
  time: [
    { symbol: 'µs', factor: 1e-6, autoFrom: 0, aliases: ['us'] },
    { symbol: 'ms', factor: 1e-3, autoFrom: 1e-3 },
    { symbol: 's', factor: 1, autoFrom: 10 },
    { symbol: 'min', factor: 60, autoFrom: 600 },
    { symbol: 'h', factor: 3600, autoFrom: 36_000 },
    { symbol: 'd', factor: 86_400, autoFrom: 864_000 },
  ],
  energy: [
    { symbol: 'µJ', factor: 1e-6, autoFrom: 0, aliases: ['uJ'] },
    { symbol: 'mJ', factor: 1e-3, autoFrom: 1e-3 },
    { symbol: 'J', factor: 1, autoFrom: 1 },
    { symbol: 'kJ', factor: 1e3, autoFrom: 1e3 },
    { symbol: 'Wh', factor: 3600 },
    { symbol: 'kWh', factor: 3.6e6, autoFrom: 3.6e6 },
    { symbol: 'MWh', factor: 3.6e9, autoFrom: 3.6e9 },
  ],
  bytes: [
    { symbol: 'B', factor: 1, autoFrom: 0, aliases: ['bytes'] },
    { symbol: 'kB', factor: 1e3, autoFrom: 1e3 },
    { symbol: 'MB', factor: 1e6, autoFrom: 1e6 },
    { symbol: 'GB', factor: 1e9, autoFrom: 1e9 },
    { symbol: 'TB', factor: 1e12, autoFrom: 1e12 },
    { symbol: 'KiB', factor: 1024 },
    { symbol: 'MiB', factor: 1024 ** 2 },
    { symbol: 'GiB', factor: 1024 ** 3 },
  ],
  cost: [{ symbol: '$', factor: 1, autoFrom: 0, aliases: ['USD', 'usd'] }],
  fraction: [
    { symbol: 'fraction', factor: 1 },
    { symbol: '%', factor: 0.01, autoFrom: 0 },
  ],
  rate: [
    { symbol: '/h', factor: 1 / 3600 },
    { symbol: '/min', factor: 1 / 60 },
    { symbol: '/s', factor: 1, autoFrom: 0 },
  ],
  bitrate: [
    { symbol: 'bit/s', factor: 1, autoFrom: 0, aliases: ['bps'] },
    { symbol: 'kbit/s', factor: 1e3, autoFrom: 1e3, aliases: ['kbps'] },
    { symbol: 'Mbit/s', factor: 1e6, autoFrom: 1e6, aliases: ['Mbps'] },
    { symbol: 'Gbit/s', factor: 1e9, autoFrom: 1e9, aliases: ['Gbps'] },
  ],
  mass: [
    { symbol: 'g', factor: 1e-3, autoFrom: 0 },
    { symbol: 'kg', factor: 1, autoFrom: 1 },
    { symbol: 't', factor: 1e3, autoFrom: 1e3 },
  ],
  power: [
    { symbol: 'mW', factor: 1e-3, autoFrom: 0 },
    { symbol: 'W', factor: 1, autoFrom: 1 },
    { symbol: 'kW', factor: 1e3, autoFrom: 1e3 },
    { symbol: 'MW', factor: 1e6, autoFrom: 1e6 },
  ],
};

/** A month as cloud price lists count it: 730 hours. */
export { MONTH_S };

/** Periods a total may be shown per (`$/month`), s. */
const PERIODS: Readonly<Record<string, number>> = {
  h: 3600,
  day: 86_400,
  month: MONTH_S,
  year: YEAR_S,
};

/**
 * Dimensions whose columns are totals over a run, so that a rate per period
 * means something, each with an example for messages.
 */
const PERIOD_EXAMPLES: Readonly<Partial<Record<Dimension, string>>> = {
  cost: '$/month',
  energy: 'kWh/month',
  bytes: 'GB/month',
  mass: 'kg/month',
};

/** What a column measures and in what, from its name. */
export interface ColumnQuantity {
  readonly dimension: Dimension;
  /** The dimension's base units in one unit of the column (`_ms`: 0.001; `_kwh`: 3.6e6). */
  readonly scale: number;
  /** A per-item tail kept on every unit, e.g. `/inference` for `compute_j_per_inference`. */
  readonly per: string;
}

/** Column unit suffixes (as `unitOf` in columns.ts names them) to dimension and scale. */
const COLUMN_UNITS: Readonly<Record<string, readonly [Dimension, number]>> = {
  s: ['time', 1],
  ms: ['time', 1e-3],
  h: ['time', 3600],
  J: ['energy', 1],
  kWh: ['energy', 3.6e6],
  bytes: ['bytes', 1],
  USD: ['cost', 1],
  fraction: ['fraction', 1],
  '/s': ['rate', 1],
  'bit/s': ['bitrate', 1],
  kg: ['mass', 1],
  W: ['power', 1],
};

/** The quantity of a column whose unit (from its name) is `unit`; null for unitless columns. */
export function quantityOfUnit(unit: string | null): ColumnQuantity | null {
  if (unit === null) return null;
  const slash = unit.indexOf('/', 1);
  const [base, per] = slash > 0 ? [unit.slice(0, slash), unit.slice(slash)] : [unit, ''];
  const known = COLUMN_UNITS[base] ?? COLUMN_UNITS[unit];
  if (known === undefined) return null;
  return { dimension: known[0], scale: known[1], per: COLUMN_UNITS[unit] ? '' : per };
}

/** The units a quantity may be shown in, for messages: `µs, ms, s, min, h, d`. */
export function unitChoices(quantity: ColumnQuantity): string {
  const plain = UNITS[quantity.dimension].map((u) => `${u.symbol}${quantity.per}`).join(', ');
  const example = PERIOD_EXAMPLES[quantity.dimension];
  if (quantity.per !== '' || example === undefined) return plain;
  return `${plain}, or one of these per ${Object.keys(PERIODS).join(', ')} (e.g. ${example})`;
}

/** Outcome of reading a unit symbol: the unit, or why it does not fit. */
export type UnitParse = { ok: true; unit: DisplayUnit } | { ok: false; message: string };

function findUnit(dimension: Dimension, symbol: string): UnitDef | undefined {
  return UNITS[dimension].find((u) => u.symbol === symbol || u.aliases?.includes(symbol));
}

/**
 * The display unit `symbol` names for a column measuring `quantity`:
 * a unit of its dimension (`ms`, `GB`), with the column's per-item tail
 * when it has one (`mJ/inference` or `mJ`), or for a total a unit per period
 * (`$/month`, `kWh/day`; periods h, day, month, year).
 */
export function parseUnit(quantity: ColumnQuantity, symbol: string): UnitParse {
  const { dimension, per } = quantity;
  const bare = per !== '' && symbol.endsWith(per) ? symbol.slice(0, -per.length) : symbol;
  const plain = findUnit(dimension, bare);
  if (plain !== undefined) {
    return { ok: true, unit: { symbol: `${plain.symbol}${per}`, factor: plain.factor } };
  }
  const perPeriod = per === '' ? periodUnit(dimension, symbol) : undefined;
  if (perPeriod !== undefined) return { ok: true, unit: perPeriod };
  return {
    ok: false,
    message: `unit "${symbol}" is not a unit of ${dimension}${per}; expected one of ${unitChoices(quantity)}`,
  };
}

/** `$/month`, `kWh/day`: a unit of an additive dimension per period; undefined otherwise. */
function periodUnit(dimension: Dimension, symbol: string): DisplayUnit | undefined {
  const slash = symbol.lastIndexOf('/');
  const period = symbol.slice(slash + 1);
  const periodS = Object.hasOwn(PERIODS, period) ? PERIODS[period] : undefined;
  if (slash <= 0 || periodS === undefined || PERIOD_EXAMPLES[dimension] === undefined) {
    return undefined;
  }
  const unit = findUnit(dimension, symbol.slice(0, slash));
  return unit && { symbol: `${unit.symbol}/${period}`, factor: unit.factor, periodS };
}

/**
 * The unit a quantity is shown in when the scenario names none: the largest
 * unit of its dimension that the largest finite magnitude in `values`
 * (column units) reaches, e.g. 0.043 s -> ms, 31 s -> s, 8e10 bytes -> GB,
 * 5e6 J -> kWh; fractions in %. Costs are shown in $/month when
 * `perPeriodPossible` (the table has each run's duration). With no finite
 * nonzero value, the column's own unit.
 */
export function autoUnit(
  quantity: ColumnQuantity,
  values: readonly number[],
  perPeriodPossible = false,
): DisplayUnit {
  const { dimension, scale, per } = quantity;
  if (dimension === 'cost' && per === '' && perPeriodPossible) {
    return { symbol: '$/month', factor: 1, periodS: MONTH_S };
  }
  let largest = 0;
  for (const v of values) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v) * scale);
  const units = UNITS[dimension];
  const smallest = units.find((u) => u.autoFrom === 0)!;
  const own = units.find((u) => u.factor === scale && u.autoFrom !== undefined);
  let chosen = largest > 0 ? smallest : (own ?? smallest);
  for (const u of units) {
    if (largest > 0 && u.autoFrom !== undefined && largest >= u.autoFrom * (1 - 1e-12)) chosen = u;
  }
  return { symbol: `${chosen.symbol}${per}`, factor: chosen.factor };
}

/**
 * A value of a column in a display unit: `value * scale / factor`, and for a
 * per-period unit times `periodS / durationS` (the run's length, s; NaN when
 * it is not a positive number).
 */
export function toDisplay(
  value: number,
  quantity: ColumnQuantity,
  unit: DisplayUnit,
  durationS = Number.NaN,
): number {
  const shown = (value * quantity.scale) / unit.factor;
  if (unit.periodS === undefined) return shown;
  return durationS > 0 ? (shown * unit.periodS) / durationS : Number.NaN;
}

const FORMAT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

/** A number for the table: four significant digits, thousands separated; "–" when not finite. */
export function formatNumber(value: number): string {
  return Number.isFinite(value) ? FORMAT.format(value) : '–';
}
