/**
 * How big a run is before it runs: events and memory estimated from devices,
 * duration and rates, and a guard that refuses runs past a limit unless forced.
 *
 * Formula (fleet / inference runs):
 *
 *   requests = Σ_groups count × meanRate(arrivals) × duration
 *     (meanRate as the arrival model defines it: poisson and diurnal `rate`,
 *     periodic 1 / interval, mmpp Σ rate_i·d_i / Σ d_i, a trace its count over
 *     its period or span; availability is ignored, since an offline device's
 *     requests are still generated and refused, so this is an upper bound)
 *   events   = EVENTS_PER_REQUEST × requests + devices × (1 + state changes)
 *     (state changes: 2 × duration / (meanOn + meanOff) for markov availability,
 *     2 × duration / (mtbf + mttr) for failures)
 *   memory   = BYTES_PER_DEVICE × devices + BYTES_PER_REQUEST × requests
 *              + BYTES_PER_REQUEST_ROW × rows kept for requests.csv
 *              + BYTES_PER_DEVICE_ROW × rows kept for devices.csv
 *              + BYTES_PER_BATCH_SLOT × Σ_servers workers × maxBatch
 *
 * Federated runs: client rounds = rounds × ceil(clientsPerRound × overCommit)
 * (the clients selected); events = EVENTS_PER_CLIENT_ROUND × client rounds;
 * memory = FEDERATED_BASE_BYTES + BYTES_PER_CLIENT × devices. Compression runs
 * are bounded by their data set and model (whose files have size limits) and
 * are estimated as 0 events and 0 bytes.
 *
 * Calibration: `npm run build`, then one process per scenario,
 * `node --expose-gc scripts/calibrate-run-budget.mjs <scenario>`, which counts
 * the events fired and the live heap and array buffers at the end of the
 * simulation (after a GC) above what preparing took, and prints the estimate
 * beside them (2-core VM, Node 20):
 *
 *   scenario                     devices   requests   events (est.)       live memory (est.)
 *   fleet-10k (edge, 1 h)         10,000  1,082,184   6.80 M (8.65 M)     34 MB (47 MB)
 *   fleet-1m (edge, 10 min)    1,000,000  1,200,145   6.62 M (10.6 M)     1,507 MB* (1,529 MB)
 *   fleet-1m for 1 s           1,000,000      1,982   -                   1,132 MB (1,500 MB)
 *   quickstart (adaptive)            110    126,057   0.48 M (1.00 M)     42 MB, peak RSS +71 MB (103 MB)
 *   quickstart, requests: never      110    126,057   0.48 M (1.00 M)     2 MB (3 MB)
 *   fl-1m (cost-only, 100 rounds) 1,000,000  120,000 selected: 0.60 M (0.96 M)  749 MB (1,150 MB)
 *   fl-1m with 100,000 devices      100,000  120,000 selected: 0.63 M (0.96 M)  197 MB (250 MB)
 *   (* heap without a GC, garbage included; its peak RSS grew by ~1.58 GB)
 *
 * So a fleet device costs ~1.13 KB, a request ~16 B (a float64 latency and the
 * log's array doubling), a kept request row ~560 B (quickstart's peak RSS with
 * rows less without, / 126,057), a federated device ~0.75 KB over ~120 MB of
 * data set and model. The constants round these up, so the estimate is an
 * upper bound: 1.3-2.1x the events measured, 1.0-1.5x the memory (2.5x where
 * request rows are kept). The limits are far above every shipped scenario.
 */
import { getHeapStatistics } from 'node:v8';
import { RandomStreams } from './engine/random.js';
import { InputError, UsageError } from './errors.js';
import type { FailureSpec } from './fleet/availability.js';
import type { PreparedRun } from './run.js';
import { arrivalProcess } from './workloads/arrivals.js';
import type { ResolvedFederated } from './workloads/federated/resolve.js';
import { AUTO_REQUEST_ROWS } from './workloads/inference/request-log.js';
import type { ResolvedInference } from './workloads/inference/resolve.js';
import type { DeviceGroup } from './workloads/inference/scenario.js';
import { AUTO_DEVICE_ROWS } from './workloads/inference/tables.js';
import { estimateLearn } from './workloads/learn/estimate.js';
import { estimateLlm } from './workloads/llm/estimate.js';
import { estimateRollout } from './workloads/rollout/estimate.js';

