import { percentile, type Table, type TableValue } from '../../results/table.js';
import {
  type GroupLog,
  LATENCY_COMPONENTS,
  type LatencyComponent,
  TARGET_TIERS,
  type TargetTier,
} from './request-log.js';

/*
 * Where the latency goes, from the request log's columns (no requests.csv
 * needed): each completed request's latency is exactly upload + queue +
 * service + download + RTT (upload includes a server's shared ingress, queue
 * the wait on the device or in the server's batching queue, RTT both one-way
 * trips). Means and p95s are over the completed requests, each component's
 * p95 over that component's own values (as sorting that column of
 * requests.csv gives). The bottleneck is the component with the largest share
 * of the p95 tail: the largest mean over the requests at or above the
 * latency p95; the shares add up to 1 and those means to the tail's mean.
 */

/** Mean and p95 of one component, and its mean over the p95 tail, s. */
export interface ComponentStats {
  meanS: number;
  p95S: number;
  tailMeanS: number;
}

/** Where the latency of a set of completed requests goes. */
export interface LatencyBreakdown {
  completed: number;
  components: Record<LatencyComponent, ComponentStats>;
  /** The component with the largest share of the p95 tail; null without completed requests. */
  bottleneck: LatencyComponent | null;
  /** Its share of the tail's mean latency (0-1). */
  bottleneckShare: number;
}

/** The breakdown of the requests of `log` (those on `tier` only, if given). */
export function latencyBreakdown(log: GroupLog, tier?: TargetTier): LatencyBreakdown {
  const tiers = log.tierIndices();
  const wanted = tier === undefined ? -1 : TARGET_TIERS.indexOf(tier);
  const keep = (values: Float64Array) =>
    wanted < 0 ? values : values.filter((_, i) => tiers[i] === wanted);
  const latencies = keep(log.latencies());
  const thresholdS = percentile(latencies.slice().sort(), 95);
  const tail: number[] = [];
  for (let i = 0; i < latencies.length; i++) if (latencies[i]! >= thresholdS) tail.push(i);
  const components = {} as Record<LatencyComponent, ComponentStats>;
  let bottleneck: LatencyComponent | null = null;
  let tailTotalS = 0;
  for (const c of LATENCY_COMPONENTS) {
    const values = keep(log.component(c));
    const tailMeanS = mean(tail.map((i) => values[i]!));
    components[c] = {
      meanS: mean(values),
      p95S: percentile(values.slice().sort(), 95),
      tailMeanS,
    };
    tailTotalS += tail.length > 0 ? tailMeanS : 0;
    if (tail.length > 0 && (bottleneck === null || tailMeanS > components[bottleneck].tailMeanS))
      bottleneck = c;
  }
  return {
    completed: latencies.length,
    components,
    bottleneck,
    bottleneckShare:
      bottleneck === null || tailTotalS <= 0
        ? Number.NaN
        : components[bottleneck].tailMeanS / tailTotalS,
  };
}

/** latency_<component>_{mean,p95}_s, bottleneck and bottleneck_share, for the summary and groups.csv. */
export function breakdownMetrics(breakdown: LatencyBreakdown): Record<string, TableValue> {
  const metrics: Record<string, TableValue> = {};
  for (const c of LATENCY_COMPONENTS) {
    metrics[`latency_${c}_mean_s`] = breakdown.components[c].meanS;
    metrics[`latency_${c}_p95_s`] = breakdown.components[c].p95S;
  }
  metrics.bottleneck = breakdown.bottleneck;
  metrics.bottleneck_share = breakdown.bottleneckShare;
  return metrics;
}

/**
 * breakdown.csv: for every group and all groups (`*`), every tier requests
 * ran on and all tiers (`*`), each component's mean, p95 and share of the
 * p95 tail; a slice without completed requests is left out.
 */
export function breakdownTable(
  slices: readonly { group: string; log: GroupLog }[],
  tiers: readonly TargetTier[],
): Table {
  const rows: TableValue[][] = [];
  for (const { group, log } of slices) {
    for (const tier of [undefined, ...tiers]) {
      const breakdown = latencyBreakdown(log, tier);
      if (breakdown.completed === 0) continue;
      const tailS = LATENCY_COMPONENTS.reduce((s, c) => s + breakdown.components[c].tailMeanS, 0);
      for (const c of LATENCY_COMPONENTS) {
        const stats = breakdown.components[c];
        rows.push([
          group,
          tier ?? '*',
          c,
          breakdown.completed,
          stats.meanS,
          stats.p95S,
          stats.tailMeanS,
          tailS > 0 ? stats.tailMeanS / tailS : Number.NaN,
          c === breakdown.bottleneck,
        ]);
      }
    }
  }
  return {
    columns: [
      'group',
      'tier',
      'component',
      'completed',
      'mean_s',
      'p95_s',
      'p95_tail_mean_s',
      'p95_tail_share',
      'bottleneck',
    ],
    rows,
  };
}

function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total / values.length;
}
