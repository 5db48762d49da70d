/**
 * The report of a learn run: the accuracy matrix of every method as a heat
 * map (one panel per method and setting), average accuracy and forgetting
 * per method and setting, and average accuracy against the energy a device
 * of each group spends learning the stream.
 */
import { type Table, tableRecords } from '../../results/table.js';
import type { WorkloadReport } from '../../vocabulary/workload-report.js';
import { SETTING_SHORT } from './tables.js';

export function learnReport(
  title: string,
  tables: Readonly<Record<string, Table>>,
): WorkloadReport | null {
  const { matrix, groups, summary } = tables;
  if (matrix === undefined || groups === undefined || summary === undefined) return null;
  const head = tableRecords(summary)[0]!;
  const methods = [...new Set(tableRecords(groups).map((r) => r.method as string))];
  const settings = [...new Set(tableRecords(groups).map((r) => r.setting as string))];
  const scores = methods.flatMap((method) =>
    settings.flatMap((setting) => {
      const key = `${method}_${SETTING_SHORT[setting as keyof typeof SETTING_SHORT]}`;
      return [
        { method, setting, measure: 'average accuracy', value: head[`${key}_acc`] ?? null },
        { method, setting, measure: 'forgetting', value: head[`${key}_forgetting`] ?? null },
      ];
    }),
  );
  const energy = tableRecords(groups).flatMap((r) => {
    const key = `${r.method}_${SETTING_SHORT[r.setting as keyof typeof SETTING_SHORT]}`;
    const joules = r.compute_j;
    return typeof joules === 'number' && joules > 0
      ? [{ ...r, accuracy: head[`${key}_acc`] ?? null }]
      : [];
  });
  return {
    title: `${title}: on-device continual learning`,
    parameters: [],
    facts: [
      `stream: ${head.stream} (${head.tasks} tasks)`,
      `${head.devices} devices`,
      `methods: ${methods.join(', ')}`,
    ],
    charts: [
      {
        kind: 'spec',
        name: 'accuracy-matrix',
        title: 'Accuracy matrix',
        subtitle: 'held-out accuracy on each task (column) after learning each task (row)',
        spec: {
          data: { values: tableRecords(matrix) },
          facet: {
            row: { field: 'method', type: 'nominal', sort: methods },
            column: { field: 'setting', type: 'nominal', sort: settings },
          },
          spec: {
            width: 160,
            height: 160,
            layer: [
              {
                mark: 'rect',
                encoding: {
                  x: { field: 'task', type: 'ordinal', title: 'task' },
                  y: { field: 'after_task', type: 'ordinal', title: 'after learning task' },
                  color: {
                    field: 'accuracy',
                    type: 'quantitative',
                    scale: { domain: [0, 1], scheme: 'viridis' },
                  },
                },
              },
              {
                mark: { type: 'text', fontSize: 9 },
                encoding: {
                  x: { field: 'task', type: 'ordinal' },
                  y: { field: 'after_task', type: 'ordinal' },
                  text: { field: 'accuracy', type: 'quantitative', format: '.2f' },
                  color: {
                    condition: { test: 'datum.accuracy > 0.6', value: 'black' },
                    value: 'white',
                  },
                },
              },
            ],
          },
        },
      },
      {
        kind: 'spec',
        name: 'accuracy-forgetting',
        title: 'Average accuracy and forgetting',
        subtitle: 'after the last task; forgetting per Chaudhry et al. (2018)',
        spec: {
          data: { values: scores },
          facet: { column: { field: 'setting', type: 'nominal', sort: settings } },
          spec: {
            width: 180,
            mark: 'bar',
            encoding: {
              x: { field: 'method', type: 'nominal', sort: methods, title: null },
              xOffset: { field: 'measure' },
              y: { field: 'value', type: 'quantitative', scale: { domain: [0, 1] }, title: null },
              color: { field: 'measure', type: 'nominal' },
            },
          },
        },
      },
      {
        kind: 'spec',
        name: 'accuracy-vs-energy',
        title: 'Accuracy against energy spent learning',
        subtitle: 'per device of each group: compute energy over the stream (J, log scale)',
        spec: {
          data: { values: energy },
          facet: { column: { field: 'setting', type: 'nominal', sort: settings } },
          spec: {
            width: 200,
            mark: { type: 'point', filled: true, size: 80 },
            encoding: {
              x: {
                field: 'compute_j',
                type: 'quantitative',
                scale: { type: 'log' },
                title: 'J per device',
              },
              y: {
                field: 'accuracy',
                type: 'quantitative',
                scale: { domain: [0, 1] },
                title: 'average accuracy',
              },
              color: { field: 'method', type: 'nominal', sort: methods },
              shape: { field: 'group', type: 'nominal' },
            },
          },
        },
      },
    ],
  };
}
