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
export { isGeometric, type SweptScale, sweptScale } from './axes.js';
export {
  breakdownChart,
  type ChartKind,
  type ChartOptions,
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
export {
  escapeHtml,
  jsonForScript,
  type ReportContext,
  renderReportHtml,
  summaryHtml,
} from './html.js';
export { parameterLabels } from './labels.js';
export { type ReportMetric, type ReportMetrics, reportMetric, reportMetrics } from './metrics.js';
export {
  type MetricChoice,
  parseMetricChoice,
  type ReportOptions,
  reportOptions,
} from './options.js';
export { paretoFront } from './pareto.js';
export { type MeanCi, meanCi, tQuantile } from './stats.js';
export { type SummaryRow, type SummaryTable, summaryTable } from './summary.js';
export { compileSpec, renderSvg } from './svg.js';
export { type DisplayUnit, MONTH_S } from './units.js';
export { writeReport } from './write.js';
