import type { Table } from '../../results/table.js';
import type { WorkloadReport } from '../../vocabulary/workload-report.js';

/**
 * The report of a rollout run: the share of the fleet on each version over
 * time (versions.csv), the gate's outcome and the coverage times as facts.
 */
export function rolloutReport(
  title: string,
  strategy: string,
  tables: Readonly<Record<string, Table>>,
): WorkloadReport {
  const versions = tables.versions!;
  const at = (column: string) => versions.columns.indexOf(column);
  const values = versions.rows.map((row) => ({
    time_h: (row[at('time_s')] as number) / 3600,
    version: row[at('version')] as string,
    fraction: row[at('fraction')] as number,
  }));
  const summary = tables.summary!;
  const cell = (column: string) => summary.rows[0]![summary.columns.indexOf(column)];
  const hours = (column: string) => {
    const s = cell(column);
    return typeof s === 'number' ? `${(s / 3600).toFixed(2)} h` : 'never';
  };
  return {
    title: `${title}: rollout`,
    parameters: [],
    facts: [
      `strategy: ${strategy}`,
      `${cell('updated')} of ${cell('devices')} devices updated`,
      `50% / 90% / 100% coverage: ${hours('time_to_50pct_s')} / ${hours('time_to_90pct_s')} / ${hours('time_to_100pct_s')}`,
      `gate: ${cell('gate_action')}`,
      `${cell('bytes_total')} bytes moved`,
    ],
    charts: [
      {
        kind: 'spec',
        name: 'rollout-coverage',
        title: 'Fleet coverage over time',
        subtitle: `share of the fleet running each version; ${strategy}`,
        spec: {
          data: { values },
          mark: { type: 'line', interpolate: 'step-after' },
          encoding: {
            x: { field: 'time_h', type: 'quantitative', title: 'simulated time (h)' },
            y: {
              field: 'fraction',
              type: 'quantitative',
              title: 'share of the fleet',
              scale: { domain: [0, 1] },
            },
            color: { field: 'version', type: 'nominal', title: 'version' },
          },
        },
      },
    ],
  };
}

/** The strategy a rollout section describes, for titles: `delta, waves 1% 10% 100%, gate pause at 5%`. */
export function strategyOf(section: {
  update: string;
  waves: readonly number[];
  gate?: { maxFailureRate: number; action: string } | undefined;
}): string {
  const waves =
    section.waves.length === 1
      ? 'all at once'
      : `waves ${section.waves.map((f) => `${+(f * 100).toFixed(4)}%`).join(' ')}`;
  const gate =
    section.gate === undefined
      ? 'no gate'
      : `gate ${section.gate.action} above ${+(section.gate.maxFailureRate * 100).toFixed(4)}%`;
  return `${section.update}, ${waves}, ${gate}`;
}
