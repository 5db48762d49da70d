import type { TopLevelSpec } from 'vega-lite';
import { HEIGHT, top, WIDTH } from '../../report/chart-spec.js';
import { type ReportChart, renderReportHtml, renderSvg } from '../../report/index.js';
import type { Table } from '../../results/table.js';

/**
 * The report of a federated run, as files under `report/`: the global
 * model's held-out accuracy against simulated time, against the clients'
 * cumulative energy and against cumulative bytes moved, in `report.html`
 * and as `.vl.json` and `.svg` per chart. (A sweep over strategies charts
 * their time, energy and bytes to the target accuracy from the summaries.)
 */
export async function federatedReport(
  title: string,
  rounds: Table,
): Promise<Record<string, string>> {
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
  if (points.length === 0) return {};
  const chart = (
    field: 'time_s' | 'energy_j' | 'bytes',
    label: string,
    name: string,
  ): ReportChart => {
    const text = `Accuracy vs ${label}`;
    const spec = {
      ...top(text, 'global model on the held-out split, after each evaluated round'),
      width: WIDTH,
      height: HEIGHT,
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
    };
    return { name, kind: 'metric-by-parameter', title: text, spec: spec as TopLevelSpec };
  };
  const charts = [
    chart('time_s', 'simulated time (s)', 'accuracy-vs-time'),
    chart('energy_j', 'client energy (J)', 'accuracy-vs-energy'),
    chart('bytes', 'bytes moved', 'accuracy-vs-bytes'),
  ];
  const meta = {
    title: `${title}: federated learning`,
    parameters: [],
    replicationColumn: 'replication',
  };
  const files: Record<string, string> = {
    'report/report.html': renderReportHtml(charts, meta, {
      facts: [`${rounds.rows.length} rounds`],
    }),
  };
  for (const c of charts) {
    files[`report/${c.name}.vl.json`] = `${JSON.stringify(c.spec, null, 2)}\n`;
    files[`report/${c.name}.svg`] = `${await renderSvg(c.spec)}\n`;
  }
  return files;
}
