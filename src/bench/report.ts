import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomStreams } from '../engine/random.js';
import type { ReportRow } from '../report/columns.js';
import { writeReport } from '../report/write.js';

const PLACEMENTS = ['device', 'edge', 'cloud', 'adaptive'];
const COUNTS = [10, 20, 50, 100, 200];
const REPLICATIONS = 50;
const METRICS = [
  'latency_p99_s',
  'latency_p50_s',
  'throughput_per_s',
  'slo_violation_rate',
  'energy_per_inference_j',
  'energy_devices_j',
  'total_cost_usd',
  'co2_kg',
  'bytes_up',
  'server_utilisation',
];

/**
 * A sweep table of 1,000 runs (4 placements x 5 fleet sizes x 50
 * replications) with 10 metrics, each a seeded draw around a value that
 * depends on the configuration, as a sweep's combined CSV holds them.
 */
export function syntheticSweepTable(): ReportRow[] {
  const rng = new RandomStreams(1).stream('report-bench');
  const rows: ReportRow[] = [];
  PLACEMENTS.forEach((placement, p) => {
    for (const count of COUNTS) {
      for (let replication = 0; replication < REPLICATIONS; replication++) {
        const row: Record<string, string | number> = {
          run: rows.length,
          replication,
          status: 'completed',
          'workload.inference.placement': placement,
          'fleet[0].count': count,
        };
        METRICS.forEach((metric, m) => {
          const mean = (1 + p) * (1 + m) * Math.log(count);
          row[metric] = mean * (1 + 0.1 * rng.normal());
        });
        rows.push(row);
      }
    }
  });
  return rows;
}

/** Seconds to write the report (HTML, and each chart's spec and SVG) of {@link syntheticSweepTable}. */
export async function reportRender(): Promise<{ runs: number; charts: number; wallS: number }> {
  const table = syntheticSweepTable();
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-bench-report-'));
  try {
    const started = performance.now(); // wall: benchmark only
    await writeReport(dir, table, {
      title: 'report benchmark',
      parameters: ['workload.inference.placement', 'fleet[0].count'],
      replicationColumn: 'replication',
    });
    const wallS = (performance.now() - started) / 1000; // wall: benchmark only
    const charts = readdirSync(dir).filter((f) => f.endsWith('.svg')).length;
    return { runs: table.length, charts, wallS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
