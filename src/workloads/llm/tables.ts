/**
 * The tables of an llm run:
 * - `summary.csv`: one row: requests, completed and failed; TTFT, TPOT and
 *   end-to-end latency (mean, p50, p95, p99, over completed requests; TPOT
 *   over those with more than one output token); SLO attainment (TTFT,
 *   TPOT, both; over all requests, failures missing it); tokens generated
 *   and per second; energy of devices (compute, idle, radio) and servers
 *   (busy at active power, idle otherwise) per token, and per completed
 *   request the devices' compute and radio energy and the servers' (device
 *   idle energy is the same wherever requests run, so it is left out there);
 *   preemptions; the cost model's energy, CO2 and cloud egress; with
 *   speculative decoding, rounds, the share of drafts accepted and tokens
 *   per round;
 * - `tiers.csv`: the same latencies and energy per token for the requests
 *   each tier (device, edge, cloud) ran;
 * - `groups.csv`: per device group: requests, those run on the device and
 *   their tokens, output tokens per second of device busy time (prefill,
 *   decode and speculative drafting), compute energy per on-device token, radio
 *   energy, and devices whose battery ran empty;
 * - `servers.csv`: per server: requests, tokens, iterations, busy share,
 *   tokens per second, KV-cache utilisation (mean of used / budget over the
 *   run) and its peak, preemptions, energy and energy per token.
 */
import { fleetCost } from '../../cost/fleet-cost.js';
import type { Fleet } from '../../fleet/fleet.js';
import { percentile, type Table, type TableValue } from '../../results/table.js';
import type { ContinuousBatcher } from './batcher.js';
import { ON_DEVICE, type RequestLog, SERVER_BASE, Status } from './log.js';
import type { ResolvedLlm } from './resolve.js';
import type { Speculation } from './speculative.js';

export interface LlmRunState {
  readonly log: RequestLog;
  readonly fleet: Fleet;
  readonly batchers: readonly ContinuousBatcher[];
  readonly endS: number;
  readonly speculation?: Speculation | undefined;
}

const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** mean, p50, p95, p99 of `values` under `prefix` (null when empty). */
function spread(prefix: string, values: number[]): Record<string, TableValue> {
  const sorted = Float64Array.from(values).sort();
  const mean = values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
  return {
    [`${prefix}_mean_s`]: orNull(mean),
    [`${prefix}_p50_s`]: orNull(percentile(sorted, 50)),
    [`${prefix}_p95_s`]: orNull(percentile(sorted, 95)),
    [`${prefix}_p99_s`]: orNull(percentile(sorted, 99)),
  };
}

/**
 * The requests of each of `buckets` keys, in request order, from one pass of
 * counting over the log (a run may hold millions of requests and a fleet
 * hundreds of servers and groups).
 */
function bucketRows(count: number, buckets: number, keyOf: (r: number) => number): Int32Array[] {
  const sizes = new Int32Array(buckets);
  const keys = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    keys[r] = keyOf(r);
    sizes[keys[r]!]!++;
  }
  const rows = Array.from(sizes, (n) => new Int32Array(n));
  const filled = new Int32Array(buckets);
  for (let r = 0; r < count; r++) rows[keys[r]!]![filled[keys[r]!]!++] = r;
  return rows;
}

