import type { HardwareProfile } from '../../fleet/profiles.js';
import { slug } from '../../report/chart-spec.js';
import {
  paretoChart,
  type ReportChart,
  type ReportRow,
  renderReportHtml,
  renderSvg,
} from '../../report/index.js';
import type { Table } from '../../results/table.js';

/** Profiles charted for accuracy against latency; the rest are in estimates.csv. */
const MAX_LATENCY_CHARTS = 4;

/**
 * The report of a compression run, as files under `report/`: the accuracy
 * vs encoded size Pareto front of the variants, and the accuracy vs latency
 * front on each of the first four hardware profiles, in `report.html` and as
 * `.vl.json` and `.svg` per chart.
 */
export async function compressionReport(
  title: string,
  tables: Readonly<Record<string, Table>>,
  profiles: readonly HardwareProfile[],
): Promise<Record<string, string>> {
  const variants = rowsOf(tables.variants!).filter((r) => r.status === 'ok');
  const estimates = rowsOf(tables.estimates!).filter((r) => r.status === 'ok');
  const role = (rows: ReportRow[]) => [
    {
      column: 'variant',
      label: 'variant',
      numeric: false,
      values: rows.map((r) => String(r.variant)),
    },
  ];
  const charts: ReportChart[] = [
    titled(
      paretoChart(variants, ['encoded_bytes', 'accuracy'], role(variants)),
      'Accuracy vs encoded size',
      'variants; line: Pareto front (fewer bytes, higher accuracy is better)',
    ),
  ];
  for (const profile of profiles.slice(0, MAX_LATENCY_CHARTS)) {
    const rows = estimates.filter((r) => r.profile === profile.name);
    if (rows.length === 0) continue;
    const chart = paretoChart(rows, ['latency_s', 'accuracy'], role(rows));
    charts.push({
      ...titled(
        chart,
        `Accuracy vs latency on ${profile.name}`,
        `${profile.label}; roofline latency of one inference; line: Pareto front (lower latency, higher accuracy is better)`,
      ),
      name: slug(`${chart.name}-${profile.name}`),
    });
  }
  const meta = {
    title: `${title}: compression variants`,
    parameters: ['variant'],
    replicationColumn: 'replication',
  };
  const files: Record<string, string> = {
    'report/report.html': renderReportHtml(charts, meta, {
      facts: [`${variants.length} variants measured`],
    }),
  };
  for (const chart of charts) {
    files[`report/${chart.name}.vl.json`] = `${JSON.stringify(chart.spec, null, 2)}\n`;
    files[`report/${chart.name}.svg`] = `${await renderSvg(chart.spec)}\n`;
  }
  return files;
}

function titled(chart: ReportChart, text: string, subtitle: string): ReportChart {
  const spec = { ...chart.spec, title: { text, subtitle, anchor: 'start' } };
  return { ...chart, title: text, spec: spec as ReportChart['spec'] };
}

function rowsOf(table: Table): ReportRow[] {
  return table.rows.map((row) =>
    Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null])),
  );
}
