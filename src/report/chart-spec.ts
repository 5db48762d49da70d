/** What every report chart shares: its record type, naming and the top of its spec. */
import type { TopLevelSpec } from 'vega-lite';
import type { ParameterRole } from './columns.js';

/** The kinds of chart a report holds. */
export type ChartKind =
  | 'metric-by-parameter'
  | 'heatmap'
  | 'pareto'
  | 'latency-cdf'
  | 'breakdown'
  | 'curves';

/** One chart of a report: a file-safe unique name, a title and its Vega-Lite spec. */
export interface ReportChart {
  /** File-name stem: `[A-Za-z0-9_-]` only, e.g. `latency_p99_s-by-arrival_rate`. */
  readonly name: string;
  readonly kind: ChartKind;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** Plot width and height, px. */
export const WIDTH = 480;
export const HEIGHT = 300;

/** A string reduced to `[A-Za-z0-9_-]`, for chart and file names. */
export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'chart';
}

/** The schema and title block of a spec. */
export function top(title: string, subtitle: string): Pick<TopLevelSpec, '$schema' | 'title'> {
  return { $schema: SCHEMA, title: { text: title, subtitle, anchor: 'start' } };
}

/** The legend title for series made of `params`, or null when there are none. */
export function seriesOf(params: readonly ParameterRole[]): { title: string } | null {
  return params.length === 0 ? null : { title: params.map((p) => p.label).join(', ') };
}

/** A configuration's label: its parameter values joined, or "all runs". */
export function labelOf(key: readonly string[]): string {
  return key.join(', ') || 'all runs';
}
