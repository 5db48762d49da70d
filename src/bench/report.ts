import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomStreams } from '../engine/random.js';
import { CURATED_METRICS, type ReportMeta, type ReportRow } from '../report/columns.js';
import { writeReport } from '../report/write.js';

const PLACEMENT = 'workload.inference.placement';
const COUNT = 'fleet[0].count';
const DEVICES = 'fleet[1].count';
/** Ten of the metrics a report charts by default. */
const METRICS = CURATED_METRICS.slice(0, 10);
const ENERGY_PARTS = ['compute', 'radio', 'idle'];

/**
 * A sweep table of 1,000 runs with 10 metrics, as a sweep's combined CSV
 * holds them: 4 placements x 5 fleet sizes x 50 replications, each metric a
 * seeded draw around a value that depends on the configuration, and
 * `energy_devices_j` the sum of its compute, radio and idle parts (a
 * breakdown chart). With `sampled`, every run is a configuration of its own,
 * as a random or Latin-hypercube sweep gives: a third, numeric parameter.
 */
export function syntheticSweepTable(sampled = false): ReportRow[] {
  const rng = new RandomStreams(1).stream('report-bench');
  const rows: ReportRow[] = [];
  ['device', 'edge', 'cloud', 'adaptive'].forEach((placement, p) => {
    for (const count of [10, 20, 50, 100, 200]) {
      for (let r = 0; r < 50; r++) {
        const row: Record<string, string | number> = {
          run: rows.length,
          replication: sampled ? 0 : r,
          status: 'completed',
          [PLACEMENT]: placement,
          [COUNT]: count,
          ...(sampled ? { [DEVICES]: 100 + rows.length } : {}),
        };
        METRICS.forEach((metric, m) => {
          row[metric] = (1 + p) * (1 + m) * Math.log(count) * (1 + 0.1 * rng.normal());
        });
        const parts = ENERGY_PARTS.map(() => (1 + p) * count * (1 + 0.1 * rng.normal()));
        ENERGY_PARTS.forEach((part, i) => {
          row[`energy_devices_${part}_j`] = parts[i]!;
        });
        row.energy_devices_j = parts.reduce((a, b) => a + b, 0);
        rows.push(row);
      }
    }
  });
  return rows;
}

/** Seconds to write the report (HTML, and each chart's spec and SVG) of {@link syntheticSweepTable}. */
export async function reportRender(
  sampled = false,
): Promise<{ runs: number; charts: number; wallS: number }> {
  const table = syntheticSweepTable(sampled);
  const meta: ReportMeta = {
    title: 'report benchmark',
    parameters: sampled ? [PLACEMENT, COUNT, DEVICES] : [PLACEMENT, COUNT],
    replicationColumn: 'replication',
    metrics: METRICS,
  };
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-bench-report-'));
  try {
    const started = performance.now(); // wall: benchmark only
    await writeReport(dir, table, meta);
    const wallS = (performance.now() - started) / 1000; // wall: benchmark only
    const charts = readdirSync(dir).filter((f) => f.endsWith('.svg')).length;
    return { runs: table.length, charts, wallS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
