/** Reports from sweep result tables: Vega-Lite charts, a self-contained HTML page, SVGs. */
export {
  type Breakdown,
  type CdfPoint,
  type CdfSeries,
  cumulativeFractions,
  findBreakdowns,
  type LatencyCdfs,
  latencyCdfs,
} from './aggregate.js';
export {
  breakdownChart,
  type ChartKind,
  latencyCdfChart,
  metricByParameterChart,
  paretoChart,
  type ReportChart,
} from './charts.js';
export { type ReportExtra, reportCharts } from './choose.js';
export {
  chosenMetrics,
  columnLabel,
  type Direction,
  directionOf,
  type ReportCell,
  type ReportMeta,
  type ReportRow,
  unitOf,
} from './columns.js';
export { escapeHtml, jsonForScript, type ReportContext, renderReportHtml } from './html.js';
export { paretoFront } from './pareto.js';
export { type MeanCi, meanCi, tQuantile } from './stats.js';
export { compileSpec, renderSvg } from './svg.js';
export { writeReport } from './write.js';
