/**
 * What an inference run with a rollout reports beyond its usual tables:
 * `rollout.csv` (per wave, as the rollout workload writes it), `versions.csv`
 * (per time bucket and version: devices on it and its requests' outcomes and
 * latency) and summary columns per version.
 */
import { Priority, type Simulation } from '../../engine/simulation.js';
import { percentile, type Table, type TableValue } from '../../results/table.js';
import type { RolloutEngine } from '../rollout-engine.js';
import { GATE_NAMES, waveTable } from '../rollout-wave-log.js';
import {
  type Outcome,
  type RecordListener,
  type RequestTimes,
  ROLLOUT_OUTCOMES,
} from './request-log.js';
import type { ResolvedInferenceRollout } from './rollout-resolve.js';

const VERSION_NAMES = ['from', 'to'] as const;
const FAILURES = ROLLOUT_OUTCOMES.filter((o) => o !== 'completed');

/** One time bucket of one version: its requests by outcome and its completed requests' latencies. */
interface Bucket {
  readonly outcomes: Map<Outcome, number>;
  readonly latenciesS: number[];
}

const emptyBucket = (): Bucket => ({
  outcomes: new Map(ROLLOUT_OUTCOMES.map((o) => [o, 0])),
  latenciesS: [],
});

/**
 * Requests by version and by the `stepS` bucket of their arrival
 * ([k step, (k + 1) step)), and the devices on each version at each
 * bucket's start (sampled after the events of that instant).
 */
export class VersionLog implements RecordListener {
  /** buckets[k][v] */
  private readonly buckets: [Bucket, Bucket][] = [];
  /** Devices on `from` and on `to` at each bucket's start. */
  private readonly devices: [number, number][] = [];

  constructor(
    private readonly stepS: number,
    private readonly durationS: number,
  ) {
    const count = Math.max(1, Math.ceil(durationS / stepS));
    for (let k = 0; k < count; k++) this.buckets.push([emptyBucket(), emptyBucket()]);
  }

  /** Samples `running` (devices per version) at 0, step, 2 step, ... before the duration. */
  sample(sim: Simulation, running: () => readonly [number, number]): void {
    const at = (k: number): void => {
      const [from, to] = running();
      this.devices.push([from, to]);
      if ((k + 1) * this.stepS < this.durationS)
        sim.scheduleAt((k + 1) * this.stepS, at, Priority.late, k + 1);
    };
    sim.scheduleAt(0, at, Priority.late, 0);
  }

  record(request: RequestTimes, endS: number, outcome: Outcome): void {
    const k = Math.min(this.buckets.length - 1, Math.floor(request.arrivalS / this.stepS));
    const bucket = this.buckets[k]![request.version as 0 | 1];
    bucket.outcomes.set(outcome, bucket.outcomes.get(outcome)! + 1);
    if (outcome === 'completed') bucket.latenciesS.push(endS - request.arrivalS);
  }

  /**
   * versions.csv: per bucket and version, the devices on it at the bucket's
   * start and their share of the fleet, then the requests that arrived in
   * the bucket and were served by it: all, completed, failed, failed by
   * outcome, and the p50 and p95 latency of the completed ones.
   */
  table(names: readonly [string, string], fleetCount: number): Table {
    const rows: TableValue[][] = [];
    this.buckets.forEach((pair, k) => {
      pair.forEach((bucket, v) => {
        const devices = this.devices[k]?.[v] ?? 0;
        rows.push([
          k * this.stepS,
          VERSION_NAMES[v]!,
          names[v]!,
          devices,
          fleetCount === 0 ? 0 : devices / fleetCount,
          ...counts(bucket),
          ...latency(bucket.latenciesS),
        ]);
      });
    });
    return {
      columns: [
        'time_s',
        'version',
        'model',
        'devices',
        'fraction',
        'requests',
        'completed',
        'failed',
        ...FAILURES.map((o) => `failed_${o.replaceAll('-', '_')}`),
        'latency_p50_s',
        'latency_p95_s',
      ],
      rows,
    };
  }

  /** Summary columns per version (`from_...`, `to_...`): requests, completed, failed, model errors, p50, p95. */
  summary(): Record<string, TableValue> {
    const columns: Record<string, TableValue> = {};
    VERSION_NAMES.forEach((name, v) => {
      const all = emptyBucket();
      for (const pair of this.buckets) {
        const bucket = pair[v]!;
        for (const [o, n] of bucket.outcomes) all.outcomes.set(o, all.outcomes.get(o)! + n);
        for (const x of bucket.latenciesS) all.latenciesS.push(x);
      }
      const [requests, completed, failed] = counts(all);
      const [p50, p95] = latency(all.latenciesS);
      Object.assign(columns, {
        [`${name}_requests`]: requests,
        [`${name}_completed`]: completed,
        [`${name}_failed`]: failed,
        [`${name}_failed_model_error`]: all.outcomes.get('model-error')!,
        [`${name}_latency_p50_s`]: p50,
        [`${name}_latency_p95_s`]: p95,
      });
    });
    return columns;
  }
}

function counts(bucket: Bucket): number[] {
  const completed = bucket.outcomes.get('completed')!;
  const byFailure = FAILURES.map((o) => bucket.outcomes.get(o)!);
  const failed = byFailure.reduce((a, b) => a + b, 0);
  return [completed + failed, completed, failed, ...byFailure];
}

function latency(values: readonly number[]): [number, number] {
  const sorted = Float64Array.from(values).sort();
  return [percentile(sorted, 50), percentile(sorted, 95)];
}

/** The rollout's summary columns: sizes, coverage, the gate's stop, and each version's requests. */
export function rolloutSummary(
  rollout: ResolvedInferenceRollout,
  engine: RolloutEngine,
  versions: VersionLog,
): Record<string, TableValue> {
  const log = engine.log;
  const stopWave = log.fractions.findIndex((_, k) => log.outcome[k]! >= 3);
  const count = engine.state.length;
  return {
    rollout_update: rollout.spec.update,
    rollout_to_model: rollout.versions[1].name,
    rollout_update_bytes: rollout.downloadBytes[1],
    rollout_delta_ratio: rollout.deltaRatio,
    rollout_bytes: engine.bytesMoved,
    rollout_updated: engine.running[1],
    rollout_updated_fraction: count === 0 ? 0 : engine.running[1] / count,
    rollout_device_failures_from: engine.failures[0],
    rollout_device_failures_to: engine.failures[1],
    rollout_stopped_at_wave: stopWave < 0 ? null : stopWave + 1,
    rollout_gate_action: stopWave < 0 ? 'none' : GATE_NAMES[log.outcome[stopWave]!]!,
    ...versions.summary(),
  };
}

/** What a run with a rollout hands its tables. */
export interface RolloutRun {
  readonly engine: RolloutEngine;
  readonly versions: VersionLog;
}

/** rollout.csv and versions.csv of a run. */
export function rolloutTables(
  rollout: ResolvedInferenceRollout,
  engine: RolloutEngine,
  versions: VersionLog,
): { rollout: Table; versions: Table } {
  const names: [string, string] = [rollout.versions[0].name, rollout.versions[1].name];
  return {
    rollout: waveTable(engine.log, engine.waveOf, engine.version),
    versions: versions.table(names, engine.state.length),
  };
}
