import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportMeta, ReportRow } from '../report/columns.js';
import { parameterLabels } from '../report/labels.js';
import { reportMetrics } from '../report/metrics.js';
import { reportOptions } from '../report/options.js';
import { writeReport } from '../report/write.js';
import type { Table } from '../results/table.js';
import { isMapping } from '../scenario/merge.js';
import { quantity } from '../scenario/units.js';
import { readCsvRecords } from './cache.js';
import { readCurves } from './curves.js';
import type { SweepPlan } from './grammar.js';
import type { SweepManifest } from './run-sweep.js';

/** Where a sweep's report goes, inside its output directory. */
export const REPORT_DIR = 'report';

/**
 * What a sweep's report takes from its scenario, kept in `sweep.json` so
 * that `merge` and `edgesim report` draw the same report as the sweep.
 */
export interface SweepReportSettings {
  /** `report.metrics` as written (`latency_p95_s as ms`); absent: the default set. */
  readonly metrics?: readonly string[];
  /** `report.table` as written; absent: the default summary metrics. */
  readonly table?: readonly string[];
  /**
   * Latency objectives drawn on latency charts, s: `report.slo`, else every
   * value `workload.inference.slo` takes in the sweep (one unless swept);
   * empty for `slo: false` or a scenario without one.
   */
  readonly sloS: readonly number[];
  /** Labels of parameters that sweep a named group or server: `fleet[0].count` -> "cams count". */
  readonly labels: Readonly<Record<string, string>>;
}

const duration = quantity('duration', { min: 0, exclusiveMin: true });

function inferenceSlo(scenario: unknown): unknown {
  if (!isMapping(scenario) || !isMapping(scenario.workload)) return undefined;
  const inference = scenario.workload.inference;
  return isMapping(inference) ? inference.slo : undefined;
}

/** Every distinct latency objective of the sweep's runs, s, in order of first appearance. */
function sweptSlos(plan: SweepPlan): number[] {
  const seen = new Map<string, number>();
  for (const run of plan.runs) {
    const written = inferenceSlo(run.scenario);
    const key = JSON.stringify(written ?? null);
    if (written === undefined || seen.has(key)) continue;
    const parsed = duration.safeParse(written);
    if (parsed.success) seen.set(key, parsed.data);
  }
  return [...new Set(seen.values())];
}

/**
 * The report settings of a sweep, from its first run's scenario (the
 * `report:` block is not swept) and every run's SLO. Runs are validated
 * before this is asked, so the block parses; were it not to, the defaults.
 */
export function reportSettings(plan: SweepPlan): SweepReportSettings {
  const scenario = plan.runs[0]?.scenario;
  const block = isMapping(scenario) ? scenario.report : undefined;
  const parsed = reportOptions.safeParse(block ?? {});
  const options = parsed.success ? parsed.data : {};
  let sloS: number[] = [];
  if (options.slo !== false) sloS = options.slo === undefined ? sweptSlos(plan) : [options.slo];
  return {
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.table ? { table: options.table } : {}),
    sloS,
    labels: parameterLabels(plan.parameters, scenario),
  };
}

/** The distinct positive values of the table's `slo_s` column: the SLOs of a sweep.json without settings. */
function tableSlos(rows: readonly ReportRow[]): number[] {
  const values = rows.map((row) => Number(row.slo_s)).filter((v) => v > 0 && Number.isFinite(v));
  return [...new Set(values)];
}

/**
 * Writes `report/report.html` and each chart as `.vl.json` and `.svg` from a
 * combined sweep table (completed runs only) and the runs' `curves`,
 * replacing an earlier report,
 * with the metrics, units, SLO and labels of `manifest.report`. Metrics the
 * scenario names that the table lacks are listed on stderr and on the page.
 */
export async function writeSweepReport(
  outDir: string,
  table: Table,
  manifest: SweepManifest,
  curves?: Table,
): Promise<string[]> {
  const records = (t: Table) =>
    t.rows.map((row) => Object.fromEntries(t.columns.map((c, i) => [c, row[i] ?? null])));
  const rows = records(table).filter((row) => row.status === 'completed');
  const settings = manifest.report;
  const meta: ReportMeta = {
    title: manifest.scenario,
    parameters: manifest.parameters,
    replicationColumn: 'replication',
    ...(settings?.metrics ? { metrics: settings.metrics } : {}),
    ...(settings?.table ? { table: settings.table } : {}),
    sloS: settings?.sloS ?? tableSlos(rows),
    labels: settings?.labels ?? {},
  };
  const { missing } = reportMetrics(rows, meta);
  if (rows.length > 0 && missing.length > 0) {
    process.stderr.write(
      `edgesim: report: not columns of sweep.csv, so not shown: ${missing.join(', ')}\n`,
    );
  }
  const dir = join(outDir, REPORT_DIR);
  rmSync(dir, { recursive: true, force: true });
  return writeReport(dir, rows, meta, curves ? { curves: records(curves) } : {});
}

/** Renders the report of a sweep directory again from its `sweep.csv`, `sweep.json` and curves.csv. */
export async function rerenderReport(outDir: string, manifest: SweepManifest): Promise<string[]> {
  const table = fromRecords(readCsvRecords(join(outDir, 'sweep.csv')));
  return writeSweepReport(outDir, table, manifest, fromRecords(readCurves(outDir)));
}

function fromRecords(records: readonly Record<string, string>[]): Table {
  const columns = records.length > 0 ? Object.keys(records[0]!) : [];
  return { columns, rows: records.map((r) => columns.map((c) => r[c] ?? '')) };
}
