/**
 * A measure against simulated time across a sweep's configurations, from the
 * runs' curves (`curves.csv`): one line per run, coloured by its
 * configuration, so replications of one configuration show their spread and
 * the modes or strategies of a sweep compare on one axis. Federated runs give
 * held-out accuracy after each evaluation; rollouts the share of the fleet on
 * the new version.
 */
import type { TopLevelSpec } from 'vega-lite';
import { HEIGHT, labelOf, type ReportChart, seriesOf, top, WIDTH } from './chart-spec.js';
import { cellNumber, type ParameterRole, type ReportRow } from './columns.js';
import { chartNumber } from './stats.js';

/** A curve column a chart is drawn for: its chart name, title, subtitle and axis. */
interface CurveMeasure {
  readonly column: string;
  readonly name: string;
  readonly title: string;
  readonly subtitle: string;
  readonly axis: string;
  readonly format: string;
}

/** The curve columns drawn, in order; a sweep's curves may hold any of them. */
const CURVE_MEASURES: readonly CurveMeasure[] = [
  {
    column: 'accuracy',
    name: 'accuracy-vs-time',
    title: 'Accuracy vs simulated time',
    subtitle:
      'global model on the held-out split after each evaluation; one line per run, replications in the same colour',
    axis: 'accuracy',
    format: '.4f',
  },
  {
    column: 'coverage',
    name: 'coverage-vs-time',
    title: 'Fleet coverage vs simulated time',
    subtitle:
      'share of the fleet running the new version; one line per run, replications in the same colour',
    axis: 'share of the fleet on the new version',
    format: '.1%',
  },
];

/** A chart for each curve measure some row of `curves` has (with `time_s`). */
export function curveCharts(
  curves: readonly ReportRow[],
  params: readonly ParameterRole[],
): ReportChart[] {
  return CURVE_MEASURES.flatMap((measure) => {
    const chart = curveChart(curves, params, measure);
    return chart === null ? [] : [chart];
  });
}

/**
 * The chart of `measure` over `curves` (rows with `run`, `time_s`, the
 * measure's column and the parameter columns), or null when no row has both
 * numbers.
 */
function curveChart(
  curves: readonly ReportRow[],
  params: readonly ParameterRole[],
  measure: CurveMeasure,
): ReportChart | null {
  const values = curves.flatMap((row) => {
    const timeS = cellNumber(row.time_s);
    const y = cellNumber(row[measure.column]);
    if (timeS === null || y === null) return [];
    return [
      {
        run: String(row.run),
        configuration: labelOf(params.map((p) => String(row[p.column] ?? ''))),
        time_s: chartNumber(timeS),
        [measure.column]: chartNumber(y),
      },
    ];
  });
  if (values.length === 0) return null;
  const configurations = [...new Set(values.map((v) => v.configuration))];
  const legend = seriesOf(params);
  const spec = {
    ...top(measure.title, measure.subtitle),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: { size: 12 }, strokeWidth: 1.5, opacity: 0.85 },
    encoding: {
      x: { field: 'time_s', type: 'quantitative', title: 'simulated time (s)' },
      y: {
        field: measure.column,
        type: 'quantitative',
        title: measure.axis,
        scale: { zero: false },
      },
      color: {
        field: 'configuration',
        type: 'nominal',
        sort: configurations,
        ...(legend === null ? { legend: null } : { title: legend.title }),
      },
      detail: { field: 'run', type: 'nominal' },
      order: { field: 'time_s', type: 'quantitative' },
      tooltip: [
        { field: 'configuration', title: legend?.title ?? 'configuration' },
        { field: 'run', title: 'run' },
        { field: 'time_s', title: 'simulated time (s)', format: '.4~g' },
        { field: measure.column, title: measure.axis, format: measure.format },
      ],
    },
  };
  return { name: measure.name, kind: 'curves', title: measure.title, spec: spec as TopLevelSpec };
}
