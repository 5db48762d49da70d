import type { Table } from '../../results/table.js';
import type { SpecChartRequest, WorkloadReport } from '../../vocabulary/workload-report.js';

/**
 * The report of a federated run: the global model's held-out accuracy
 * against simulated time, against the clients' cumulative energy and against
 * cumulative bytes moved; null when no round was evaluated. report/ draws it
 * (`report/report.html`, and `.vl.json` and `.svg` per chart). (A sweep over
 * strategies charts their time, energy and bytes to the target accuracy from
 * the summaries.)
 */
export function federatedReport(title: string, rounds: Table): WorkloadReport | null {
  const col = (name: string) => rounds.columns.indexOf(name);
  let energyJ = 0;
  let bytes = 0;
  const points: {
    round: number;
    time_s: number;
    energy_j: number;
    bytes: number;
    accuracy: number;
  }[] = [];
  for (const row of rounds.rows) {
    energyJ += row[col('energy_j')] as number;
    bytes += (row[col('bytes_down')] as number) + (row[col('bytes_up')] as number);
    const accuracy = row[col('accuracy')];
    if (typeof accuracy === 'number')
      points.push({
        round: row[col('round')] as number,
        time_s: row[col('end_s')] as number,
        energy_j: energyJ,
        bytes,
        accuracy,
      });
  }
  if (points.length === 0) return null;
  const chart = (
    field: 'time_s' | 'energy_j' | 'bytes',
    label: string,
    name: string,
  ): SpecChartRequest => ({
    kind: 'spec',
    name,
    title: `Accuracy vs ${label}`,
    subtitle: 'global model on the held-out split, after each evaluated round',
    spec: {
      data: { values: points },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field, type: 'quantitative', title: label },
        y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { zero: false } },
        tooltip: [
          { field: 'round', type: 'quantitative' },
          { field, type: 'quantitative', title: label, format: '.4~g' },
          { field: 'accuracy', type: 'quantitative', format: '.4f' },
        ],
      },
    },
  });
  return {
    title: `${title}: federated learning`,
    parameters: [],
    facts: [`${rounds.rows.length} rounds`],
    charts: [
      chart('time_s', 'simulated time (s)', 'accuracy-vs-time'),
      chart('energy_j', 'client energy (J)', 'accuracy-vs-energy'),
      chart('bytes', 'bytes moved', 'accuracy-vs-bytes'),
    ],
  };
}
