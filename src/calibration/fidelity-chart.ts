/** The picture of `edgesim fidelity`: every prediction against its measurement, log-log. */
import type { TopLevelSpec } from 'vega-lite';
import { UsageError } from '../errors.js';
import type { FidelityRow, FidelitySummary } from './index.js';

/** The validation target's band: a pair beyond it is off by more than 35%. */
const BAND = 1.35;

/** What a point's colour says: which set, and for validation whether the fit saw its stack. */
const GROUPS = ['calibration', 'validation, stack seen', 'validation, stack unseen'] as const;

/**
 * One call's time in ms, from a latency row or a throughput row (batch /
 * throughput); undefined for energy rows, which have no time.
 */
function callMs(row: FidelityRow, value: number): number | undefined {
  switch (row.metric) {
    case 'latency_ms':
      return value;
    case 'throughput_per_s':
      return (row.batch / value) * 1e3;
    case 'energy_uj':
      return undefined;
  }
}

/**
 * Predicted against measured time of one call, both in ms on log axes, a
 * point per latency or throughput row the profile can run: coloured by set
 * (calibration, validation on a stack the fit saw, validation on one it
 * never saw), with the line of perfect agreement and the 35% band of the
 * validation target. Tooltips name the row.
 */
export function fidelityChart(
  rows: readonly FidelityRow[],
  summaries: readonly FidelitySummary[],
): TopLevelSpec {
  const points = rows.flatMap((row) => {
    const measured = callMs(row, row.value);
    const predicted = row.predicted === undefined ? undefined : callMs(row, row.predicted);
    if (measured === undefined || predicted === undefined) return [];
    const group =
      row.set === 'calibration' ? GROUPS[0] : row.stack === 'unseen' ? GROUPS[2] : GROUPS[1];
    const { profile, model, framework, precision, batch } = row;
    return [{ profile, model, framework, precision, batch, measured, predicted, group }];
  });
  if (points.length === 0) {
    throw new UsageError('nothing to plot: no latency or throughput row the profiles can run');
  }
  const times = points.flatMap((p) => [p.measured, p.predicted]);
  const [low, high] = [Math.min(...times) / BAND, Math.max(...times) * BAND];
  const lines = [1, BAND, 1 / BAND].flatMap((k) => [
    { k, measured: low, predicted: low * k },
    { k, measured: high, predicted: high * k },
  ]);
  const axis = (title: string) => ({
    type: 'quantitative',
    title,
    scale: { type: 'log', domain: [low, high] },
  });
  const validation = summaries.find(
    (s) => s.profile === 'all' && s.set === 'validation' && s.stacks === 'all',
  );
  const calibration = summaries.find(
    (s) => s.profile === 'all' && s.set === 'calibration' && s.stacks === 'all',
  );
  const summary = (s: FidelitySummary | undefined, set: string) =>
    s === undefined
      ? []
      : [`${set}: median error ${s.medianErrorPct.toFixed(1)}% over ${s.count} pairs`];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: 'Predicted against measured time of one call',
      subtitle: [
        ...summary(calibration, 'calibration'),
        ...summary(validation, 'validation'),
        `solid: agreement; dashed: ${Math.round((BAND - 1) * 100)}% either way`,
      ],
    },
    width: 480,
    height: 480,
    layer: [
      {
        data: { values: lines },
        mark: { type: 'line', color: '#888', strokeWidth: 1 },
        encoding: {
          x: { field: 'measured', ...axis('measured (ms)') },
          y: { field: 'predicted', ...axis('predicted (ms)') },
          detail: { field: 'k' },
          strokeDash: {
            condition: { test: 'datum.k === 1', value: [1, 0] },
            value: [4, 4],
          },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 40, opacity: 0.75 },
        encoding: {
          x: { field: 'measured', ...axis('measured (ms)') },
          y: { field: 'predicted', ...axis('predicted (ms)') },
          color: {
            field: 'group',
            type: 'nominal',
            title: 'pairs',
            sort: [...GROUPS],
            legend: { labelLimit: 240 },
          },
          shape: { field: 'group', type: 'nominal', sort: [...GROUPS] },
          tooltip: [
            { field: 'profile' },
            { field: 'model' },
            { field: 'framework' },
            { field: 'precision' },
            { field: 'batch' },
            { field: 'measured', title: 'measured (ms)', format: '.4~g' },
            { field: 'predicted', title: 'predicted (ms)', format: '.4~g' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}
