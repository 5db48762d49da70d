/**
 * A staged model rollout on a running fleet: waves of devices download the
 * new version over their cells (network/transfer.ts, the one way bytes
 * move), install it (image bytes / storage write speed, the device busy
 * meanwhile), and run it; a health gate at the end of each wave's soak
 * pauses the rollout, or rolls the wave back, when the share of the wave's
 * updated devices that failed on the new version exceeds its bound.
 *
 * State is struct-of-arrays, one entry per device, and events are per
 * download, install and failure, never per byte: a million devices fit.
 *
 * Conventions (see the README's Rollouts section):
 * - wave k starts at k x soak; its gate is at its start + soak, where the
 *   next wave starts if it passes;
 * - a download starts only while the device is online, inside a window;
 *   one under way when the window closes goes on;
 * - a device going offline keeps the bytes it had (a ranged request
 *   resumes the download when it is back); an install under way starts over;
 * - a device fails on a version at its install plus E / hazard (hazard =
 *   per-hour term + inference rate x per-inference probability), E its own
 *   Exp(1) draw for that version (see failureClock); failures count once
 *   per device and install.
 */
import type { EventId } from '../engine/event-queue.js';
import type { RandomStreams } from '../engine/random.js';
import { Priority, type Simulation } from '../engine/simulation.js';
import type { Fleet, FleetListener } from '../fleet/fleet.js';
import type { Cell } from '../network/cells.js';
import { DOWN, type Transfers } from '../network/transfer.js';
import type { RolloutOptions } from './rollout-options.js';
import { waveBounds, wavePermutation, windowOpen, windowOpenings } from './rollout-plan.js';
import { GateOutcome, WaveLog } from './rollout-wave-log.js';

export { type RolloutInputs, type RolloutOptions, rolloutOptions } from './rollout-options.js';

/** A device's place in the rollout. */
export const DeviceState = {
  idle: 0, // not targeted (yet)
  waiting: 1, // targeted: waits to be online inside a window
  downloading: 2,
  installing: 3,
  done: 4, // runs its goal version
  blocked: 5, // on a metered network under unmetered-only
  cancelled: 6, // its rollout stopped before it had the new version
} as const;

const NO_WAVE = 255;
const FROM = 0;
const TO = 1;

/** Called when device `d` starts running `version` (0 = from, 1 = to). */
export type VersionListener = (d: number, version: number) => void;

