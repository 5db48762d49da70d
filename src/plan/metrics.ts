/**
 * What a plan may ask of a run: any column of the summary.csv its scenario
 * writes, named as in that file. A metric's unit comes from its name, as
 * every summary column carries it (DESIGN.md, Units): `_s` seconds, `_usd`
 * dollars, `_j` joules, `_kwh` kilowatt-hours, `_w` watts, `_bytes` bytes,
 * `_per_s` per second; rates, fractions, attainments and utilisations are
 * fractions (written `99%` or `0.99`); anything else is a plain number.
 */
import { parseQuantity, type QuantityKind } from '../scenario/units.js';

/** How a metric's bound is read: the quantity kind, and the metric's value per base unit of that kind. */
export interface MetricUnit {
  /** The quantity kind a bound is parsed as; null: a plain number only. */
  kind: QuantityKind | null;
  /** Base units of `kind` per unit of the metric (1 but for kWh: 3.6e6 J). */
  basePerUnit: number;
  /** The unit as a person reads it. */
  text: string;
}

const SUFFIXES: readonly [RegExp, MetricUnit][] = [
  [/_per_s$/, { kind: 'rate', basePerUnit: 1, text: 'per second (from the suffix _per_s)' }],
  [/_s$/, { kind: 'duration', basePerUnit: 1, text: 'seconds (from the suffix _s)' }],
  [/_usd$/, { kind: 'money', basePerUnit: 1, text: 'US dollars (from the suffix _usd)' }],
  [/_kwh$/, { kind: 'energy', basePerUnit: 3.6e6, text: 'kWh (from the suffix _kwh)' }],
  [/_j$/, { kind: 'energy', basePerUnit: 1, text: 'joules (from the suffix _j)' }],
  [/_w$/, { kind: 'power', basePerUnit: 1, text: 'watts (from the suffix _w)' }],
  [/(^|_)bytes$/, { kind: 'bytes', basePerUnit: 1, text: 'bytes (from the suffix bytes)' }],
  [
    /(_rate|_fraction|attainment|utilisation)(_|$)/,
    {
      kind: 'fraction',
      basePerUnit: 1,
      text: 'a fraction (a rate, fraction, attainment or utilisation)',
    },
  ],
];

/** The unit of a summary column, from its name. */
export function metricUnit(metric: string): MetricUnit {
  for (const [pattern, unit] of SUFFIXES) if (pattern.test(metric)) return unit;
  return { kind: null, basePerUnit: 1, text: 'a plain number (its name carries no unit)' };
}

/**
 * A bound for `metric` in the metric's own unit, or why it does not fit:
 * a number is taken in the metric's unit; text must carry a unit of the
 * metric's kind (`150 ms` for a `_s` metric, `99%` for a rate).
 */
export function parseBound(
  metric: string,
  bound: number | string,
): { ok: true; value: number } | { ok: false; message: string } {
  const unit = metricUnit(metric);
  if (typeof bound === 'number') {
    return Number.isFinite(bound) ? { ok: true, value: bound } : notFinite(bound);
  }
  if (unit.kind === null) {
    const value = Number(bound);
    if (bound.trim() !== '' && Number.isFinite(value)) return { ok: true, value };
    return {
      ok: false,
      message: `${metric} is ${unit.text}; expected a number, got "${bound}"`,
    };
  }
  const parsed = parseQuantity(bound, unit.kind);
  if (!parsed.ok) return { ok: false, message: `${metric} is in ${unit.text}: ${parsed.message}` };
  return { ok: true, value: parsed.value / unit.basePerUnit };
}

function notFinite(value: number): { ok: false; message: string } {
  return { ok: false, message: `expected a finite number, got ${value}` };
}

/**
 * A metric's value in one run's summary row: the column as a number, or for
 * `a / b` the ratio of the two (NaN when a column is missing or not a number).
 */
export function metricValue(summary: Readonly<Record<string, string>>, metric: string): number {
  const slash = metric.indexOf(' / ');
  if (slash < 0) return toNumber(summary[metric]);
  return toNumber(summary[metric.slice(0, slash)]) / toNumber(summary[metric.slice(slash + 3)]);
}

function toNumber(cell: string | undefined): number {
  return cell === undefined || cell === '' ? Number.NaN : Number(cell);
}
