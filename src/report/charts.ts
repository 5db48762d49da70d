/**
 * Vega-Lite v6 specs for sweep reports, as plain JSON with the data inlined.
 * Every number drawn is computed here (means, confidence intervals, fronts,
 * CDFs) so it is exact and tested; Vega-Lite only draws. Internal field
 * names (`x`, `mean`, `low`, ...) keep user column names, which may contain
 * dots, out of Vega-Lite field paths; user strings only ever appear as data
 * and titles, never inside an expression.
 */
import type { TopLevelSpec } from 'vega-lite';
import { groupRows } from './aggregate.js';
import { isDiscreteAxis, seriesShift, sweptXEncoding } from './axes.js';
import { HEIGHT, labelOf, type ReportChart, seriesOf, slug, top, WIDTH } from './chart-spec.js';
import { cellNumber, type ParameterRole, type ReportRow } from './columns.js';
import { isLatencyMetric, metricValues, type ReportMetric, reportMetric } from './metrics.js';
import { sloLayers } from './slo.js';
import { chartNumber, meanCi } from './stats.js';

export { type ChartKind, type ReportChart, slug } from './chart-spec.js';
export { breakdownChart, latencyCdfChart } from './distributions.js';
export { paretoChart } from './pareto-chart.js';

/** What a chart draws besides its data. */
export interface ChartOptions {
  /** Latency objectives, s, drawn as rules on latency charts. */
  readonly sloS?: readonly number[];
}

/** Vega-Lite's first category colour, used for a chart with a single series. */
const SINGLE_COLOR = '#4c78a8';

/** A legend whose swatches are opaque strokes, showing each series' colour and dash. */
const LINE_LEGEND = { symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 300 };

/** The metric as a `ReportMetric`: a column name gets a unit chosen from the table. */
export function asMetric(table: readonly ReportRow[], metric: string | ReportMetric): ReportMetric {
  return typeof metric === 'string' ? reportMetric(table, metric) : metric;
}

/**
 * A metric against one swept parameter, each point the mean over
 * replications of one configuration with its 95% Student-t confidence
 * interval, in the metric's display unit. One series (colour, and dash for
 * lines) per combination of the other categorical parameters (the
 * strategies). When the parameter is numeric and no other numeric parameter
 * varies, each series is a line with a confidence band; otherwise points
 * with error bars (several configurations may share an x). Series at one
 * x sit side by side, a few pixels apart (see `seriesShift`), so equal
 * values do not hide each other. The x axis has ticks at the swept values (log scale
 * when geometric, see axes.ts). Latency metrics get the SLO rule(s).
 */
export function metricByParameterChart(
  table: readonly ReportRow[],
  metric: string | ReportMetric,
  x: ParameterRole,
  others: readonly ParameterRole[],
  options: ChartOptions = {},
): ReportChart {
  const m = asMetric(table, metric);
  const categorical = others.filter((p) => !p.numeric);
  const numeric = others.filter((p) => p.numeric);
  const groups = groupRows(
    table,
    [x, ...categorical, ...numeric].map((p) => p.column),
  );
  const seriesKey = (key: readonly string[]) => labelOf(key.slice(1, 1 + categorical.length));
  const seriesLabels = [...new Set(groups.map((g) => seriesKey(g.key)))];
  const shift = seriesShift(x, seriesLabels.length);
  const values = groups.map((g) => {
    const ci = meanCi(metricValues(g.rows, m));
    const series = seriesKey(g.key);
    const value = cellNumber(g.key[0]) ?? Number.NaN;
    return {
      x: x.numeric ? chartNumber(value) : g.key[0]!,
      ...(isDiscreteAxis(x)
        ? {}
        : { xAt: chartNumber(shift(value, seriesLabels.indexOf(series))) }),
      series,
      configuration: labelOf(g.key),
      mean: chartNumber(ci.mean),
      low: chartNumber(ci.low),
      high: chartNumber(ci.high),
      n: ci.n,
    };
  });
  const lines = x.numeric && numeric.length === 0;
  const series = seriesOf(categorical);
  const seriesEncoding = series && {
    field: 'series',
    type: 'nominal',
    title: series.title,
    sort: seriesLabels,
    ...(lines ? { legend: LINE_LEGEND } : {}),
  };
  const color = seriesEncoding ? { color: seriesEncoding } : {};
  const xEncoding = { x: sweptXEncoding(x) };
  const offset =
    !lines && isDiscreteAxis(x) && seriesEncoding
      ? { xOffset: { field: 'series', sort: seriesLabels } }
      : {};
  const y = { field: 'mean', type: 'quantitative', title: m.label, scale: { zero: false } };
  const interval = {
    y: { field: 'low', type: 'quantitative', title: m.label },
    y2: { field: 'high' },
  };
  const tooltip = [
    {
      field: 'configuration',
      title: [x, ...categorical, ...numeric].map((p) => p.label).join(', '),
    },
    { field: 'mean', title: `mean ${m.label}`, format: '.4~g' },
    { field: 'low', title: '95% CI low', format: '.4~g' },
    { field: 'high', title: '95% CI high', format: '.4~g' },
    { field: 'n', title: 'replications' },
  ];
  const layer = lines
    ? [
        {
          mark: { type: 'area', fillOpacity: 0.18 },
          encoding: { ...xEncoding, ...interval, ...color },
        },
        {
          mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 45 } },
          encoding: {
            ...xEncoding,
            y,
            ...color,
            ...(seriesEncoding ? { strokeDash: seriesEncoding } : {}),
            tooltip,
          },
        },
      ]
    : [
        {
          // A rule is black by default; without series, the points' blue.
          mark: {
            type: 'rule',
            strokeWidth: 1.5,
            ...(seriesEncoding ? {} : { color: SINGLE_COLOR }),
          },
          encoding: { ...xEncoding, ...interval, ...color, ...offset },
        },
        {
          mark: { type: 'point', filled: true, size: 50, opacity: 1 },
          encoding: { ...xEncoding, y, ...color, ...offset, tooltip },
        },
      ];
  const slo =
    isLatencyMetric(m) && m.unit !== null
      ? sloLayers(options.sloS ?? [], m.unit, 'y', m.label)
      : [];
  const title = `${m.words} vs ${x.label}`;
  const spec = {
    ...top(title, 'mean over replications, 95% confidence interval (Student t)'),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [...layer, ...slo],
  };
  return {
    name: slug(`${m.column}-by-${x.column.split('.').at(-1) ?? x.column}`),
    kind: 'metric-by-parameter',
    title,
    spec: spec as TopLevelSpec,
  };
}
