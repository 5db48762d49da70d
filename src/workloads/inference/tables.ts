import type { Fleet } from '../../fleet/fleet.js';
import { percentile, singleRowTable, type Table, type TableValue } from '../../results/table.js';
import type { BatchingServer } from './batching-server.js';
import { costMetrics, costsTable, priceRun } from './cost-tables.js';
import { devicesTable, latencyTable, requestsTable, serversTable } from './entity-tables.js';
import {
  breakdownBuffers,
  breakdownMetrics,
  breakdownTable,
  type LatencyBreakdown,
  latencyBreakdown,
} from './latency-breakdown.js';
import type { ModelDownloads } from './model-download.js';
import {
  GroupLog,
  OUTCOMES,
  type Outcome,
  type RequestLog,
  ROLLOUT_OUTCOMES,
  TARGET_TIERS,
} from './request-log.js';
import type { ResolvedInference } from './resolve.js';
import { type RolloutRun, rolloutSummary, rolloutTables } from './rollout-tables.js';
import type { SplitLog } from './split/log.js';

/** The tables of an inference run, by file stem. */
export interface InferenceTables {
  summary: Table;
  groups: Table;
  latency: Table;
  servers: Table;
  costs: Table;
  breakdown: Table;
  /** Under `placement: split`: per group and split point, requests, latency and device energy. */
  splits?: Table;
  /** With a rollout: per wave (as the rollout workload's rollout.csv). */
  rollout?: Table;
  /** With a rollout: per time bucket and version, devices and requests. */
  versions?: Table;
  devices?: Table;
  requests?: Table;
}

/** devices.csv is written by default up to this many devices. */
export const AUTO_DEVICE_ROWS = 100_000;

/** Energy of a set of devices by component, J. */
interface EnergySplit {
  computeJ: number;
  radioJ: number;
  idleJ: number;
}

/** Summarises a finished run into its result tables (units in column names). */
export function inferenceTables(
  resolved: ResolvedInference,
  fleet: Fleet,
  log: RequestLog,
  servers: BatchingServer[],
  downloads: ModelDownloads | undefined,
  endS: number,
  splits?: SplitLog,
  rollout?: RolloutRun,
): InferenceTables {
  const { scenario } = resolved;
  const outcomes = resolved.rollout === undefined ? OUTCOMES : ROLLOUT_OUTCOMES;
  const everything = mergedLog(log);
  const deviceEnergy = energyOf(fleet, () => true);
  const serverEnergyJ = resolved.servers.map((r, s) =>
    serverEnergy(r.profile, servers[s]!, r.spec.workers, endS),
  );
  const cloudBytesOut = resolved.servers.reduce(
    (sum, r, s) => sum + (r.tier === 'cloud' ? log.serverBytesOut[s]! : 0),
    0,
  );
  const window = {
    endS,
    measuredS: endS - scenario.warmup,
    completed: everything.outcomes.get('completed')!,
  };
  const measuredS = scenario.duration - scenario.warmup;
  const buffers = breakdownBuffers(everything.latencyCount);
  const overall = latencyBreakdown(everything, undefined, buffers);
  const byGroup = log.groups.map((group) => latencyBreakdown(group, undefined, buffers));
  const cost = priceRun(resolved, fleet, log, downloads, serverEnergyJ, window);
  const energyJ = deviceEnergy.computeJ + deviceEnergy.radioJ + deviceEnergy.idleJ;
  const workerSeconds = resolved.servers.reduce((n, r) => n + r.spec.workers, 0) * endS;
  const busy = servers.reduce((n, s) => n + s.stats().busyWorkerSeconds, 0);
  const placement = scenario.workload.inference.placement;
  const summary = singleRowTable({
    scenario: scenario.name,
    placement: placement.policy,
    objective: placement.objective,
    model: resolved.card.name,
    precision: resolved.precision,
    duration_s: scenario.duration,
    warmup_s: scenario.warmup,
    end_s: endS,
    devices: fleet.count,
    servers: resolved.servers.length,
    ...requestMetrics(everything, measuredS, scenario.workload.inference.slo, outcomes),
    ...breakdownMetrics(overall),
    ...energyMetrics(deviceEnergy, runCompletions(everything, scenario.warmup, endS)),
    energy_servers_j: sum(serverEnergyJ),
    energy_total_kwh: (energyJ + sum(serverEnergyJ)) / 3.6e6,
    bytes_up: sum(log.serverBytesIn),
    bytes_down: sum(log.serverBytesOut),
    egress_bytes: cloudBytesOut,
    ...costMetrics(cost),
    ...modelDownloadMetrics(resolved, downloads),
    server_utilisation: workerSeconds > 0 ? busy / workerSeconds : 0,
    utilisation_edge: tierUtilisation(resolved, servers, 'edge', endS),
    utilisation_cloud: tierUtilisation(resolved, servers, 'cloud', endS),
    device_offline_fraction: offlineFraction(fleet, () => true, endS),
    battery_empty_events: sum(fleet.batteryEmptyCount),
    ...splits?.summary(),
    ...(rollout === undefined
      ? {}
      : rolloutSummary(resolved.rollout!, rollout.engine, rollout.versions)),
  });
  return {
    summary,
    groups: groupsTable(resolved, fleet, log, byGroup, endS, outcomes),
    latency: latencyTable(resolved, log),
    servers: serversTable(resolved, servers, log, serverEnergyJ, endS),
    costs: costsTable(cost, window),
    breakdown: breakdownTable(
      [
        { group: '*', log: everything, all: overall },
        ...resolved.groups.map((g, i) => ({
          group: g.spec.name,
          log: log.groups[i]!,
          all: byGroup[i]!,
        })),
      ],
      TARGET_TIERS,
      buffers,
    ),
    ...(splits === undefined
      ? {}
      : { splits: splits.table(resolved.groups.map((g) => g.spec.name)) }),
    ...(rollout === undefined
      ? {}
      : rolloutTables(resolved.rollout!, rollout.engine, rollout.versions)),
    devices: writeDevices(scenario.outputs, fleet.count)
      ? devicesTable(resolved, fleet, log, downloads)
      : undefined,
    requests: requestsTable(resolved, log),
  };
}

