/**
 * Vega-Lite v6 specs for sweep reports, as plain JSON with the data inlined.
 * Every number drawn is computed here (means, confidence intervals, fronts,
 * CDFs) so it is exact and tested; Vega-Lite only draws. Internal field
 * names (`x`, `mean`, `low`, ...) keep user column names, which may contain
 * dots, out of Vega-Lite field paths.
 */
import type { TopLevelSpec } from 'vega-lite';
import { columnValues, groupRows } from './aggregate.js';
import { HEIGHT, labelOf, type ReportChart, seriesOf, slug, top, WIDTH } from './chart-spec.js';
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

export { type ChartKind, type ReportChart, slug } from './chart-spec.js';
export { breakdownChart, latencyCdfChart } from './distributions.js';

/**
 * A metric against one swept parameter, each point the mean over
 * replications of one configuration with its 95% Student-t confidence
 * interval. One series (colour) per combination of the other categorical
 * parameters (the strategies). When the parameter is numeric and no other
 * numeric parameter varies, each series is a line with a confidence band;
 * otherwise points with error bars (several configurations may share an x).
 */
export function metricByParameterChart(
  table: readonly ReportRow[],
  metric: string,
  x: ParameterRole,
  others: readonly ParameterRole[],
): ReportChart {
  const categorical = others.filter((p) => !p.numeric);
  const numeric = others.filter((p) => p.numeric);
  const groups = groupRows(
    table,
    [x, ...categorical, ...numeric].map((p) => p.column),
  );
  const seriesKey = (key: readonly string[]) => labelOf(key.slice(1, 1 + categorical.length));
  const seriesLabels = [...new Set(groups.map((g) => seriesKey(g.key)))];
  const values = groups.map((g) => {
    const ci = meanCi(columnValues(g.rows, metric));
    return {
      x: x.numeric ? chartNumber(cellNumber(g.key[0]) ?? Number.NaN) : g.key[0]!,
      series: seriesKey(g.key),
      configuration: labelOf(g.key),
      mean: chartNumber(ci.mean),
      low: chartNumber(ci.low),
      high: chartNumber(ci.high),
      n: ci.n,
    };
  });
  const series = seriesOf(categorical);
  const color = series && {
    field: 'series',
    type: 'nominal',
    title: series.title,
    sort: seriesLabels,
  };
  const y = {
    field: 'mean',
    type: 'quantitative',
    title: columnLabel(metric),
    scale: { zero: false },
  };
  const tooltip = [
    {
      field: 'configuration',
      title: [x, ...categorical, ...numeric].map((p) => p.label).join(', '),
    },
    { field: 'mean', title: `mean ${columnLabel(metric)}`, format: '.4~g' },
    { field: 'low', title: '95% CI low', format: '.4~g' },
    { field: 'high', title: '95% CI high', format: '.4~g' },
    { field: 'n', title: 'replications' },
  ];
  const interval = {
    y: { field: 'low', type: 'quantitative', title: columnLabel(metric) },
    y2: { field: 'high' },
  };
  const xEncoding = x.numeric
    ? { field: 'x', type: 'quantitative', title: x.label, scale: { zero: false } }
    : {
        field: 'x',
        type: 'nominal',
        title: x.label,
        sort: x.values.map(String),
        axis: { labelAngle: 0 },
      };
  const offset = !x.numeric && color ? { xOffset: { field: 'series', sort: seriesLabels } } : {};
  const layer =
    x.numeric && numeric.length === 0
      ? [
          { mark: { type: 'area', opacity: 0.2 }, encoding: interval },
          { mark: { type: 'line', point: true }, encoding: { y, tooltip } },
        ]
      : [
          { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: interval },
          { mark: { type: 'point', filled: true, size: 50 }, encoding: { y, tooltip } },
        ];
  const title = `${columnWords(metric)} vs ${x.label}`;
  const spec = {
    ...top(title, 'mean over replications, 95% confidence interval (Student t)'),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    encoding: { x: xEncoding, ...(color ? { color } : {}), ...offset },
    layer,
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
