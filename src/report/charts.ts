/**
 * Vega-Lite v6 specs for sweep reports, as plain JSON with the data inlined.
 * Every number drawn is computed here (means, confidence intervals, fronts,
 * CDFs) so it is exact and tested; Vega-Lite only draws. Internal field
 * names (`x`, `mean`, `low`, ...) keep user column names, which may contain
 * dots, out of Vega-Lite field paths.
 */
import type { TopLevelSpec } from 'vega-lite';
import { type Breakdown, type CdfSeries, columnValues, groupRows } from './aggregate.js';
import {
  cellNumber,
  columnLabel,
  columnWords,
  type Direction,
  directionOf,
  type ParameterRole,
  type ReportRow,
} from './columns.js';
import { paretoFront } from './pareto.js';
import { chartNumber, meanCi } from './stats.js';

/** The kinds of chart a report holds. */
export type ChartKind = 'metric-by-parameter' | 'pareto' | 'latency-cdf' | 'breakdown';

/** One chart of a report: a file-safe unique name, a title and its Vega-Lite spec. */
export interface ReportChart {
  /** File-name stem: `[A-Za-z0-9_-]` only, e.g. `latency_p99_s-by-arrival_rate`. */
  readonly name: string;
  readonly kind: ChartKind;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 480;
const HEIGHT = 300;

/** A string reduced to `[A-Za-z0-9_-]`, for chart and file names. */
export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'chart';
}

function top(title: string, subtitle: string): Pick<TopLevelSpec, '$schema' | 'title'> {
  return { $schema: SCHEMA, title: { text: title, subtitle, anchor: 'start' } };
}

function seriesOf(params: readonly ParameterRole[]): { title: string } | null {
  return params.length === 0 ? null : { title: params.map((p) => p.label).join(', ') };
}

function labelOf(key: readonly string[]): string {
  return key.join(', ') || 'all runs';
}

/**
 * A metric against one swept parameter, one series per combination of the
 * other swept parameters (the strategies), each point the mean over
 * replications with its 95% Student-t confidence interval: a band when the
 * parameter is numeric, error bars when it is categorical.
 */
export function metricByParameterChart(
  table: readonly ReportRow[],
  metric: string,
  x: ParameterRole,
  others: readonly ParameterRole[],
): ReportChart {
  const groups = groupRows(table, [x.column, ...others.map((p) => p.column)]);
  const seriesLabels = [...new Set(groups.map((g) => labelOf(g.key.slice(1))))];
  const values = groups.map((g) => {
    const ci = meanCi(columnValues(g.rows, metric));
    const xValue = x.numeric ? chartNumber(cellNumber(g.key[0]) ?? Number.NaN) : g.key[0]!;
    return {
      x: xValue,
      series: labelOf(g.key.slice(1)),
      mean: chartNumber(ci.mean),
      low: chartNumber(ci.low),
      high: chartNumber(ci.high),
      n: ci.n,
    };
  });
  const series = seriesOf(others);
  const color = series && {
    field: 'series',
    type: 'nominal',
    title: series.title,
    sort: seriesLabels,
  };
  const xTitle = x.label;
  const y = {
    field: 'mean',
    type: 'quantitative',
    title: columnLabel(metric),
    scale: { zero: false },
  };
  const tooltip = [
    { field: 'x', title: xTitle },
    ...(series ? [{ field: 'series', title: series.title }] : []),
    { field: 'mean', title: `mean ${columnLabel(metric)}`, format: '.4~g' },
    { field: 'low', title: '95% CI low', format: '.4~g' },
    { field: 'high', title: '95% CI high', format: '.4~g' },
    { field: 'n', title: 'replications' },
  ];
  const title = `${columnWords(metric)} vs ${x.label}`;
  const subtitle = 'mean over replications, 95% confidence interval (Student t)';
  const interval = {
    y: { field: 'low', type: 'quantitative', title: columnLabel(metric) },
    y2: { field: 'high' },
  };
  const spec = x.numeric
    ? {
        ...top(title, subtitle),
        width: WIDTH,
        height: HEIGHT,
        data: { values },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: xTitle, scale: { zero: false } },
          ...(color ? { color } : {}),
        },
        layer: [
          { mark: { type: 'area', opacity: 0.2 }, encoding: interval },
          { mark: { type: 'line', point: true }, encoding: { y, tooltip } },
        ],
      }
    : {
        ...top(title, subtitle),
        width: WIDTH,
        height: HEIGHT,
        data: { values },
        encoding: {
          x: {
            field: 'x',
            type: 'nominal',
            title: xTitle,
            sort: x.values.map(String),
            axis: { labelAngle: 0 },
          },
          ...(color ? { color, xOffset: { field: 'series', sort: seriesLabels } } : {}),
        },
        layer: [
          { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: interval },
          { mark: { type: 'point', filled: true, size: 50 }, encoding: { y, tooltip } },
        ],
      };
  return {
    name: slug(`${metric}-by-${x.column.split('.').at(-1) ?? x.column}`),
    kind: 'metric-by-parameter',
    title,
    spec: spec as TopLevelSpec,
  };
}

function directionWords(metric: string, direction: Direction): string {
  return `${direction === 'min' ? 'lower' : 'higher'} ${columnWords(metric)}`;
}

/**
 * Two metrics of every configuration (means over replications) as points,
 * with the non-dominated front connected: the trade-off curve. Each axis is
 * minimised or maximised as `directionOf` says. Colour shows the first swept
 * categorical parameter (the strategy), when there is one.
 */