/**
 * Counts, throughput over the `measuredS` seconds of arrivals after the
 * warm-up, latency percentiles of completed requests, the SLO violation rate
 * over completed requests and the SLO attainment over all of them (a failed
 * request is a miss).
 */
function requestMetrics(
  group: GroupLog,
  measuredS: number,
  sloS: number,
  outcomes: readonly Outcome[],
): Record<string, TableValue> {
  const latencies = group.sortedLatencies();
  const requests = sum([...group.outcomes.values()]);
  const completed = group.outcomes.get('completed')!;
  let violations = 0;
  for (let i = 0; i < latencies.length; i++) if (latencies[i]! > sloS) violations++;
  const failures = Object.fromEntries(
    outcomes
      .filter((o) => o !== 'completed')
      .map((o) => [`failed_${o.replaceAll('-', '_')}`, group.outcomes.get(o)!]),
  );
  return {
    requests,
    completed,
    failed: requests - completed,
    ...failures,
    throughput_per_s: completed / measuredS,
    latency_mean_s: latencies.length > 0 ? sum(latencies) / latencies.length : Number.NaN,
    latency_p50_s: percentile(latencies, 50),
    latency_p95_s: percentile(latencies, 95),
    latency_p99_s: percentile(latencies, 99),
    slo_s: sloS,
    slo_violation_rate: latencies.length > 0 ? violations / latencies.length : Number.NaN,
    slo_attainment: requests > 0 ? (latencies.length - violations) / requests : Number.NaN,
  };
}

/**
 * Completions over the whole run at the measured rate: with a warm-up, the
 * energy of the whole run is divided by the completions measured after it
 * scaled to the run (per inference = energy per second over inferences per
 * second), as cost per 1,000 inferences is; without one, the completions.
 */
function runCompletions(group: GroupLog, warmupS: number, endS: number): number {
  const completed = group.outcomes.get('completed')!;
  return warmupS > 0 && endS > warmupS ? (completed * endS) / (endS - warmupS) : completed;
}

function energyMetrics(energy: EnergySplit, completed: number): Record<string, TableValue> {
  const totalJ = energy.computeJ + energy.radioJ + energy.idleJ;
  const per = (j: number) => (completed > 0 ? j / completed : Number.NaN);
  return {
    energy_devices_compute_j: energy.computeJ,
    energy_devices_radio_j: energy.radioJ,
    energy_devices_idle_j: energy.idleJ,
    energy_devices_j: totalJ,
    energy_per_inference_j: per(totalJ),
    compute_j_per_inference: per(energy.computeJ),
    radio_j_per_inference: per(energy.radioJ),
    idle_j_per_inference: per(energy.idleJ),
  };
}

