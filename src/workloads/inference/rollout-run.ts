/**
 * A staged model rollout inside an inference run (`workload.inference.rollout`):
 * the rollout engine (workloads/rollout-engine.ts) takes devices from `from`
 * to `to` in waves while they serve requests, its downloads sharing each
 * cell with the requests through the run's one {@link Transfers}. With
 * `cellCap` K the downloads are the capped class of each cell's downlink:
 * together they take at most K of it, and requests the rest (water-filling,
 * engine/processor-sharing.ts); while equal shares would give them no more
 * than K, every flow in the cell gets an equal share.
 *
 * What a version means for requests (see the README's "Inside an inference
 * run"):
 * - a device runs a request with the version it has when the request starts
 *   (that version's roofline time); while it installs it starts nothing
 *   (its requests wait in its queue); a request already running when the
 *   install begins runs to its end;
 * - servers run one version all run (`servers: from`, the default, or `to`);
 * - `perInference = p`: each request served by the version fails with
 *   `model-error` with probability p, one draw per completed request from
 *   its device's stream (`rollout-model-error`, device key), wherever it ran;
 * - `perHour`: a device's failure clock (the engine's) marks its model
 *   failed on that version: from then on each request it starts fails at
 *   once with `model-error` (and one running then fails at its end), until
 *   the device moves to another version (the update, or a rollback);
 * - the gate counts, as in the rollout workload, the wave's devices on `to`
 *   that failed on it: by their failure clock, or by a request they served
 *   themselves failing with `model-error` (the first one counts).
 */
import type { RandomStream, RandomStreams } from '../../engine/random.js';
import type { Simulation } from '../../engine/simulation.js';
import { deviceKey, type Fleet } from '../../fleet/fleet.js';
import type { ComputeEstimate } from '../../fleet/roofline.js';
import type { Cell } from '../../network/cells.js';
import type { Transfers } from '../../network/transfer.js';
import {
  DeviceState,
  RolloutEngine,
  type RolloutOptions,
  rolloutOptions,
} from '../rollout-engine.js';
import type { DeviceVersions, OnDeviceExecutor } from './on-device.js';
import type { LiveRequests, Request } from './request.js';
import { MODEL_ERROR, type Outcome } from './request-log.js';
import type { ResolvedInference } from './resolve.js';
import type { ResolvedInferenceRollout } from './rollout-resolve.js';

/** The run's parts a rollout plugs into. */
export interface RolloutParts {
  readonly sim: Simulation;
  readonly fleet: Fleet;
  readonly transfers: Transfers;
  readonly cells: readonly Cell[];
  readonly cellOf: Uint32Array;
  readonly streams: RandomStreams;
  readonly device: OnDeviceExecutor;
  readonly requests: LiveRequests;
}

export class InferenceRollout implements DeviceVersions {
  readonly engine: RolloutEngine;
  /** 1 while a device's model has failed (its perHour clock) on the version it runs. */
  private readonly broken: Uint8Array;
  private readonly draws: (RandomStream | undefined)[];

  constructor(
    private readonly parts: RolloutParts,
    resolved: ResolvedInference,
    private readonly rollout: ResolvedInferenceRollout,
  ) {
    const { sim, fleet, transfers, cells, cellOf, streams } = parts;
    const cap = rollout.spec.cellCap;
    if (cap !== undefined) for (const cell of cells) cell.downlink.setClassCap(cap);
    this.engine = new RolloutEngine(
      sim,
      fleet,
      transfers,
      cells,
      cellOf,
      streams,
      engineOptions(resolved, rollout),
    );
    this.broken = new Uint8Array(fleet.count);
    this.draws = new Array(fleet.count);
    this.engine.onVersion = this.versionChanged;
    this.engine.onFailure = (d) => {
      this.broken[d] = 1;
    };
    parts.device.useVersions(this);
    parts.requests.settleWith(this.settle);
  }

  /** Starts the first wave (and the old version's failure clocks); call once, before arrivals start. */
  start(): void {
    this.engine.start();
  }

  estimate(d: number): ComputeEstimate | undefined {
    const v = this.engine.versionOf(d);
    return this.rollout.versions[v]!.deviceTimeS[this.parts.fleet.groupOf[d]!];
  }

  installing(d: number): boolean {
    return this.engine.state[d] === DeviceState.installing;
  }

  starting(request: Request): boolean {
    request.version = this.engine.versionOf(request.device);
    return this.broken[request.device] === 0;
  }

  /** Device d now runs version v: its model works again, and its waiting requests may start. */
  private readonly versionChanged = (d: number): void => {
    this.broken[d] = 0;
    const { device, fleet } = this.parts;
    // The install ended (the engine set the device idle) while a request computes.
    if (device.isRunning(d)) fleet.setBusy(d, true);
    else device.startNext(d);
  };

  /** Every finishing request: its version, then whether that version failed it. */
  private readonly settle = (request: Request, outcome: Outcome): Outcome => {
    const d = request.device;
    const onDevice = request.target < 0;
    if (request.version < 0)
      request.version = onDevice ? this.engine.versionOf(d) : this.rollout.serverVersion;
    if (outcome !== 'completed') return outcome;
    const v = request.version;
    const current = onDevice && this.engine.versionOf(d) === v;
    const p = this.rollout.versions[v]!.perInference;
    const failed = (current && this.broken[d] === 1) || (p > 0 && this.draw(d) < p);
    if (!failed) return outcome;
    if (current) this.engine.recordFailure(d);
    return MODEL_ERROR;
  };

  private draw(d: number): number {
    let stream = this.draws[d];
    if (stream === undefined) {
      const { fleet, streams } = this.parts;
      const group = fleet.groups[fleet.groupOf[d]!]!;
      stream = streams.stream('rollout-model-error', deviceKey(group, d - group.first));
      this.draws[d] = stream;
    }
    return stream.next();
  }
}

/**
 * The engine's options: the rollout workload's (rollout/run.ts), except that
 * a device's failure hazard is its version's `perHour` alone; per-inference
 * failures happen to real requests instead.
 */
function engineOptions(
  resolved: ResolvedInference,
  rollout: ResolvedInferenceRollout,
): RolloutOptions {
  const { spec, versions } = rollout;
  return rolloutOptions({
    plan: spec,
    groups: resolved.groups,
    imageBytes: [versions[0].imageBytes, versions[1].imageBytes],
    downloadBytes: rollout.downloadBytes,
    hazardPerS: (v) => versions[v].hazardPerS,
    horizonS: resolved.scenario.duration,
    cappedDownloads: spec.cellCap !== undefined,
  });
}
