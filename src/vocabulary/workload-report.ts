/**
 * A workload's report as data: which charts to draw from its tables. A
 * workload returns this from its optional `report` hook; report/ draws the
 * charts (Vega-Lite) and renders `report/report.html` and each chart's
 * `.vl.json` and `.svg`. Workloads never import report/, so a fleet run loads
 * no charting code.
 */

/** One cell of a row a chart plots. */
export type ChartCell = string | number | boolean | null;

/**
 * The trade-off chart of two metrics over labelled points, with the Pareto
 * front drawn (report/pareto-chart.ts).
 */
export interface ParetoChartRequest {
  readonly kind: 'pareto';
  readonly title: string;
  readonly subtitle: string;
  /** The points, one row each, by column name. */
  readonly rows: readonly Readonly<Record<string, ChartCell>>[];
  /** The x and y metric columns; which way is better follows their names. */
  readonly metrics: readonly [string, string];
  /** The column naming each point. */
  readonly labelColumn: string;
  /** Appended to the chart's generated file name, keeping names unique. */
  readonly nameSuffix?: string;
}

/**
 * A chart given as the body of a Vega-Lite spec (data, mark, encoding, ...);
 * report/ adds the schema, the title block and the plot size.
 */
export interface SpecChartRequest {
  readonly kind: 'spec';
  /** File-name stem: `[A-Za-z0-9_-]` only. */
  readonly name: string;
  readonly title: string;
  readonly subtitle: string;
  readonly spec: Readonly<Record<string, unknown>>;
}

/** A chart a workload asks for. */
export type ChartRequest = ParetoChartRequest | SpecChartRequest;

/** What a workload's report shows. */
export interface WorkloadReport {
  /** The page heading, e.g. `quickstart: federated learning`. */
  readonly title: string;
  /** Columns the rows vary over (shown as series); empty when none. */
  readonly parameters: readonly string[];
  /** Facts shown under the heading, e.g. `12 rounds`. */
  readonly facts: readonly string[];
  readonly charts: readonly ChartRequest[];
}