export class RolloutEngine implements FleetListener {
  readonly state: Uint8Array;
  /** Version each device runs: 0 = from, 1 = to. */
  readonly version: Uint8Array;
  /** Version each device is moving to. */
  private readonly goal: Uint8Array;
  readonly waveOf: Uint8Array;
  private readonly remainingBits: Float64Array;
  private readonly transfer: Int32Array;
  private readonly installEvent: Float64Array;
  private readonly failureEvent: Float64Array;
  /** When each device first failed on `to`, s (NaN: never). */
  readonly failedOnToS: Float64Array;
  /** 1 once a device has downloaded all of `to`. */
  readonly downloadedTo: Uint8Array;
  /** 1 once a device has used its radio for the rollout. */
  readonly touched: Uint8Array;
  /** 1 once a device has failed on the version it runs (reset when it changes version). */
  private readonly failedHere: Uint8Array;
  /** Each device's Exp(1) draw per version: it fails that much hazard-time after installing it. */
  private readonly failureClock: readonly [Float64Array, Float64Array];
  private waiting: number[] = [];
  private readonly listed: Uint8Array;
  private readonly order: Uint32Array;
  private readonly bounds: Uint32Array;
  readonly log: WaveLog;
  /** Devices running each version now. */
  readonly running: [number, number];
  /** Devices that failed on each version (once each). */
  readonly failures: [number, number] = [0, 0];
  bytesMoved = 0;
  interrupted = 0;
  installEnergyJ = 0;
  stopped = false;
  onVersion: VersionListener | undefined;
  /** Called when device `d`'s failure clock fires on `version` (its model fails on it). */
  onFailure: VersionListener | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly fleet: Fleet,
    private readonly transfers: Transfers,
    private readonly cells: readonly Cell[],
    private readonly cellOf: Uint32Array,
    streams: RandomStreams,
    private readonly options: RolloutOptions,
  ) {
    const n = fleet.count;
    this.state = new Uint8Array(n);
    this.version = new Uint8Array(n);
    this.goal = new Uint8Array(n);
    this.waveOf = new Uint8Array(n).fill(NO_WAVE);
    this.remainingBits = new Float64Array(n);
    this.transfer = new Int32Array(n).fill(-1);
    this.installEvent = new Float64Array(n).fill(-1);
    this.failureEvent = new Float64Array(n).fill(-1);
    this.failedOnToS = new Float64Array(n).fill(Number.NaN);
    this.downloadedTo = new Uint8Array(n);
    this.touched = new Uint8Array(n);
    this.failedHere = new Uint8Array(n);
    this.listed = new Uint8Array(n);
    this.running = [n, 0];
    this.order = wavePermutation(n, streams.stream('rollout-waves'));
    this.bounds = waveBounds(options.waves, n);
    this.log = new WaveLog(options.waves, this.bounds);
    this.failureClock = [failureClock(fleet, streams, 0), failureClock(fleet, streams, 1)];
  }

  /** Schedules the first wave, the window openings and the old version's failures; call once. */
  start(): void {
    const { hazardPerS, horizonS, windows } = this.options;
    for (let d = 0; d < this.fleet.count; d++)
      if (hazardPerS[FROM][this.fleet.groupOf[d]!]! > 0) this.armFailure(d, FROM);
    for (const t of windowOpenings(windows, horizonS))
      this.sim.scheduleAt(t, this.windowOpens, Priority.normal);
    this.sim.scheduleAt(0, this.startWave, Priority.normal, 0);
  }

  /** The version device `d` runs now (0 = from, 1 = to). */
  versionOf(d: number): number {
    return this.version[d]!;
  }

  deviceDown(d: number): void {
    const state = this.state[d]!;
    if (state === DeviceState.downloading && this.transfers.isMoving(this.transfer[d]!)) {
      this.moved(d, this.transfers.abort(this.transfer[d]!));
      this.transfer[d] = -1;
      this.state[d] = DeviceState.waiting;
      this.interrupted++;
    } else if (state === DeviceState.installing) {
      this.sim.cancel(this.installEvent[d]! as EventId);
      this.installEvent[d] = -1;
      this.fleet.setBusy(d, false);
      this.state[d] = DeviceState.waiting;
    }
  }

  deviceUp(d: number): void {
    this.tryStart(d);
  }

  // --- waves and gates -------------------------------------------------------

  private readonly startWave = (k: number): void => {
    if (this.stopped) return;
    const { blocked, downloadBits, soakS, horizonS } = this.options;
    const first = k === 0 ? 0 : this.bounds[k - 1]!;
    this.log.started(k, this.sim.now);
    for (let i = first; i < this.bounds[k]!; i++) {
      const d = this.order[i]!;
      this.waveOf[d] = k;
      if (blocked[this.fleet.groupOf[d]!] === 1) {
        this.state[d] = DeviceState.blocked;
        this.log.blocked[k]!++;
        continue;
      }
      this.goal[d] = TO;
      this.remainingBits[d] = downloadBits[TO];
      this.state[d] = DeviceState.waiting;
      this.tryStart(d);
    }
    if (this.sim.now + soakS <= horizonS) this.sim.schedule(soakS, this.gate, Priority.late, k);
  };

  /** The end of wave k's soak: its failure rate against the bound, then the next wave. */
  private readonly gate = (k: number): void => {
    let updated = 0;
    let failed = 0;
    const first = k === 0 ? 0 : this.bounds[k - 1]!;
    for (let i = first; i < this.bounds[k]!; i++) {
      const d = this.order[i]!;
      if (this.version[d] !== TO) continue;
      updated++;
      if (this.failedOnToS[d]! <= this.sim.now) failed++;
    }
    const rate = updated === 0 ? 0 : failed / updated;
    const gate = this.options.gate;
    const outcome =
      gate === null || rate <= gate.maxFailureRate
        ? GateOutcome.passed
        : gate.action === 'pause'
          ? GateOutcome.paused
          : GateOutcome.rolledBack;
    this.log.gated(k, this.sim.now, updated, failed, rate, outcome);
    if (outcome !== GateOutcome.passed) this.stop(k, outcome === GateOutcome.rolledBack);
    else if (k + 1 < this.bounds.length) this.startWave(k + 1);
  };

  /** Stops the rollout after wave k: pending downloads of `to` end; with rollback, wave k goes back. */
  private stop(k: number, rollback: boolean): void {
    this.stopped = true;
    for (let i = 0; i < this.bounds[k]!; i++) {
      const d = this.order[i]!;
      const state = this.state[d]!;
      if (state === DeviceState.downloading && this.transfers.isMoving(this.transfer[d]!)) {
        this.moved(d, this.transfers.abort(this.transfer[d]!));
        this.transfer[d] = -1;
        this.state[d] = DeviceState.cancelled;
      } else if (state === DeviceState.waiting) {
        this.state[d] = DeviceState.cancelled;
      } else if (rollback && state === DeviceState.done && this.waveOf[d] === k) {
        this.rollBack(d);
      }
    }
  }

  private rollBack(d: number): void {
    this.goal[d] = FROM;
    this.remainingBits[d] = this.options.downloadBits[FROM];
    this.state[d] = DeviceState.waiting;
    this.tryStart(d);
  }

  // --- downloads and installs -------------------------------------------------

  private readonly windowOpens = (): void => {
    const list = this.waiting;
    this.waiting = [];
    for (const d of list) {
      this.listed[d] = 0;
      this.tryStart(d);
    }
  };

  /** Moves a waiting device on: install what it has, or download, or wait for a window. */
  private tryStart(d: number): void {
    if (this.state[d] !== DeviceState.waiting || !this.fleet.isOnline(d)) return;
    if (this.remainingBits[d]! <= 0) {
      this.beginInstall(d);
    } else if (windowOpen(this.options.windows, this.sim.now)) {
      this.state[d] = DeviceState.downloading;
      this.touched[d] = 1;
      const leadS = this.cells[this.cellOf[d]!]!.rttS; // the request for the image
      this.transfer[d] = this.transfers.start(
        d,
        DOWN,
        this.remainingBits[d]!,
        this.downloaded,
        d,
        leadS,
        this.options.cappedDownloads === true,
      );
    } else if (this.listed[d] === 0) {
      this.listed[d] = 1;
      this.waiting.push(d);
    }
  }

  private readonly downloaded = (d: number): void => {
    this.transfer[d] = -1;
    this.moved(d, this.remainingBits[d]!);
    this.remainingBits[d] = 0;
    if (this.goal[d] === TO) this.downloadedTo[d] = 1;
    if (this.fleet.isOnline(d)) this.beginInstall(d);
    else this.state[d] = DeviceState.waiting; // its radio's settling took it down
  };

  private beginInstall(d: number): void {
    const g = this.fleet.groupOf[d]!;
    this.state[d] = DeviceState.installing;
    this.fleet.setBusy(d, true);
    const installS = this.options.installS[this.goal[d]!]![g]!;
    this.installEvent[d] = this.sim.schedule(installS, this.installed, Priority.normal, d);
  }

  private readonly installed = (d: number): void => {
    const g = this.fleet.groupOf[d]!;
    const goal = this.goal[d]!;
    this.installEvent[d] = -1;
    this.fleet.setBusy(d, false);
    const profile = this.fleet.groups[g]!.profile;
    this.installEnergyJ += (profile.activeW - profile.idleW) * this.options.installS[goal]![g]!;
    this.state[d] = DeviceState.done;
    this.setVersion(d, goal);
    const k = this.waveOf[d]!;
    if (goal === TO) {
      this.log.installed(k, this.sim.now);
      if (this.log.rolledBack(k)) this.rollBack(d);
    }
  };

  private setVersion(d: number, v: number): void {
    const old = this.version[d]!;
    if (old === v) return;
    this.running[old as 0 | 1]--;
    this.running[v as 0 | 1]++;
    this.version[d] = v;
    this.failedHere[d] = 0;
    if (this.failureEvent[d]! >= 0) this.sim.cancel(this.failureEvent[d]! as EventId);
    this.failureEvent[d] = -1;
    this.armFailure(d, v);
    if (v === TO) this.log.covered(this.running[TO], this.fleet.count, this.sim.now);
    this.onVersion?.(d, v);
  }

  // --- failures ------------------------------------------------------------------

  private armFailure(d: number, v: number): void {
    const hazard = this.options.hazardPerS[v as 0 | 1][this.fleet.groupOf[d]!]!;
    if (!(hazard > 0)) return;
    const afterS = hazard === Number.POSITIVE_INFINITY ? 0 : this.failureClock[v]![d]! / hazard;
    if (this.sim.now + afterS > this.options.horizonS) return;
    this.failureEvent[d] = this.sim.schedule(afterS, this.failed, Priority.normal, d);
  }

  private readonly failed = (d: number): void => {
    this.failureEvent[d] = -1;
    this.recordFailure(d);
    this.onFailure?.(d, this.version[d]!);
  };

  /**
   * Counts device `d` as failed on the version it runs now, once per
   * install: its failure clock does this, and so does an inference run for
   * a request that failed on it (the gate counts it either way).
   */
  recordFailure(d: number): void {
    if (this.failedHere[d] === 1) return;
    this.failedHere[d] = 1;
    const v = this.version[d]!;
    this.failures[v as 0 | 1]++;
    if (v === TO && Number.isNaN(this.failedOnToS[d]!)) this.failedOnToS[d] = this.sim.now;
  }

  private moved(d: number, bits: number): void {
    this.bytesMoved += bits / 8;
    const k = this.waveOf[d]!;
    if (k !== NO_WAVE) this.log.bytes[k]! += bits / 8;
  }
}

/**
 * Each device's Exp(1) failure clock for version v, drawn in device order
 * from one stream per group and version (`rollout-failure`, `v/<group>`):
 * a device's draw depends on its group and index alone, whatever the
 * waves, windows or gate do (common random numbers).
 */
function failureClock(fleet: Fleet, streams: RandomStreams, v: number): Float64Array {
  const clock = new Float64Array(fleet.count);
  for (const group of fleet.groups) {
    const stream = streams.stream('rollout-failure', `${v}/${group.spec.name}`);
    for (let i = 0; i < group.spec.count; i++) clock[group.first + i] = stream.exponential(1);
  }
  return clock;
}