/** Events fired per request (arrival, transfers, queueing, batch, service, return): 6.28 measured at most. */
export const EVENTS_PER_REQUEST = 8;
/** Bytes a device costs a fleet run (struct-of-arrays state, radio, arrival process, random stream, cell share): 1,132 measured. */
export const BYTES_PER_DEVICE = 1500;
/**
 * Bytes a request costs when no row is kept for it (its latency in the group's
 * log, doubled by growth): 16 measured on fleet-1m, but a run of 3 devices at
 * 1e6 requests/s for 10 s (test/fixtures/fuzz-repro/heap-guard-exit-1.yaml)
 * held about 30, so 32.
 */
export const BYTES_PER_REQUEST = 32;
/** Bytes a request row kept for requests.csv costs (the request, its row, its CSV line): ~560 measured. */
export const BYTES_PER_REQUEST_ROW = 800;
/** Bytes a row of devices.csv costs while the table is built (an allowance, not measured apart). */
export const BYTES_PER_DEVICE_ROW = 600;
/** Bytes of each slot of each server worker's batch (a request reference and a float64 wait). */
export const BYTES_PER_BATCH_SLOT = 16;
/** Events per selected client per round (download, compute, upload, their ends): 5.24 measured at most. */
export const EVENTS_PER_CLIENT_ROUND = 8;
/** Bytes a device costs a federated run (fleet state plus client bookkeeping): ~750 measured. */
export const BYTES_PER_CLIENT = 1000;
/** Bytes a federated run holds whatever its fleet (data set, model, partition): ~120 MB measured. */
export const FEDERATED_BASE_BYTES = 150e6;

/** Runs estimated above this many events are refused unless forced (days of simulation at ~1 M events/s). */
export const MAX_EVENTS = 2e9;
/** Share of the V8 heap limit a run's estimated memory may take before it is refused unless forced. */
export const HEAP_SHARE = 0.75;

/** What {@link estimateRun} expects of a run. */
export interface RunEstimate {
  /** Simulation events the run will fire (an estimate, not a bound). */
  readonly events: number;
  /** Bytes the run will hold at its peak beyond what loading took. */
  readonly memoryBytes: number;
  /** One line saying where the figures come from ("1,000,000 devices x ..."). */
  readonly explanation: string;
  /** The scenario field that contributes most (`fleet[0]`, `federated.rounds`), for messages. */
  readonly path: string;
}

/** Estimates a prepared run's events and memory by the formula in this file's header. */
export function estimateRun(prepared: PreparedRun): RunEstimate {
  switch (prepared.kind) {
    case 'inference':
      return estimateFleet(prepared.resolved);
    case 'federated':
      return estimateFederated(prepared.resolved);
    case 'rollout':
      return estimateRollout(prepared.resolved);
    case 'learn':
      return estimateLearn(prepared.resolved);
    case 'llm':
      return estimateLlm(prepared.resolved);
    case 'compress':
      return {
        events: 0,
        memoryBytes: 0,
        explanation: 'a compression run (not estimated)',
        path: 'compress',
      };
  }
}

/** Options of {@link checkRunBudget}. */
export interface RunBudgetOptions {
  /** The scenario file, named in the refusal. */
  readonly file?: string;
  /** Events past which a run is refused; default {@link MAX_EVENTS} (a harness may ask for less). */
  readonly maxEvents?: number;
  /** Run whatever the estimate (`--force`). */
  readonly force?: boolean;
  /** The heap limit to compare with, bytes; default V8's `heap_size_limit`. */
  readonly heapLimitBytes?: number;
}

/**
 * Estimates a run and refuses it with a {@link UsageError} (exit 2) when it
 * passes {@link MAX_EVENTS} events or {@link HEAP_SHARE} of the heap limit,
 * unless `force`. The message gives the estimate and the flag that overrides it.
 * Returns the estimate. Comparing all of the memory with the heap limit is
 * cautious: typed arrays (about a quarter of a fleet's bytes) live outside it.
 */
