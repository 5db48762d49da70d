/**
 * Which way is better for a summary.csv column, from its name: the first
 * pattern of {@link METRIC_DIRECTIONS} that matches decides. Metrics are treated
 * generically by column name, so a column added later gets a direction when
 * its name says one (`..._latency_...`, `..._usd`), and none otherwise.
 *
 * | pattern (first match wins)                                  | better |
 * |-------------------------------------------------------------|--------|
 * | `attainment`, `accuracy`, `throughput`, `^completed$`       | higher |
 * | `violation`, `^failed`, `latency`, `wait`, `ready`, `loss`  | lower  |
 * | `_j$`, `_kwh$`, `energy`, `_usd$`, `cost`, `co2`            | lower  |
 * | `offline`, `battery_empty`, `without_model`, `interrupted`  | lower  |
 * | anything else (configuration, counts, bytes, utilisation)   | none   |
 *
 * A metric with no direction can be `same` or `changed`, never improved or
 * regressed.
 */

/** Which way a metric is better. */
export type MetricDirection = 'lower' | 'higher' | 'none';

/** The direction table, in order; the first match decides. */
export const METRIC_DIRECTIONS: readonly (readonly [RegExp, MetricDirection])[] = [
  [/attainment|accuracy|throughput|^completed$/, 'higher'],
  [/violation|^failed|latency|wait|ready|loss/, 'lower'],
  [/_j$|_kwh$|energy|_usd$|cost|co2/, 'lower'],
  [/offline|battery_empty|without_model|interrupted/, 'lower'],
];

/** The direction of a summary column, by {@link METRIC_DIRECTIONS}. */
export function metricDirection(metric: string): MetricDirection {
  for (const [pattern, direction] of METRIC_DIRECTIONS) if (pattern.test(metric)) return direction;
  return 'none';
}
