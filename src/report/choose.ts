import { findBreakdowns, groupRows, latencyCdfs } from './aggregate.js';
import {
  breakdownChart,
  type ChartOptions,
  latencyCdfChart,
  metricByParameterChart,
  paretoChart,
  type ReportChart,
} from './charts.js';
import {
  familyOf,
  isIdColumn,
  type ParameterRole,
  parameterRoles,
  type ReportMeta,
  type ReportRow,
} from './columns.js';
import { curveCharts } from './curve-chart.js';
import { heatmapChart } from './heatmap-chart.js';
import { type ReportMetric, reportMetrics } from './metrics.js';

/** Tables besides the combined summary that some charts draw from. */
export interface ReportExtra {
  /** Latency histogram rows (`group, placement, latency_above_s, latency_up_to_s, requests`). */
  readonly histogram?: readonly ReportRow[];
  /** The runs' curves (`run`, the parameters, `time_s`, `accuracy` or `coverage`, ...): a sweep's curves.csv. */
  readonly curves?: readonly ReportRow[];
}

type Family = NonNullable<ReturnType<typeof familyOf>>;

/** Pareto axes tried, in order: each pair of unit families that trade off. */
const PARETO_PAIRS: readonly (readonly [Family, Family])[] = [
  ['time', 'energy'],
  ['time', 'cost'],
  ['energy', 'cost'],
  ['quality', 'time'],
  ['quality', 'energy'],
  ['quality', 'bytes'],
  ['quality', 'privacy'],
];

function paretoPairs(metrics: readonly ReportMetric[]): [ReportMetric, ReportMetric][] {
  const first = new Map<Family, ReportMetric>();
  for (const metric of metrics) {
    const family = familyOf(metric.column);
    if (family !== null && !first.has(family)) first.set(family, metric);
  }
  return PARETO_PAIRS.flatMap(([a, b]) => {
    const x = first.get(a);
    const y = first.get(b);
    return x !== undefined && y !== undefined ? [[x, y] as [ReportMetric, ReportMetric]] : [];
  });
}

function metricCharts(
  table: readonly ReportRow[],
  metrics: readonly ReportMetric[],
  params: readonly ParameterRole[],
  options: ChartOptions,
): ReportChart[] {
  const numeric = params.filter((p) => p.numeric);
  const axes = numeric.length > 0 ? numeric : params.slice(0, 1);
  return metrics.flatMap((metric) =>
    axes.map((x) =>
      metricByParameterChart(
        table,
        metric,
        x,
        params.filter((p) => p !== x),
        options,
      ),
    ),
  );
}

/** Breakdowns are listed energy first, then cost, then the rest (such as failures by reason). */
const BREAKDOWN_ORDER: readonly (Family | null)[] = [
  'energy',
  'cost',
  'time',
  'bytes',
  'quality',
  'privacy',
  null,
];

/**
 * The charts that make sense for a sweep table, from its columns alone:
 *
 * - for each metric (`meta.metrics`, else the curated metrics present, else
 *   every varying numeric column that is not a parameter or id), in its
 *   display unit: the metric against each numeric swept parameter (or the
 *   first categorical one when none is numeric), one series per combination
 *   of the other parameters, with 95% confidence intervals over
 *   replications, and the SLO rule(s) `meta.sloS` on latency metrics;
 * - with two or more categorical parameters (such as defence x attack), for
 *   each metric a heat map over the first two, a panel per combination of
 *   the others;
 * - Pareto fronts for the first metric of each trading pair of unit
 *   families (time/energy, time/cost, energy/cost, accuracy/time, ...), when
 *   there are at least two configurations;
 * - a latency CDF when `extra.histogram` is given;
 * - accuracy or fleet coverage against simulated time, a line per run, when
 *   `extra.curves` has them;
 * - a stacked bar per breakdown found (a total whose components add up to it).
 *
 * Swept parameters that take a single value are ignored. Throws when a
 * parameter in `meta` is not a column of the table. Names are unique.
 */
export function reportCharts(
  table: readonly ReportRow[],
  meta: ReportMeta,
  extra: ReportExtra = {},
): ReportChart[] {
  const params = parameterRoles(table, meta);
  const metrics = reportMetrics(table, meta).charts;
  const options: ChartOptions = { sloS: meta.sloS ?? [] };
  const charts = metricCharts(table, metrics, params, options);
  const categorical = params.filter((p) => !p.numeric);
  if (categorical.length >= 2) {
    const [x, y] = categorical as [ParameterRole, ParameterRole];
    const others = params.filter((p) => p !== x && p !== y);
    for (const metric of metrics) charts.push(heatmapChart(table, metric, x, y, others));
  }
  const configurations = groupRows(
    table,
    params.map((p) => p.column),
  ).length;
  if (configurations >= 2) {
    for (const pair of paretoPairs(metrics)) charts.push(paretoChart(table, pair, params, options));
  }
  if (extra.histogram !== undefined) {
    const ignored = [...new Set(extra.histogram.flatMap((row) => Object.keys(row)))].filter((c) =>
      isIdColumn(c, meta),
    );
    const cdfs = latencyCdfs(extra.histogram, ignored);
    if (cdfs.series.some((s) => s.points.length > 0)) charts.push(latencyCdfChart(cdfs, meta.sloS));
  }
  if (extra.curves !== undefined) {
    charts.push(...curveCharts(extra.curves, params));
  }
  const parameters = new Set(meta.parameters);
  const rank = (total: string) => BREAKDOWN_ORDER.indexOf(familyOf(total));
  const breakdowns = findBreakdowns(table)
    .filter((b) => !parameters.has(b.total) && !isIdColumn(b.total, meta))
    .sort((a, b) => rank(a.total) - rank(b.total));
  for (const breakdown of breakdowns) charts.push(breakdownChart(table, breakdown, params));
  return uniqueNames(charts);
}

function uniqueNames(charts: readonly ReportChart[]): ReportChart[] {
  const used = new Set<string>();
  return charts.map((chart) => {
    let name = chart.name;
    for (let i = 2; used.has(name); i++) name = `${chart.name}-${i}`;
    used.add(name);
    return name === chart.name ? chart : { ...chart, name };
  });
}
