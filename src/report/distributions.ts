/**
 * Distribution and composition charts: latency CDFs from the histogram
 * table, and totals stacked by their components.
 */
import type { TopLevelSpec } from 'vega-lite';
import { type Breakdown, groupRows, type LatencyCdfs } from './aggregate.js';
import { HEIGHT, labelOf, type ReportChart, slug, top, WIDTH } from './chart-spec.js';
import { columnWords, type ParameterRole, type ReportRow } from './columns.js';
import { metricValues, reportMetric } from './metrics.js';
import { sloLayers } from './slo.js';
import { chartNumber, meanCi } from './stats.js';
import { autoUnit, toDisplay } from './units.js';

const SECONDS = { dimension: 'time', scale: 1, per: '' } as const;

/**
 * Latency CDFs, one line per series (group, placement, configuration), from
 * the histogram's cumulative fractions; log latency axis in a unit chosen
 * from the buckets' bounds (ms for bounds under a second), open buckets left
 * off, and a vertical rule at each latency objective `sloS` (s).
 */
export function latencyCdfChart(cdfs: LatencyCdfs, sloS: readonly number[] = []): ReportChart {
  const { series } = cdfs;
  const bounds = series.flatMap((s) => s.points.map((p) => p.upTo)).filter(Number.isFinite);
  const unit = autoUnit(SECONDS, bounds);
  const values = series.flatMap((s) =>
    s.points
      .filter((p) => Number.isFinite(p.upTo) && p.upTo > 0)
      .map((p) => ({
        series: s.label,
        latency: chartNumber(toDisplay(p.upTo, SECONDS, unit)),
        fraction: chartNumber(p.fraction),
      })),
  );
  const latencyTitle = `latency (${unit.symbol})`;
  const title = 'Latency distribution';
  const spec = {
    ...top(
      title,
      'cumulative fraction of requests completed within each latency, all replications pooled',
    ),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'latency',
            type: 'quantitative',
            title: latencyTitle,
            scale: { type: 'log' },
          },
          y: {
            field: 'fraction',
            type: 'quantitative',
            title: 'cumulative fraction of requests',
            scale: { domain: [0, 1] },
          },
          color: {
            field: 'series',
            type: 'nominal',
            title: cdfs.title,
            sort: series.map((s) => s.label),
            legend: { symbolType: 'stroke', symbolStrokeWidth: 2.5 },
          },
          strokeDash: {
            field: 'series',
            type: 'nominal',
            title: cdfs.title,
            sort: series.map((s) => s.label),
            legend: { symbolType: 'stroke', symbolStrokeWidth: 2.5 },
          },
          tooltip: [
            { field: 'series', title: cdfs.title },
            { field: 'latency', title: `latency up to (${unit.symbol})`, format: '.4~g' },
            { field: 'fraction', title: 'fraction', format: '.4~g' },
          ],
        },
      },
      ...sloLayers(sloS, unit, 'x', latencyTitle),
    ],
  };
  return { name: 'latency-cdf', kind: 'latency-cdf', title, spec: spec as unknown as TopLevelSpec };
}

/** A component's name without the total's shared words: energy_devices_radio_j -> "radio". */
function componentLabel(total: string, component: string): string {
  const totalWords = new Set(columnWords(total).split(' '));
  const words = columnWords(component)
    .split(' ')
    .filter((w) => !totalWords.has(w));
  return words.join(' ') || columnWords(component);
}

/** Configurations beyond which a breakdown pools its numeric parameters. */
const MAX_BARS = 40;

/**
 * A total split into its components (energy by compute, radio, idle; cost by
 * energy, egress), one stacked bar per configuration, each segment the mean
 * over replications. Beyond 40 configurations, one bar per combination of
 * the categorical parameters, pooling every run with it.
 */
export function breakdownChart(
  table: readonly ReportRow[],
  breakdown: Breakdown,
  params: readonly ParameterRole[],
): ReportChart {
  let bars = params;
  let groups = groupRows(
    table,
    bars.map((p) => p.column),
  );
  // Too many configurations (a random or Latin-hypercube sample) for one bar
  // each: pool the numeric parameters and keep a bar per strategy.
  const configurations = groups.length;
  const pooled = configurations > MAX_BARS;
  if (pooled) {
    bars = params.filter((p) => !p.numeric);
    groups = groupRows(
      table,
      bars.map((p) => p.column),
    );
  }
  const labels = groups.map((g) => labelOf(g.key));
  const components = breakdown.components.map((c) => componentLabel(breakdown.total, c));
  // Components share the total's unit (chosen from the total's magnitude).
  const total = reportMetric(table, breakdown.total);
  const values = groups.flatMap((g, i) =>
    breakdown.components.map((column, j) => ({
      configuration: labels[i]!,
      component: components[j]!,
      order: j,
      value: chartNumber(meanCi(metricValues(g.rows, { ...total, column })).mean),
    })),
  );
  const title = `${total.words} by component`;
  const configTitle = bars.map((p) => p.label).join(', ') || 'configuration';
  const subtitle = pooled
    ? `mean over all runs${bars.length > 0 ? ` per ${configTitle}` : ''} (${configurations} configurations)`
    : 'mean over replications, per configuration';
  const spec = {
    ...top(title, subtitle),
    width: WIDTH,
    height: { step: 22 },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'configuration', type: 'nominal', title: configTitle, sort: labels },
      x: {
        field: 'value',
        type: 'quantitative',
        title: total.label,
        stack: 'zero',
      },
      color: { field: 'component', type: 'nominal', title: 'component', sort: components },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 'configuration', title: configTitle },
        { field: 'component', title: 'component' },
        { field: 'value', title: total.label, format: '.4~g' },
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
