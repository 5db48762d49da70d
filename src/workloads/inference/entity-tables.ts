import { deviceKey, type Fleet } from '../../fleet/fleet.js';
import type { Table, TableValue } from '../../results/table.js';
import type { BatchingServer } from './batching-server.js';
import type { ModelDownloads } from './model-download.js';
import { LATENCY_BUCKETS_S, type RequestLog } from './request-log.js';
import type { ResolvedInference } from './resolve.js';

/*
 * The tables of an inference run with a row per thing: latency histogram
 * buckets, servers, devices and requests. The summary and group tables, and
 * the choice of which tables are written, are in tables.ts.
 */

/** latency.csv: per group and placement target, the requests completed in each latency bucket (empty buckets left out). */
export function latencyTable(resolved: ResolvedInference, log: RequestLog): Table {
  const targets = ['device', ...resolved.servers.map((s) => s.spec.name)];
  const rows: TableValue[][] = [];
  resolved.groups.forEach((group, g) => {
    log.groups[g]!.histogram.forEach((counts, t) => {
      counts.forEach((count, b) => {
        if (count === 0) return;
        const low = b === 0 ? 0 : LATENCY_BUCKETS_S[b - 1]!;
        const high =
          b < LATENCY_BUCKETS_S.length ? LATENCY_BUCKETS_S[b]! : Number.POSITIVE_INFINITY;
        rows.push([group.spec.name, targets[t]!, low, high, count]);
      });
    });
  });
  return {
    columns: ['group', 'placement', 'latency_above_s', 'latency_up_to_s', 'requests'],
    rows,
  };
}

/** servers.csv: per server, requests served and refused, utilisation, mean batch, energy `energyJ[s]` and bytes. */
export function serversTable(
  resolved: ResolvedInference,
  servers: BatchingServer[],
  log: RequestLog,
  energyJ: number[],
  endS: number,
): Table {
  const rows = resolved.servers.map((r, s) => {
    const stats = servers[s]!.stats();
    return [
      r.spec.name,
      r.profile.name,
      r.tier,
      r.spec.workers,
      r.precision,
      stats.jobsServed,
      stats.refused,
      endS > 0 ? stats.busyWorkerSeconds / (r.spec.workers * endS) : 0,
      stats.batches > 0 ? stats.jobsServed / stats.batches : Number.NaN,
      stats.busyWorkerSeconds,
      energyJ[s]!,
      log.serverBytesIn[s]!,
      log.serverBytesOut[s]!,
    ];
  });
  return {
    columns: [
      'server',
      'profile',
      'tier',
      'workers',
      'precision',
      'requests_served',
      'requests_refused',
      'utilisation',
      'mean_batch',
      'busy_worker_s',
      'energy_j',
      'bytes_in',
      'bytes_out',
    ],
    rows,
  };
}

/** devices.csv: per device, its requests, times online, busy and offline, energy by component, battery and model arrival. */
export function devicesTable(
  resolved: ResolvedInference,
  fleet: Fleet,
  log: RequestLog,
  downloads: ModelDownloads | undefined,
): Table {
  const rows: TableValue[][] = [];
  resolved.groups.forEach((group) => {
    for (let i = 0; i < group.spec.count; i++) {
      const d = group.first + i;
      const radioJ = fleet.radioEnergyJ(d);
      const capacityJ = group.profile.batteryJ;
      rows.push([
        deviceKey(group, i),
        group.spec.name,
        fleet.throughputFactor[d]!,
        log.deviceRequests[d]!,
        log.deviceCompleted[d]!,
        log.deviceLocal[d]!,
        fleet.onTimeS(d),
        fleet.energy.busyS[d]!,
        fleet.energy.offS[d]!,
        fleet.outageCount[d]!,
        fleet.energy.computeJ[d]!,
        radioJ,
        fleet.energy.idleJ[d]!,
        fleet.energy.computeJ[d]! + radioJ + fleet.energy.idleJ[d]!,
        capacityJ === undefined || Number.isNaN(fleet.batteryJ[d]!)
          ? null
          : fleet.batteryJ[d]! / capacityJ,
        fleet.batteryEmptyCount[d]!,
        downloads?.readyAtS[d] ?? Number.NaN,
      ]);
    }
  });
  return {
    columns: [
      'device',
      'group',
      'throughput_factor',
      'requests',
      'completed',
      'on_device',
      'online_s',
      'busy_s',
      'offline_s',
      'outages',
      'energy_compute_j',
      'energy_radio_j',
      'energy_idle_j',
      'energy_total_j',
      'battery_end_fraction',
      'battery_empty_events',
      'model_ready_s',
    ],
    rows,
  };
}

/**
 * requests.csv: the requests the log kept, by arrival, with their stage times
 * and outcome; undefined when it kept none. A completed request's latency is
 * upload + queue + service + download + RTT. Under `placement: split` four
 * columns follow: the split point, the layer it split after, the device's
 * part of the service time and whether it left at the early exit. With a
 * rollout, the last column is the version that served it (`from`, `to`).
 */
export function requestsTable(resolved: ResolvedInference, log: RequestLog): Table | undefined {
  const rows = log.requestRows();
  if (rows === undefined) return undefined;
  const targets = resolved.servers.map((s) => s.spec.name);
  const keyOf = (d: number) => {
    const group = resolved.groups.find((g) => d < g.first + g.spec.count)!;
    return deviceKey(group, d - group.first);
  };
  const split = resolved.split;
  return {
    columns: [
      'device',
      'group',
      'placement',
      'arrival_s',
      'upload_s',
      'queue_s',
      'service_s',
      'batch',
      'download_s',
      'rtt_s',
      'latency_s',
      'outcome',
      ...(split === undefined ? [] : ['split_k', 'split_after', 'device_s', 'early_exit']),
      ...(resolved.rollout === undefined ? [] : ['version']),
    ],
    rows: rows.map(({ group, times, endS, outcome }) => {
      const row: TableValue[] = [
        keyOf(times.device),
        resolved.groups[group]!.spec.name,
        times.target < 0 ? 'device' : targets[times.target]!,
        times.arrivalS,
        times.uploadS,
        times.queueS,
        times.serviceS,
        times.batch,
        times.downloadS,
        2 * times.oneWayS,
        endS - times.arrivalS,
        outcome,
      ];
      if (split !== undefined) {
        const k = times.split;
        row.push(k < 0 ? null : k, k < 0 ? null : split.labels[k]!, times.deviceS, times.exits);
      }
      if (resolved.rollout !== undefined) row.push(times.version === 1 ? 'to' : 'from');
      return row;
    }),
  };
}
