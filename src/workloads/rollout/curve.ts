import type { Table } from '../../results/table.js';
import type { RunTables } from '../../vocabulary/run-result.js';

/**
 * A rollout's curve for a sweep: the share of the fleet on the new version
 * (`to`) at each point of versions.csv's grid, so a sweep draws coverage over
 * time per strategy. Null when the run wrote no versions table.
 */
export function rolloutCurve(tables: RunTables): Table | null {
  const versions = tables.versions;
  if (versions === undefined) return null;
  const col = (name: string) => versions.columns.indexOf(name);
  const [time, version, devices, fraction] = ['time_s', 'version', 'devices', 'fraction'].map(col);
  return {
    columns: ['time_s', 'devices', 'coverage'],
    rows: versions.rows
      .filter((row) => row[version!] === 'to')
      .map((row) => [row[time!]!, row[devices!]!, row[fraction!]!]),
  };
}
