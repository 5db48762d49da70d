/**
 * The summary table at the top of a report: one row per configuration, its
 * swept values, then the mean and 95% interval of the main metrics over its
 * replications, in the metrics' display units.
 */
import { groupRows } from './aggregate.js';
import type { ParameterRole, ReportRow } from './columns.js';
import { metricValues, type ReportMetric } from './metrics.js';
import { type MeanCi, meanCi } from './stats.js';

/** One configuration's row. */
export interface SummaryRow {
  /** Its swept values, as text, in parameter order. */
  readonly values: readonly string[];
  /** Runs pooled (replications). */
  readonly runs: number;
  /** Per metric, in metric order. */
  readonly cells: readonly MeanCi[];
}

/** The table: headers, then rows in order of each configuration's first run. */
export interface SummaryTable {
  /** Parameter labels, then metric labels (with units). */
  readonly parameters: readonly string[];
  readonly metrics: readonly ReportMetric[];
  readonly rows: readonly SummaryRow[];
}

/** Mean and 95% Student-t interval of each metric for each configuration of `params`. */
export function summaryTable(
  table: readonly ReportRow[],
  params: readonly ParameterRole[],
  metrics: readonly ReportMetric[],
): SummaryTable {
  const groups = groupRows(
    table,
    params.map((p) => p.column),
  );
  return {
    parameters: params.map((p) => p.label),
    metrics,
    rows: groups.map((g) => ({
      values: g.key,
      runs: g.rows.length,
      cells: metrics.map((m) => meanCi(metricValues(g.rows, m))),
    })),
  };
}
