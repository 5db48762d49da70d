/**
 * Accuracy against simulated time across a sweep's configurations, from the
 * runs' curves (`curves.csv`: one row per evaluation of each run's global
 * model): one line per run, coloured by its configuration, so replications
 * of one configuration show their spread and the modes or strategies of a
 * sweep compare on one axis.
 */
import type { TopLevelSpec } from 'vega-lite';
import { HEIGHT, labelOf, type ReportChart, seriesOf, top, WIDTH } from './chart-spec.js';
import { cellNumber, type ParameterRole, type ReportRow } from './columns.js';
import { chartNumber } from './stats.js';

/**
 * The chart of `curves` (rows with `run`, `time_s`, `accuracy` and the
 * parameter columns), or null when no row has both numbers.
 */
export function accuracyCurveChart(
  curves: readonly ReportRow[],
  params: readonly ParameterRole[],
): ReportChart | null {
  const values = curves.flatMap((row) => {
    const timeS = cellNumber(row.time_s);
    const accuracy = cellNumber(row.accuracy);
    if (timeS === null || accuracy === null) return [];
    return [
      {
        run: String(row.run),
        configuration: labelOf(params.map((p) => String(row[p.column] ?? ''))),
        time_s: chartNumber(timeS),
        accuracy: chartNumber(accuracy),
      },
    ];
  });
  if (values.length === 0) return null;
  const configurations = [...new Set(values.map((v) => v.configuration))];
  const legend = seriesOf(params);
  const title = 'Accuracy vs simulated time';
  const spec = {
    ...top(
      title,
      'global model on the held-out split after each evaluation; one line per run, replications in the same colour',
    ),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: { size: 12 }, strokeWidth: 1.5, opacity: 0.85 },
    encoding: {
      x: { field: 'time_s', type: 'quantitative', title: 'simulated time (s)' },
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { zero: false } },
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
        { field: 'accuracy', title: 'accuracy', format: '.4f' },
      ],
    },
  };
  return { name: 'accuracy-vs-time', kind: 'curves', title, spec: spec as TopLevelSpec };
}
