/**
 * A metric over two categorical swept parameters as a heat map: one cell per
 * pair of values (such as defence x attack), coloured by the metric's mean
 * over replications and labelled with it; one panel per combination of the
 * other swept parameters (such as the attacker fraction). Cells hold the
 * number, so the map reads without a legend; the tooltip adds the
 * confidence interval and the replications.
 */
import type { TopLevelSpec } from 'vega-lite';
import { groupRows } from './aggregate.js';
import { labelOf, type ReportChart, slug, top } from './chart-spec.js';
import { cellNumber, directionOf, type ParameterRole, type ReportRow } from './columns.js';
import { metricValues, type ReportMetric } from './metrics.js';
import { chartNumber, meanCi } from './stats.js';

/** Cell size, px: wide enough for a four-digit label. */
const CELL_WIDTH = 70;
const CELL_HEIGHT = 26;

/**
 * `metric` by `x` (columns) and `y` (rows), both categorical, one panel per
 * combination of `others`. Higher is better in a colour that reads so: the
 * scheme runs toward dark for the metric's better direction.
 */
export function heatmapChart(
  table: readonly ReportRow[],
  metric: ReportMetric,
  x: ParameterRole,
  y: ParameterRole,
  others: readonly ParameterRole[],
): ReportChart {
  const groups = groupRows(
    table,
    [x, y, ...others].map((p) => p.column),
  );
  const values = groups.map((g) => {
    const ci = meanCi(metricValues(g.rows, metric));
    return {
      x: g.key[0]!,
      y: g.key[1]!,
      panel: labelOf(g.key.slice(2).map((v, i) => `${others[i]!.label} ${v}`)),
      mean: chartNumber(ci.mean),
      low: chartNumber(ci.low),
      high: chartNumber(ci.high),
      n: ci.n,
    };
  });
  const order = (p: ParameterRole) => p.values.map(String);
  const better = directionOf(metric.column) === 'max';
  const encoding = {
    x: { field: 'x', type: 'nominal', title: x.label, sort: order(x), axis: { labelAngle: -30 } },
    y: { field: 'y', type: 'nominal', title: y.label, sort: order(y) },
  };
  const cells = {
    width: { step: CELL_WIDTH },
    height: { step: CELL_HEIGHT },
    layer: [
      {
        mark: 'rect',
        encoding: {
          ...encoding,
          color: {
            field: 'mean',
            type: 'quantitative',
            title: metric.label,
            scale: { scheme: 'viridis', reverse: !better },
          },
          tooltip: [
            { field: 'x', title: x.label },
            { field: 'y', title: y.label },
            { field: 'mean', title: `mean ${metric.label}`, format: '.4~g' },
            { field: 'low', title: '95% CI low', format: '.4~g' },
            { field: 'high', title: '95% CI high', format: '.4~g' },
            { field: 'n', title: 'replications' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          ...encoding,
          text: { field: 'mean', type: 'quantitative', format: '.3~g' },
          color: { condition: { test: 'datum.mean == null', value: 'black' }, value: 'white' },
        },
      },
    ],
  };
  const panels = others.length > 0;
  const title = `${metric.words} by ${x.label} and ${y.label}`;
  const spec = {
    ...top(title, 'mean over replications in each cell'),
    data: { values },
    ...(panels
      ? {
          facet: { field: 'panel', type: 'nominal', title: null, sort: panelOrder(groups, others) },
          columns: 2,
          spec: cells,
        }
      : cells),
  };
  return {
    name: slug(`${metric.column}-by-${tail(x)}-and-${tail(y)}`),
    kind: 'heatmap',
    title,
    spec: spec as TopLevelSpec,
  };
}

function tail(p: ParameterRole): string {
  return p.column.split('.').at(-1) ?? p.column;
}

/** Panels in the order of the other parameters' values (numbers ascending). */
function panelOrder(
  groups: readonly { key: readonly string[] }[],
  others: readonly ParameterRole[],
): string[] {
  const keys = [...new Set(groups.map((g) => JSON.stringify(g.key.slice(2))))].map(
    (k) => JSON.parse(k) as string[],
  );
  const rank = (key: readonly string[]) =>
    key.map((v, i) => {
      const values = others[i]!.values.map(String);
      return values.indexOf(v) >= 0 ? values.indexOf(v) : (cellNumber(v) ?? 0);
    });
  keys.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return 0;
  });
  return keys.map((key) => labelOf(key.map((v, i) => `${others[i]!.label} ${v}`)));
}