export function checkRunBudget(prepared: PreparedRun, options: RunBudgetOptions = {}): RunEstimate {
  const estimate = estimateRun(prepared);
  if (options.force) return estimate;
  const heapLimitBytes = options.heapLimitBytes ?? getHeapStatistics().heap_size_limit;
  const allowedBytes = HEAP_SHARE * heapLimitBytes;
  const maxEvents = options.maxEvents ?? MAX_EVENTS;
  const over: string[] = [];
  if (estimate.events > maxEvents) {
    over.push(
      `${formatCount(estimate.events)} events, above the limit of ${formatCount(maxEvents)}`,
    );
  }
  if (estimate.memoryBytes > allowedBytes) {
    over.push(
      `${formatBytes(estimate.memoryBytes)} of memory, above ${HEAP_SHARE * 100}% of the ${formatBytes(heapLimitBytes)} heap limit (raise it with node --max-old-space-size)`,
    );
  }
  if (over.length === 0) return estimate;
  const message = `this run is estimated at ${over.join(' and ')} (${estimate.explanation}); use --force to run anyway`;
  if (options.file === undefined) throw new UsageError(message);
  throw new InputError(options.file, [{ path: estimate.path, message }]);
}

function estimateFleet(resolved: ResolvedInference): RunEstimate {
  const { scenario } = resolved;
  const durationS = scenario.duration;
  const streams = new RandomStreams(0);
  let devices = 0;
  let requests = 0;
  let stateEvents = 0;
  let path = 'duration';
  let most = 0;
  resolved.groups.forEach(({ spec }, g) => {
    const ratePerS = groupRatePerS(spec, resolved.baseDir, streams);
    const groupRequests = spec.count * ratePerS * durationS;
    devices += spec.count;
    requests += groupRequests;
    stateEvents += spec.count * stateChanges(spec, durationS);
    if (groupRequests + spec.count > most) {
      most = groupRequests + spec.count;
      path = `fleet[${g}]`;
    }
  });
  const requestRows = keptRows(scenario.outputs.requests, requests, AUTO_REQUEST_ROWS);
  const deviceRows = keptRows(scenario.outputs.devices, devices, AUTO_DEVICE_ROWS);
  const batchSlots = scenario.servers.reduce(
    (n, s) => n + s.workers * (s.batching?.maxBatch ?? 1),
    0,
  );
  const events = EVENTS_PER_REQUEST * requests + devices + stateEvents;
  const memoryBytes =
    BYTES_PER_DEVICE * devices +
    BYTES_PER_REQUEST * requests +
    BYTES_PER_REQUEST_ROW * requestRows +
    BYTES_PER_DEVICE_ROW * deviceRows +
    BYTES_PER_BATCH_SLOT * batchSlots;
  const explanation = `${formatCount(devices)} devices for ${formatCount(durationS)} s, about ${formatCount(requests)} requests`;
  return { events, memoryBytes, explanation, path };
}

/** A group's mean requests per second per device, as its arrival model defines it. */
function groupRatePerS(spec: DeviceGroup, baseDir: string, streams: RandomStreams): number {
  const process = arrivalProcess(spec.arrivals, streams.stream('run-budget', spec.name), {
    baseDir,
  });
  return process.meanRatePerS;
}

/** Availability and failure changes a device goes through in `durationS`. */
function stateChanges(spec: DeviceGroup, durationS: number): number {
  const availability = spec.availability;
  const cycles = (upS: number, downS: number) => (2 * durationS) / (upS + downS);
  const failures = (f: FailureSpec | undefined) => (f ? cycles(f.mtbf, f.mttr) : 0);
  const online =
    availability.kind === 'markov' ? cycles(availability.meanOn, availability.meanOff) : 0;
  return online + failures(spec.failures);
}

/** Rows a table keeps: all with `always`, none with `never`, all up to `autoLimit` with `auto`. */
function keptRows(mode: 'auto' | 'always' | 'never', rows: number, autoLimit: number): number {
  if (mode === 'always') return rows;
  if (mode === 'never') return 0;
  return rows <= autoLimit ? rows : 0;
}

function estimateFederated(resolved: ResolvedFederated): RunEstimate {
  const section = resolved.scenario.federated;
  const perRound = Math.ceil(section.clientsPerRound * section.overCommit);
  const clientRounds = section.rounds * perRound;
  const devices = resolved.clientCount;
  return {
    events: EVENTS_PER_CLIENT_ROUND * clientRounds,
    memoryBytes: FEDERATED_BASE_BYTES + BYTES_PER_CLIENT * devices,
    explanation: `${formatCount(devices)} devices, ${formatCount(section.rounds)} rounds of ${formatCount(perRound)} clients`,
    path: 'federated.rounds',
  };
}

/** 120000 -> "120,000"; from ten million on, 2.88e13. */
function formatCount(n: number): string {
  if (n < 1e7) return Math.round(n).toLocaleString('en-US');
  return n.toExponential(2).replace('e+', 'e');
}

function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}