export function paretoChart(
  table: readonly ReportRow[],
  metrics: readonly [string, string],
  params: readonly ParameterRole[],
): ReportChart {
  const [a, b] = metrics;
  const directions: Direction[] = [directionOf(a), directionOf(b)];
  const groups = groupRows(
    table,
    params.map((p) => p.column),
  );
  const points = groups.map((g) => [a, b].map((m) => meanCi(columnValues(g.rows, m)).mean));
  const front = new Set(paretoFront(points, directions));
  const strategy = params.find((p) => !p.numeric);
  const strategyIndex = strategy === undefined ? -1 : params.indexOf(strategy);
  const values = groups.map((g, i) => ({
    configuration: labelOf(g.key),
    ...(strategy ? { strategy: g.key[strategyIndex]! } : {}),
    a: chartNumber(points[i]![0]!),
    b: chartNumber(points[i]![1]!),
    front: front.has(i),
  }));
  const x = { field: 'a', type: 'quantitative', title: columnLabel(a), scale: { zero: false } };
  const y = { field: 'b', type: 'quantitative', title: columnLabel(b), scale: { zero: false } };
  const title = `Trade-off: ${columnWords(a)} vs ${columnWords(b)}`;
  const subtitle = `configurations (mean over replications); line: Pareto front (${directionWords(a, directions[0]!)}, ${directionWords(b, directions[1]!)} is better)`;
  const color = strategy && {
    field: 'strategy',
    type: 'nominal',
    title: strategy.label,
    sort: strategy.values.map(String),
  };
  const spec = {
    ...top(title, subtitle),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    encoding: { x, y },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 60, opacity: 0.7 },
        encoding: {
          ...(color ? { color } : {}),
          tooltip: [
            { field: 'configuration', title: params.map((p) => p.label).join(', ') || 'runs' },
            { field: 'a', title: columnLabel(a), format: '.4~g' },
            { field: 'b', title: columnLabel(b), format: '.4~g' },
            { field: 'front', title: 'on the front' },
          ],
        },
      },
      {
        transform: [{ filter: { field: 'front', equal: true } }],
        mark: {
          type: 'line',
          color: 'black',
          strokeWidth: 1.5,
          point: { filled: false, size: 120, color: 'black' },
        },
        encoding: { order: { field: 'a', type: 'quantitative' } },
      },
    ],
  };
  return { name: slug(`pareto-${a}-vs-${b}`), kind: 'pareto', title, spec: spec as TopLevelSpec };
}

/**
 * Latency CDFs, one line per series (group, placement, configuration), from
 * the histogram's cumulative fractions; log latency axis, open buckets left off.
 */
export function latencyCdfChart(series: readonly CdfSeries[]): ReportChart {
  const values = series.flatMap((s) =>
    s.points
      .filter((p) => Number.isFinite(p.upTo) && p.upTo > 0)
      .map((p) => ({ series: s.label, latency: p.upTo, fraction: chartNumber(p.fraction) })),
  );
  const title = 'Latency distribution';
  const spec = {
    ...top(
      title,
      'cumulative fraction of requests completed within each latency, all replications pooled',
    ),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'latency', type: 'quantitative', title: 'latency (s)', scale: { type: 'log' } },
      y: {
        field: 'fraction',
        type: 'quantitative',
        title: 'cumulative fraction of requests',
        scale: { domain: [0, 1] },
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: 'series',
        sort: series.map((s) => s.label),
      },
      tooltip: [
        { field: 'series', title: 'series' },
        { field: 'latency', title: 'latency up to (s)', format: '.4~g' },
        { field: 'fraction', title: 'fraction', format: '.4~g' },
      ],
    },
  };
  return { name: 'latency-cdf', kind: 'latency-cdf', title, spec: spec as TopLevelSpec };
}

/** A component's name without the total's shared words: energy_devices_radio_j -> "radio". */
function componentLabel(total: string, component: string): string {
  const totalWords = new Set(columnWords(total).split(' '));
  const words = columnWords(component)
    .split(' ')
    .filter((w) => !totalWords.has(w));
  return words.join(' ') || columnWords(component);
}

/**
 * A total split into its components (energy by compute, radio, idle; cost by
 * energy, egress), one stacked bar per configuration, each segment the mean
 * over replications.
 */
export function breakdownChart(
  table: readonly ReportRow[],
  breakdown: Breakdown,
  params: readonly ParameterRole[],
): ReportChart {
  const groups = groupRows(
    table,
    params.map((p) => p.column),
  );
  const labels = groups.map((g) => labelOf(g.key));
  const components = breakdown.components.map((c) => componentLabel(breakdown.total, c));
  const values = groups.flatMap((g, i) =>
    breakdown.components.map((column, j) => ({
      configuration: labels[i]!,
      component: components[j]!,
      order: j,
      value: chartNumber(meanCi(columnValues(g.rows, column)).mean),
    })),
  );
  const title = `${columnWords(breakdown.total)} by component`;
  const configTitle = params.map((p) => p.label).join(', ') || 'configuration';
  const spec = {
    ...top(title, 'mean over replications, per configuration'),
    width: WIDTH,
    height: { step: 22 },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'configuration', type: 'nominal', title: configTitle, sort: labels },
      x: {
        field: 'value',
        type: 'quantitative',
        title: columnLabel(breakdown.total),
        stack: 'zero',
      },
      color: { field: 'component', type: 'nominal', title: 'component', sort: components },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 'configuration', title: configTitle },
        { field: 'component', title: 'component' },
        { field: 'value', title: columnLabel(breakdown.total), format: '.4~g' },
      ],
    },
  };
  return {
    name: slug(`breakdown-${breakdown.total}`),
    kind: 'breakdown',
    title,
    spec: spec as TopLevelSpec,
  };
}
