import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ReportExtra, reportCharts } from './choose.js';
import { parameterRoles, type ReportMeta, type ReportRow } from './columns.js';
import { renderReportHtml } from './html.js';
import { reportMetrics } from './metrics.js';
import { summaryTable } from './summary.js';
import { renderSvg } from './svg.js';

/**
 * Writes a sweep's report into `dir` (created if needed): `report.html`
 * (the summary table, then every chart), and for each chart `<name>.vl.json`
 * (the Vega-Lite spec) and `<name>.svg` (rendered by vega in Node). Same
 * input, same bytes: no timestamps, no random ids. Returns the paths
 * written, `report.html` first, then each chart's spec and SVG in chart
 * order. Metrics named in `meta` that the table lacks are listed on the
 * page. Throws when a parameter in `meta` is not a column of `table`.
 */
export async function writeReport(
  dir: string,
  table: readonly ReportRow[],
  meta: ReportMeta,
  extra: ReportExtra = {},
): Promise<string[]> {
  const charts = reportCharts(table, meta, extra);
  const metrics = reportMetrics(table, meta);
  const summary = summaryTable(table, parameterRoles(table, meta), metrics.table);
  const notes =
    metrics.missing.length === 0
      ? []
      : [`Not in the results, so not shown: ${metrics.missing.join(', ')}.`];
  const html = renderReportHtml(charts, meta, { runs: table.length, summary, notes });
  const files: [name: string, text: string][] = [['report.html', html]];
  for (const chart of charts) {
    files.push([`${chart.name}.vl.json`, `${JSON.stringify(chart.spec, null, 2)}\n`]);
    files.push([`${chart.name}.svg`, `${await renderSvg(chart.spec)}\n`]);
  }
  mkdirSync(dir, { recursive: true });
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}