/** Latencies and SLO attainment of the requests `rows` (all of them for null), in order. */
function latencies(resolved: ResolvedLlm, log: RequestLog, rows: ArrayLike<number> | null) {
  const { slo } = resolved.scenario.llm;
  const ttft: number[] = [];
  const tpot: number[] = [];
  const e2e: number[] = [];
  let requests = 0;
  let done = 0;
  let tokens = 0;
  let ttftMet = 0;
  let tpotMet = 0;
  let bothMet = 0;
  const n = rows === null ? log.count : rows.length;
  for (let i = 0; i < n; i++) {
    const r = rows === null ? i : rows[i]!;
    requests++;
    if (log.status[r] !== Status.done) continue;
    done++;
    tokens += log.output[r]!;
    const first = log.ttft(r);
    const each = log.tpot(r);
    ttft.push(first);
    e2e.push(log.e2e(r));
    if (!Number.isNaN(each)) tpot.push(each);
    const a = first <= slo.ttft;
    const b = Number.isNaN(each) || each <= slo.tpot;
    if (a) ttftMet++;
    if (b) tpotMet++;
    if (a && b) bothMet++;
  }
  const share = (k: number) => (requests === 0 ? null : k / requests);
  return {
    requests,
    completed: done,
    failed: requests - done,
    tokens,
    ...spread('ttft', ttft),
    ...spread('tpot', tpot),
    ...spread('e2e', e2e),
    slo_ttft_attainment: share(ttftMet),
    slo_tpot_attainment: share(tpotMet),
    slo_attainment: share(bothMet),
  };
}

export function llmTables(resolved: ResolvedLlm, state: LlmRunState): Record<string, Table> {
  const { log, fleet, batchers, endS } = state;
  let deviceJ = 0;
  let deviceComputeJ = 0;
  let deviceRadioJ = 0;
  for (let d = 0; d < fleet.count; d++) {
    deviceComputeJ += fleet.energy.computeJ[d]!;
    deviceRadioJ += fleet.radioEnergyJ(d);
    deviceJ += fleet.energy.computeJ[d]! + fleet.energy.idleJ[d]! + fleet.radioEnergyJ(d);
  }
  // Where each request ran: 0 the device, 1 + k server k; and its tier: device, edge, cloud.
  const byPlace = bucketRows(log.count, 1 + resolved.servers.length, (r) => log.where[r]!);
  const tierOf = [0, ...resolved.servers.map((s) => (s.spec.tier === 'edge' ? 1 : 2))];
  const byTier = bucketRows(log.count, 3, (r) => tierOf[log.where[r]!]!);
  const serverRows = resolved.servers.map((server, k) => {
    const stats = batchers[k]!.stats;
    const energyJ =
      stats.busyS * server.profile.activeW + Math.max(0, endS - stats.busyS) * server.profile.idleW;
    const mine = latencies(resolved, log, byPlace[SERVER_BASE + k]!);
    return {
      server: server.spec.name,
      tier: server.spec.tier,
      profile: server.profile.name,
      model: server.card.arch.name,
      precision: server.precision,
      kv_budget_tokens: server.kvTokens,
      requests: mine.requests,
      tokens: stats.tokens,
      iterations: stats.iterations,
      busy_fraction: endS > 0 ? stats.busyS / endS : null,
      tokens_per_s: endS > 0 ? stats.tokens / endS : null,
      kv_utilization: endS > 0 ? stats.kvTokenSeconds / (server.kvTokens * endS) : null,
      kv_peak_tokens: stats.maxKvUsedTokens,
      preemptions: stats.preemptions,
      energy_j: energyJ,
      energy_per_token_j: stats.tokens > 0 ? energyJ / stats.tokens : null,
    };
  });
  const serverJ = serverRows.reduce((s, row) => s + row.energy_j, 0);
  const all = latencies(resolved, log, null);
  const onDevice = latencies(resolved, log, byPlace[ON_DEVICE]!);
  let egressBytes = 0;
  for (let r = 0; r < log.count; r++) {
    const k = log.where[r]! - SERVER_BASE;
    if (k >= 0 && resolved.servers[k]!.spec.tier === 'cloud' && log.status[r] === Status.done)
      egressBytes += log.output[r]! * resolved.scenario.llm.bytesPerToken;
  }
  const cost = fleetCost(resolved.scenario.cost, { energyJ: deviceJ + serverJ, egressBytes });
  const summary: Record<string, TableValue> = {
    placement: resolved.scenario.llm.placement,
    ...all,
    tokens_per_s: endS > 0 ? all.tokens / endS : null,
    device_tokens: onDevice.tokens,
    device_compute_j: deviceComputeJ,
    device_energy_j: deviceJ,
    device_energy_per_token_j: onDevice.tokens > 0 ? deviceComputeJ / onDevice.tokens : null,
    server_energy_j: serverJ,
    server_energy_per_token_j:
      all.tokens - onDevice.tokens > 0 ? serverJ / (all.tokens - onDevice.tokens) : null,
    device_radio_j: deviceRadioJ,
    energy_per_request_j:
      all.completed > 0 ? (deviceComputeJ + deviceRadioJ + serverJ) / all.completed : null,
    preemptions: serverRows.reduce((s, row) => s + row.preemptions, 0),
    energy_kwh: cost.energyKwh,
    energy_usd: cost.energyUsd,
    co2_kg: cost.co2Kg,
    egress_usd: cost.egressUsd,
    cost_usd: cost.totalUsd,
    simulated_s: endS,
  };
  const spec = state.speculation;
  if (spec !== undefined) {
    summary.spec_rounds = spec.roundsRun;
    summary.spec_acceptance =
      spec.draftedTokens > 0 ? spec.acceptedTokens / spec.draftedTokens : null;
    summary.spec_tokens_per_round =
      spec.roundsRun > 0 ? (spec.acceptedTokens + spec.roundsRun) / spec.roundsRun : null;
  }
  const tiers = (['device', 'edge', 'cloud'] as const).map((tier, t) => {
    const row = latencies(resolved, log, byTier[t]!);
    const joules =
      tier === 'device'
        ? deviceComputeJ
        : serverRows.filter((s) => s.tier === tier).reduce((s, x) => s + x.energy_j, 0);
    return {
      tier,
      ...row,
      energy_j: joules,
      energy_per_token_j: row.tokens > 0 ? joules / row.tokens : null,
    };
  });
  return {
    summary: { columns: Object.keys(summary), rows: [Object.values(summary)] },
    tiers: rowsTable(tiers),
    groups: rowsTable(groupRows(resolved, state)),
    ...(serverRows.length > 0 ? { servers: rowsTable(serverRows) } : {}),
  };
}

