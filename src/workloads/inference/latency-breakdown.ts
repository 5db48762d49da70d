import type { Table, TableValue } from '../../results/table.js';
import {
  type GroupLog,
  LATENCY_COMPONENTS,
  type LatencyComponent,
  type RequestBlock,
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

/** Work space for {@link latencyBreakdown}: three arrays as long as the largest slice. */
export interface BreakdownBuffers {
  latency: Float64Array;
  values: Float64Array;
  scratch: Float64Array;
}

/** Buffers for breakdowns of up to `rows` completed requests (allocated once, shared by every slice). */
export function breakdownBuffers(rows: number): BreakdownBuffers {
  return {
    latency: new Float64Array(rows),
    values: new Float64Array(rows),
    scratch: new Float64Array(rows),
  };
}

/** The breakdown of the requests of `log` (those on `tier` only, if given). */
export function latencyBreakdown(
  log: GroupLog,
  tier?: TargetTier,
  buffers: BreakdownBuffers = breakdownBuffers(log.latencyCount),
): LatencyBreakdown {
  const blocks = log.blocks();
  const wanted = tier === undefined ? -1 : TARGET_TIERS.indexOf(tier);
  const latencies = gather(blocks, 0, wanted, buffers.latency);
  const thresholdS = p95Of(latencies, buffers.scratch);
  let tailCount = 0;
  for (let i = 0; i < latencies.length; i++) if (latencies[i]! >= thresholdS) tailCount++;
  const tail = new Int32Array(tailCount);
  for (let i = 0, t = 0; i < latencies.length; i++) if (latencies[i]! >= thresholdS) tail[t++] = i;
  const components = {} as Record<LatencyComponent, ComponentStats>;
  let bottleneck: LatencyComponent | null = null;
  let tailTotalS = 0;
  for (let k = 0; k < LATENCY_COMPONENTS.length; k++) {
    const c = LATENCY_COMPONENTS[k]!;
    const values = gather(blocks, 1 + k, wanted, buffers.values);
    let tailSumS = 0;
    for (let t = 0; t < tail.length; t++) tailSumS += values[tail[t]!]!;
    const tailMeanS = tail.length > 0 ? tailSumS / tail.length : Number.NaN;
    components[c] = { meanS: mean(values), p95S: p95Of(values, buffers.scratch), tailMeanS };
    if (tail.length === 0) continue;
    tailTotalS += tailMeanS;
    if (bottleneck === null || tailMeanS > components[bottleneck].tailMeanS) bottleneck = c;
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

/** Column `column` of the requests on tier index `wanted` (all if < 0), in completion order, copied into `into`. */
function gather(
  blocks: readonly RequestBlock[],
  column: number,
  wanted: number,
  into: Float64Array,
): Float64Array {
  let k = 0;
  for (const block of blocks) {
    const values = block.columns[column]!;
    if (wanted < 0) {
      into.set(values, k);
      k += values.length;
      continue;
    }
    const tiers = block.tiers;
    for (let i = 0; i < tiers.length; i++) if (tiers[i] === wanted) into[k++] = values[i]!;
  }
  return into.subarray(0, k);
}

/** The number of completed requests of `log` on `tier`. */
function countOn(log: GroupLog, tier: TargetTier): number {
  const wanted = TARGET_TIERS.indexOf(tier);
  let count = 0;
  for (const { tiers } of log.blocks())
    for (let i = 0; i < tiers.length; i++) if (tiers[i] === wanted) count++;
  return count;
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
  slices: readonly { group: string; log: GroupLog; all: LatencyBreakdown }[],
  tiers: readonly TargetTier[],
  buffers: BreakdownBuffers,
): Table {
  const rows: TableValue[][] = [];
  for (const { group, log, all } of slices) {
    for (const tier of [undefined, ...tiers]) {
      const count = tier === undefined ? all.completed : countOn(log, tier);
      if (count === 0) continue;
      // A tier that ran every request has the breakdown of them all.
      const breakdown = count === all.completed ? all : latencyBreakdown(log, tier, buffers);
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

/**
 * `percentile(sorted copy of values, 95)` (results/table.ts) without sorting:
 * the same two order statistics, found by selection on a copy (in `scratch`,
 * at least as long as `values`, when given), so the same value to the bit in
 * O(n) instead of O(n log n).
 */
export function p95Of(values: Float64Array, scratch?: Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const work = scratch === undefined ? values.slice() : scratch.subarray(0, n);
  if (scratch !== undefined) work.set(values);
  const rank = 0.95 * (n - 1);
  const low = Math.floor(rank);
  select(work, low);
  const below = work[low]!;
  let above = below;
  if (low + 1 < n) {
    above = work[low + 1]!;
    for (let i = low + 2; i < n; i++) if (work[i]! < above) above = work[i]!;
  }
  return below + (above - below) * (rank - low);
}

/**
 * Reorders `a` so that a[k] is its k-th smallest value, with nothing larger
 * before it and nothing smaller after it (Hoare partitions around a median
 * of three, so runs of equal values, common here, split evenly).
 */
function select(a: Float64Array, k: number): void {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >> 1;
    const pivot = medianOf3(a[left]!, a[mid]!, a[right]!);
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function medianOf3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total / values.length;
}
