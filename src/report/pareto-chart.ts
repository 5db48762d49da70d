/** The trade-off chart: two metrics of every configuration, with the Pareto front. */
import type { TopLevelSpec } from 'vega-lite';
import { groupRows } from './aggregate.js';
import { HEIGHT, labelOf, type ReportChart, slug, top, WIDTH } from './chart-spec.js';
import type { ChartOptions } from './charts.js';
import { type Direction, directionOf, type ParameterRole, type ReportRow } from './columns.js';
import { isLatencyMetric, metricValues, type ReportMetric, reportMetric } from './metrics.js';
import { paretoFront } from './pareto.js';
import { sloLayers } from './slo.js';
import { chartNumber, meanCi } from './stats.js';

/** Front points beyond which they are not labelled on the chart (tooltips still name them). */
const MAX_FRONT_LABELS = 12;

function directionWords(metric: ReportMetric, direction: Direction): string {
  return `${direction === 'min' ? 'lower' : 'higher'} ${metric.words}`;
}

/**
 * Two metrics of every configuration (means over replications, in their
 * display units) as points, with the non-dominated front connected: the
 * trade-off curve. Each axis is minimised or maximised as `directionOf`
 * says. Colour shows the first swept categorical parameter (the strategy);
 * every point's tooltip names all swept parameters, and the front's points
 * (up to 12) are labelled with their configuration. A latency axis gets
 * the SLO rule(s).
 */
export function paretoChart(
  table: readonly ReportRow[],
  metrics: readonly [string | ReportMetric, string | ReportMetric],
  params: readonly ParameterRole[],
  options: ChartOptions = {},
): ReportChart {
  const [a, b] = metrics.map((m) => (typeof m === 'string' ? reportMetric(table, m) : m)) as [
    ReportMetric,
    ReportMetric,
  ];
  const directions: Direction[] = [directionOf(a.column), directionOf(b.column)];
  const groups = groupRows(
    table,
    params.map((p) => p.column),
  );
  const points = groups.map((g) => [a, b].map((m) => meanCi(metricValues(g.rows, m)).mean));
  const front = new Set(paretoFront(points, directions));
  const strategy = params.find((p) => !p.numeric);
  const values = groups.map((g, i) => ({
    configuration: labelOf(g.key),
    ...Object.fromEntries(params.map((_, j) => [`p${j}`, g.key[j]!])),
    ...(strategy ? { strategy: g.key[params.indexOf(strategy)]! } : {}),
    a: chartNumber(points[i]![0]!),
    b: chartNumber(points[i]![1]!),
    front: front.has(i),
  }));
  const x = { field: 'a', type: 'quantitative', title: a.label, scale: { zero: false } };
  const y = { field: 'b', type: 'quantitative', title: b.label, scale: { zero: false } };
  const title = `Trade-off: ${a.words} vs ${b.words}`;
  const subtitle = `configurations (mean over replications); line: Pareto front (${directionWords(a, directions[0]!)}, ${directionWords(b, directions[1]!)} is better)`;
  const color = strategy && {
    field: 'strategy',
    type: 'nominal',
    title: strategy.label,
    sort: strategy.values.map(String),
  };
  const tooltip = [
    ...(params.length === 0 ? [{ field: 'configuration', title: 'runs' }] : []),
    ...params.map((p, j) => ({ field: `p${j}`, title: p.label })),
    { field: 'a', title: a.label, format: '.4~g' },
    { field: 'b', title: b.label, format: '.4~g' },
    { field: 'front', title: 'on the front' },
  ];
  const onFront = [{ filter: { field: 'front', equal: true } }];
  const labels =
    params.length > 0 && front.size <= MAX_FRONT_LABELS
      ? [
          {
            transform: onFront,
            mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 7, dy: -5, fontSize: 10 },
            encoding: { x, y, text: { field: 'configuration' } },
          },
        ]
      : [];
  const slo = [
    ...(isLatencyMetric(a) && a.unit ? sloLayers(options.sloS ?? [], a.unit, 'x', a.label) : []),
    ...(isLatencyMetric(b) && b.unit ? sloLayers(options.sloS ?? [], b.unit, 'y', b.label) : []),
  ];
  const spec = {
    ...top(title, subtitle),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 60, fillOpacity: 0.85 },
        encoding: { x, y, ...(color ? { color } : {}), tooltip },
      },
      {
        transform: onFront,
        mark: {
          type: 'line',
          color: 'black',
          strokeWidth: 1.5,
          point: { filled: false, size: 120, color: 'black' },
        },
        encoding: { x, y, order: { field: 'a', type: 'quantitative' } },
      },
      ...labels,
      ...slo,
    ],
  };
  const name = slug(`pareto-${a.column}-vs-${b.column}`);
  return { name, kind: 'pareto', title, spec: spec as TopLevelSpec };
}