function groupRows(resolved: ResolvedLlm, { log, fleet }: LlmRunState) {
  const byGroup = bucketRows(
    log.count,
    resolved.groups.length,
    (r) => fleet.groupOf[log.device[r]!]!,
  );
  return resolved.groups.map((group, g) => {
    const mine = byGroup[g]!;
    const all = latencies(resolved, log, mine);
    const local = latencies(
      resolved,
      log,
      mine.filter((r) => log.where[r] === ON_DEVICE),
    );
    let busyS = 0;
    let computeJ = 0;
    let radioJ = 0;
    let empty = 0;
    for (let i = 0; i < group.spec.count; i++) {
      const d = group.first + i;
      busyS += fleet.energy.busyS[d]!;
      computeJ += fleet.energy.computeJ[d]!;
      radioJ += fleet.radioEnergyJ(d);
      if (fleet.batteryEmptyCount[d]! > 0) empty++;
    }
    return {
      group: group.spec.name,
      profile: group.profile.name,
      devices: group.spec.count,
      requests: all.requests,
      completed: all.completed,
      on_device: local.requests,
      on_device_tokens: local.tokens,
      device_tokens_per_busy_s: busyS > 0 ? local.tokens / busyS : null,
      compute_j: computeJ,
      compute_j_per_token: local.tokens > 0 ? computeJ / local.tokens : null,
      radio_j: radioJ,
      battery_empty_devices: empty,
    };
  });
}

function rowsTable(rows: readonly Record<string, TableValue>[]): Table {
  const columns = Object.keys(rows[0] ?? {});
  return { columns, rows: rows.map((row) => columns.map((c) => row[c] ?? null)) };
}
