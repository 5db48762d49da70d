import type { Table } from '../../results/table.js';
import type { RunTables } from '../../vocabulary/run-result.js';
import type { SpecChartRequest, WorkloadReport } from '../../vocabulary/workload-report.js';
import { accuracyPoints } from './curve.js';

/**
 * The report of a federated run: the global model's held-out accuracy
 * against simulated time, against the clients' cumulative energy and against
 * cumulative bytes moved; null when no round was evaluated. report/ draws it
 * (`report/report.html`, and `.vl.json` and `.svg` per chart). (A sweep over
 * strategies charts their time, energy and bytes to the target accuracy from
 * the summaries.) An asynchronous run (updates.csv) charts the same axes
 * after each evaluated server update, and its staleness histogram.
 */
export function federatedReport(
  title: string,
  tables: Readonly<Record<string, Table>>,
): WorkloadReport | null {
  if (tables.updates !== undefined) return asyncReport(title, tables, tables.staleness);
  return roundsReport(title, tables);
}

function roundsReport(title: string, tables: RunTables): WorkloadReport | null {
  const points = accuracyPoints(tables).map(({ step, ...p }) => ({ round: step, ...p }));
  if (points.length === 0) return null;
  const rounds = tables.rounds!;
  const chart = (field: Field, label: string, name: string) =>
    accuracyChart(points, field, label, name, 'round');
  const charts = [
    chart('time_s', 'simulated time (s)', 'accuracy-vs-time'),
    chart('energy_j', 'client energy (J)', 'accuracy-vs-energy'),
    chart('bytes', 'bytes moved', 'accuracy-vs-bytes'),
  ];
  const column = (name: string) => rounds.columns.indexOf(name);
  if (column('epsilon') >= 0) {
    const epsilon = new Map(rounds.rows.map((row) => [row[0], row[column('epsilon')]]));
    const private_ = points.map((p) => ({ ...p, epsilon: epsilon.get(p.round) ?? null }));
    charts.push(
      accuracyChart(private_, 'epsilon', 'privacy spent, ε', 'accuracy-vs-epsilon', 'round'),
    );
  }
  if (column('secagg_share_keys_s') >= 0) charts.push(phaseChart(rounds));
  return {
    title: `${title}: federated learning`,
    parameters: [],
    facts: [`${rounds.rows.length} rounds`],
    charts,
  };
}

/** Secure aggregation's phases: each round's time split into training and the protocol's message rounds. */
function phaseChart(rounds: Table): SpecChartRequest {
  const column = (name: string) => rounds.columns.indexOf(name);
  const phases = [
    ['share keys', 'secagg_share_keys_s'],
    ['masked input', 'secagg_masked_input_s'],
    ['unmasking', 'secagg_unmasking_s'],
  ] as const;
  const values = rounds.rows.flatMap((row) => {
    const seconds = phases.map(([, name]) => Number(row[column(name)] ?? 0));
    const training = (row[column('duration_s')] as number) - seconds.reduce((a, b) => a + b, 0);
    return [
      { round: row[0], phase: 'training and keys', step: 0, seconds: training },
      ...phases.map(([phase], i) => ({ round: row[0], phase, step: i + 1, seconds: seconds[i] })),
    ];
  });
  return {
    kind: 'spec',
    name: 'round-time-by-phase',
    title: 'Round time by protocol phase',
    subtitle: 'download, training and public keys, then secure aggregation’s message rounds',
    spec: {
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'round', type: 'ordinal', title: 'round' },
        y: { field: 'seconds', type: 'quantitative', stack: 'zero', title: 'simulated time (s)' },
        color: {
          field: 'phase',
          type: 'nominal',
          sort: ['training and keys', ...phases.map(([phase]) => phase)],
        },
        order: { field: 'step', type: 'quantitative' },
        tooltip: [
          { field: 'round', type: 'ordinal' },
          { field: 'phase', type: 'nominal' },
          { field: 'seconds', type: 'quantitative', format: '.4~g' },
        ],
      },
    },
  };
}

type Field = 'time_s' | 'energy_j' | 'bytes' | 'epsilon';

/** Accuracy against `field`, one point per evaluation; `step` names the round or the server update. */
function accuracyChart(
  points: readonly object[],
  field: Field,
  label: string,
  name: string,
  step: 'round' | 'version',
): SpecChartRequest {
  return {
    kind: 'spec',
    name,
    title: `Accuracy vs ${label}`,
    subtitle: `global model on the held-out split, after each evaluated ${step === 'round' ? 'round' : 'server update'}`,
    spec: {
      data: { values: points },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field, type: 'quantitative', title: label },
        y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { zero: false } },
        tooltip: [
          { field: step, type: 'quantitative' },
          { field, type: 'quantitative', title: label, format: '.4~g' },
          { field: 'accuracy', type: 'quantitative', format: '.4f' },
        ],
      },
    },
  };
}

/**
 * The asynchronous modes' report: accuracy against simulated time, clients'
 * energy and bytes after each evaluated server update (the same axes as a
 * sync run's, so the two compare), and the staleness histogram.
 */
function asyncReport(
  title: string,
  tables: RunTables,
  staleness: Table | undefined,
): WorkloadReport | null {
  const updates = tables.updates!;
  const points = accuracyPoints(tables).map(({ step, ...p }) => ({ version: step, ...p }));
  if (points.length === 0) return null;
  const chart = (field: Field, label: string, name: string) =>
    accuracyChart(points, field, label, name, 'version');
  const charts = [
    chart('time_s', 'simulated time (s)', 'accuracy-vs-time'),
    chart('energy_j', 'client energy (J)', 'accuracy-vs-energy'),
    chart('bytes', 'bytes moved', 'accuracy-vs-bytes'),
  ];
  if (staleness !== undefined && staleness.rows.length > 0)
    charts.push({
      kind: 'spec',
      name: 'staleness',
      title: 'Staleness of the updates used',
      subtitle: 'versions made between a client’s download and its update’s arrival',
      spec: {
        data: {
          values: staleness.rows.map((row) => ({ staleness: row[0], updates: row[1] })),
        },
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'staleness', type: 'ordinal', title: 'staleness (versions)' },
          y: { field: 'updates', type: 'quantitative', title: 'client updates' },
        },
      },
    });
  return {
    title: `${title}: asynchronous federated learning`,
    parameters: [],
    facts: [`${updates.rows.length} server updates`],
    charts,
  };
}