function groupsTable(
  resolved: ResolvedInference,
  fleet: Fleet,
  log: RequestLog,
  breakdowns: readonly LatencyBreakdown[],
  endS: number,
  outcomes: readonly Outcome[],
): Table {
  const { scenario } = resolved;
  const records = resolved.groups.map((group, g) => {
    const inGroup = (d: number) => fleet.groupOf[d] === g;
    const devices = range(group.first, group.first + group.spec.count);
    const capacityJ = group.profile.batteryJ;
    const lifeH = devices.map((d) => {
      const spentJ = fleet.energy.idleJ[d]! + fleet.energy.computeJ[d]! + fleet.radioEnergyJ(d);
      const onS = fleet.onTimeS(d);
      return capacityJ === undefined || spentJ <= 0
        ? Number.NaN
        : capacityJ / (spentJ / onS) / 3600;
    });
    return {
      group: group.spec.name,
      profile: group.profile.name,
      devices: group.spec.count,
      ...requestMetrics(
        log.groups[g]!,
        scenario.duration - scenario.warmup,
        scenario.workload.inference.slo,
        outcomes,
      ),
      ...breakdownMetrics(breakdowns[g]!),
      on_device_fraction: ratio(
        sum(devices.map((d) => log.deviceLocal[d]!)),
        log.groups[g]!.outcomes.get('completed')!,
      ),
      ...energyMetrics(
        energyOf(fleet, inGroup),
        runCompletions(log.groups[g]!, scenario.warmup, endS),
      ),
      battery_life_h: capacityJ === undefined ? null : mean(lifeH),
      battery_empty_events: sum(devices.map((d) => fleet.batteryEmptyCount[d]!)),
      offline_fraction: offlineFraction(fleet, inGroup, endS),
    };
  });
  return { columns: Object.keys(records[0] ?? {}), rows: records.map((r) => Object.values(r)) };
}

/** The model's size and, with `modelDownload`, how its download went. */
function modelDownloadMetrics(
  resolved: ResolvedInference,
  downloads: ModelDownloads | undefined,
): Record<string, TableValue> {
  const readyS = downloads
    ? Float64Array.from(downloads.readyAtS.filter(Number.isFinite)).sort()
    : new Float64Array(0);
  return {
    model_bytes: resolved.modelBytes,
    model_downloads: readyS.length,
    model_download_bytes: downloads?.bytesMoved ?? 0,
    model_downloads_interrupted: downloads?.interrupted ?? 0,
    devices_without_model: downloads?.missing ?? 0,
    model_ready_p50_s: percentile(readyS, 50),
    model_ready_max_s: readyS.length > 0 ? readyS[readyS.length - 1]! : Number.NaN,
  };
}

/** All groups' logs merged into one, for the overall summary (a single group's own log). */
function mergedLog(log: RequestLog): GroupLog {
  if (log.groups.length === 1) return log.groups[0]!;
  const merged = new GroupLog(log.serverCount);
  for (const group of log.groups) merged.absorb(group);
  return merged;
}

function energyOf(fleet: Fleet, include: (d: number) => boolean): EnergySplit {
  const split: EnergySplit = { computeJ: 0, radioJ: 0, idleJ: 0 };
  for (let d = 0; d < fleet.count; d++) {
    if (!include(d)) continue;
    split.computeJ += fleet.energy.computeJ[d]!;
    split.radioJ += fleet.radioEnergyJ(d);
    split.idleJ += fleet.energy.idleJ[d]!;
  }
  return split;
}

/** A server's energy: every worker draws idle power throughout, plus (active - idle) while busy. */
function serverEnergy(
  profile: { idleW: number; activeW: number },
  server: BatchingServer,
  workers: number,
  endS: number,
): number {
  return (
    workers * profile.idleW * endS +
    (profile.activeW - profile.idleW) * server.stats().busyWorkerSeconds
  );
}

/** Busy worker-seconds over worker-seconds of the listed servers of `tier`; NaN when none is listed. */
function tierUtilisation(
  resolved: ResolvedInference,
  servers: BatchingServer[],
  tier: 'edge' | 'cloud',
  endS: number,
): number {
  let busy = 0;
  let workerSeconds = 0;
  resolved.servers.forEach((r, s) => {
    if (r.tier !== tier) return;
    busy += servers[s]!.stats().busyWorkerSeconds;
    workerSeconds += r.spec.workers * endS;
  });
  return workerSeconds > 0 ? busy / workerSeconds : Number.NaN;
}

function offlineFraction(fleet: Fleet, include: (d: number) => boolean, endS: number): number {
  let offS = 0;
  let n = 0;
  for (let d = 0; d < fleet.count; d++) {
    if (!include(d)) continue;
    offS += fleet.energy.offS[d]!;
    n++;
  }
  return n > 0 && endS > 0 ? offS / (n * endS) : 0;
}

function writeDevices(outputs: { devices: 'auto' | 'always' | 'never' }, count: number): boolean {
  return outputs.devices === 'always' || (outputs.devices === 'auto' && count <= AUTO_DEVICE_ROWS);
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

function mean(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length > 0 ? sum(finite) / finite.length : Number.NaN;
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.NaN;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
