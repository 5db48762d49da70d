/**
 * The `report:` block of a scenario: what a sweep's report shows.
 *
 * ```yaml
 * report:
 *   metrics:                      # charts, in order (default: the curated set present)
 *     - latency_p95_s as ms       # <column of the summary CSV> [as <unit>]
 *     - energy_per_inference_j as mJ
 *     - total_cost_usd as $/month # totals per period, scaled by each run's duration_s
 *     - throughput_per_s          # no unit: chosen from the data's magnitude
 *   table: [latency_p95_s as ms, slo_violation_rate as %]   # summary table (default: main metrics)
 *   slo: 200 ms                   # latency objective drawn on latency charts
 *                                 # (default: workload.inference.slo; false: none)
 * ```
 *
 * A unit must be one of the column's dimension, read from the column name's
 * suffix (`_s` time, `_j` energy, `_usd` cost, `bytes_*` bytes, `_rate`
 * fraction, ...). Columns are checked against the table when the report is
 * drawn, since which columns exist depends on the workload. The block only
 * shapes reports: a single `run` ignores it, and it is no part of a run's
 * scenario, so editing it never invalidates a sweep's cached runs.
 *
 * Imported by the scenario schema, so it imports nothing above scenario/
 * but the report's own import-free column and unit helpers.
 */
import { z } from 'zod';
import { quantity } from '../scenario/units.js';
import { unitOf } from './columns.js';
import { type DisplayUnit, parseUnit, quantityOfUnit } from './units.js';

/** One `report.metrics` entry read: a column and the unit asked for, if any. */
export interface MetricChoice {
  readonly column: string;
  /** The unit as written after `as`; absent: chosen from the data. */
  readonly unit?: string;
}

/** Outcome of reading a metric entry. */
export type MetricChoiceParse =
  | { ok: true; choice: MetricChoice; unit: DisplayUnit | null }
  | { ok: false; message: string };

const ENTRY = /^\s*([A-Za-z_][\w.-]*)(?:\s+as\s+(\S+))?\s*$/;

/**
 * Reads `latency_p95_s as ms` (or a bare column name). Fails on other
 * syntax, on a unit that does not fit the column's dimension, and on a unit
 * given for a column whose name carries none.
 */
export function parseMetricChoice(text: string): MetricChoiceParse {
  const match = ENTRY.exec(text);
  if (match === null) {
    return {
      ok: false,
      message: `cannot read ${JSON.stringify(text)}: expected "<column>" or "<column> as <unit>", e.g. "latency_p95_s as ms"`,
    };
  }
  const column = match[1]!;
  const symbol = match[2];
  if (symbol === undefined) return { ok: true, choice: { column }, unit: null };
  const quantity = quantityOfUnit(unitOf(column));
  if (quantity === null) {
    return {
      ok: false,
      message: `${column} has no unit in its name (such as _s, _j, _usd, bytes_), so "as ${symbol}" cannot apply; write ${column} alone`,
    };
  }
  const unit = parseUnit(quantity, symbol);
  if (!unit.ok) return { ok: false, message: `${column}: ${unit.message}` };
  return { ok: true, choice: { column, unit: symbol }, unit: unit.unit };
}

const metricEntry = z
  .string()
  .superRefine((text, ctx) => {
    const parsed = parseMetricChoice(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message, input: text });
  })
  .describe(
    'A column of the summary CSV, optionally with the unit to show it in: "latency_p95_s as ms"',
  );

const metricList = (what: string) =>
  z.array(metricEntry).min(1, `empty list; name at least one metric or leave ${what} out`);

/** The `report:` block, as validated. */
export const reportOptions = z
  .strictObject({
    metrics: metricList('metrics')
      .optional()
      .describe(
        'Metrics charted, in order; default: the curated set the results have (p95 latency first)',
      ),
    table: metricList('table')
      .optional()
      .describe(
        'Metrics of the summary table; default: the main metrics (p95 latency, SLO violations, throughput, energy, cost)',
      ),
    slo: z
      .union([z.literal(false), quantity('duration', { min: 0, exclusiveMin: true })])
      .optional()
      .describe(
        'Latency objective drawn on latency charts; default: workload.inference.slo; false: draw none',
      ),
  })
  .describe(
    "What a sweep's report shows (charts, units, SLO line, summary table); a single run ignores it",
  );

/** The `report:` block after validation. */
export type ReportOptions = z.output<typeof reportOptions>;

/**
 * The scenario field: validated like any other, then dropped from the
 * validated scenario (output undefined), so it changes no run's cache key
 * or scenario hash. Sweeps read the block from the file as written.
 */
export const reportField = reportOptions.optional().transform(() => undefined);
