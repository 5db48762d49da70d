/**
 * Draws a workload's report (vocabulary/workload-report.ts): its charts as
 * Vega-Lite specs, `report/report.html` holding them all, and each chart's
 * `.vl.json` and `.svg`. Deterministic: the same report gives the same bytes.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartRequest, WorkloadReport } from '../vocabulary/workload-report.js';
import { HEIGHT, type ReportChart, slug, top, WIDTH } from './chart-spec.js';
import type { ParameterRole, ReportRow } from './columns.js';
import { renderReportHtml } from './html.js';
import { paretoChart } from './pareto-chart.js';
import { renderSvg } from './svg.js';

/** The files of a workload's report, by path in the run's output directory. */
export async function renderWorkloadReport(
  report: WorkloadReport,
): Promise<Record<string, string>> {
  const charts = report.charts.map(drawChart);
  const meta = {
    title: report.title,
    parameters: report.parameters,
    replicationColumn: 'replication',
  };
  const files: Record<string, string> = {
    'report/report.html': renderReportHtml(charts, meta, { facts: report.facts }),
  };
  for (const chart of charts) {
    files[`report/${chart.name}.vl.json`] = `${JSON.stringify(chart.spec, null, 2)}\n`;
    files[`report/${chart.name}.svg`] = `${await renderSvg(chart.spec)}\n`;
  }
  return files;
}

/** One requested chart as a report chart. */
export function drawChart(request: ChartRequest): ReportChart {
  if (request.kind === 'spec') {
    const spec = { ...top(request.title, request.subtitle), width: WIDTH, height: HEIGHT };
    return {
      name: request.name,
      kind: 'metric-by-parameter',
      title: request.title,
      spec: { ...spec, ...request.spec } as TopLevelSpec,
    };
  }
  const rows = request.rows as readonly ReportRow[];
  const labels: ParameterRole[] = [
    {
      column: request.labelColumn,
      label: request.labelColumn,
      numeric: false,
      values: rows.map((r) => String(r[request.labelColumn])),
    },
  ];
  const chart = paretoChart(rows, request.metrics, labels);
  const title = { text: request.title, subtitle: request.subtitle, anchor: 'start' };
  const name =
    request.nameSuffix === undefined ? chart.name : slug(`${chart.name}-${request.nameSuffix}`);
  const spec = { ...chart.spec, title } as TopLevelSpec;
  return { ...chart, name, title: request.title, spec };
}
