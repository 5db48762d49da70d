import { DeviceEnergy, PowerState } from '../energy/device-energy.js';
import { RADIO_MODELS, RadioMeter, type RadioModel, type RadioModels } from '../energy/radio.js';
import { lognormalFromMean } from '../engine/distributions.js';
import type { EventId } from '../engine/event-queue.js';
import type { RandomStreams } from '../engine/random.js';
import { Priority, type Simulation } from '../engine/simulation.js';
import { availabilityProcess, failureProcess, type OnOffProcess } from './availability.js';
import type { HardwareProfile } from './profiles.js';
import type { DeviceClassSpec } from './spec.js';

/** A battery's first event is set this far (as a fraction) towards the moment it empties at the present draw. */
const EARLY_FRACTION = 0.9;

/** Why a device is offline; a device may be down for several reasons at once. */
export const DownReason = { unavailable: 1, failed: 2, batteryEmpty: 4 } as const;
export type DownReason = (typeof DownReason)[keyof typeof DownReason];

/** A device group with its profile resolved. */
export interface FleetGroup<Spec extends DeviceClassSpec = DeviceClassSpec> {
  spec: Spec;
  profile: HardwareProfile;
  /** Index of the first device of the group. */
  first: number;
}

/** What the workload does when a device goes down or comes back. */
export interface FleetListener {
  /** Called before the device powers off: abort what it was doing. */
  deviceDown(d: number): void;
  deviceUp(d: number): void;
}

/**
 * The devices of a scenario, in struct-of-arrays form. Each device draws its
 * own throughput factor (lognormal, mean 1) around its class, goes up and down
 * with its availability model, fails and is repaired (MTBF/MTTR), and drains
 * its battery, going offline when it is empty until its charging window.
 * Its radio draws `options.radio`'s model for its technology (default
 * {@link RADIO_MODELS}).
 *
 * Every device draws from its own streams keyed by its id (`group/index`),
 * so nothing a workload or policy does shifts a device's spread or outages.
 */
export class Fleet {
  readonly count: number;
  readonly groupOf: Uint16Array;
  readonly throughputFactor: Float64Array;
  readonly energy: DeviceEnergy;
  readonly downMask: Uint8Array;
  readonly batteryEmptyCount: Uint32Array;
  /** Times each device went down, for any reason. */
  readonly outageCount: Uint32Array;
  /** Remaining battery energy, J (NaN for mains-powered devices). */
  readonly batteryJ: Float64Array;
  private readonly batteryCapacityJ: Float64Array;
  private readonly radioSettledJ: Float64Array;
  private readonly emptyEvent: Float64Array;
  /** When each pending battery event fires, s. */
  private readonly emptyAtS: Float64Array;
  private readonly charging: Uint8Array;
  private readonly radios: (RadioMeter | undefined)[];
  /** Each group's radio model. */
  private readonly radioModels: readonly RadioModel[];
  /** Radio idle energy of each device before its meter was created, J. */
  private readonly radioBeforeMeterJ: Float64Array;
  private listener: FleetListener | undefined;

  constructor(
    private readonly sim: Simulation,
    streams: RandomStreams,
    readonly groups: readonly FleetGroup[],
    options: { baseDir?: string; radio?: RadioModels } = {},
  ) {
    const count = groups.reduce((n, g) => n + g.spec.count, 0);
    this.count = count;
    this.groupOf = new Uint16Array(count);
    this.throughputFactor = new Float64Array(count);
    this.downMask = new Uint8Array(count);
    this.batteryEmptyCount = new Uint32Array(count);
    this.outageCount = new Uint32Array(count);
    this.batteryJ = new Float64Array(count).fill(Number.NaN);
    this.batteryCapacityJ = new Float64Array(count);
    this.radioSettledJ = new Float64Array(count);
    this.emptyEvent = new Float64Array(count).fill(-1);
    this.emptyAtS = new Float64Array(count);
    this.charging = new Uint8Array(groups.length);
    this.radios = new Array(count);
    const radio = options.radio ?? RADIO_MODELS;
    this.radioModels = groups.map((g) => radio[g.spec.network.technology]);
    this.radioBeforeMeterJ = new Float64Array(count);
    const idleW = new Float64Array(count);
    const activeW = new Float64Array(count);
    groups.forEach((group, g) => {
      const spread = lognormalFromMean(1, group.spec.spread.throughputCv);
      for (let i = 0; i < group.spec.count; i++) {
        const d = group.first + i;
        this.groupOf[d] = g;
        idleW[d] = group.profile.idleW;
        activeW[d] = group.profile.activeW;
        this.throughputFactor[d] = spread.sample(streams.stream('spread', deviceKey(group, i)));
      }
    });
    this.energy = new DeviceEnergy(count, idleW, activeW);
    groups.forEach((group, g) => {
      this.startGroup(group, g, streams, options.baseDir);
    });
  }

  /** Registers the workload's reactions to devices going down and up. */
  listen(listener: FleetListener): void {
    this.listener = listener;
  }

  /** True when device `d` is up. */
  isOnline(d: number): boolean {
    return this.downMask[d] === 0;
  }

  /** True while device `d`'s group's charging window is open. */
  isCharging(d: number): boolean {
    return this.charging[this.groupOf[d]!] === 1;
  }

  /** Device `d`'s radio meter (created on first use). */
  radio(d: number): RadioMeter {
    let meter = this.radios[d];
    if (meter === undefined) {
      // Until now the radio idled whenever the device was on.
      this.energy.settle(d, this.sim.now);
      this.radioBeforeMeterJ[d] = this.radioModel(d).idleW * this.onTimeS(d);
      meter = new RadioMeter(this.radioModel(d), this.sim.now);
      if (!this.isOnline(d)) meter.powerOff(this.sim.now);
      this.radios[d] = meter;
    }
    return meter;
  }

  /** Device `d` starts (busy) or stops (idle) computing. */
  setBusy(d: number, busy: boolean): void {
    this.drain(d, this.energy.setState(d, busy ? PowerState.busy : PowerState.idle, this.sim.now));
  }

  /** Charges radio energy spent since the last call to the battery (call after transfers). */
  settleRadio(d: number): void {
    if (this.batteryCapacityJ[d] === 0) return; // nothing to charge it to
    this.drain(d, this.energy.settle(d, this.sim.now));
  }

  /** Radio energy of device `d` up to now, J (its idle draw included). */
  radioEnergyJ(d: number): number {
    const meter = this.radios[d];
    if (meter !== undefined) return this.radioBeforeMeterJ[d]! + meter.totalJ(this.sim.now);
    this.energy.settle(d, this.sim.now);
    return this.radioModel(d).idleW * this.onTimeS(d);
  }

  /** Time device `d` has been on so far (as of its last settlement), s. */
  onTimeS(d: number): number {
    return this.energy.idleS[d]! + this.energy.busyS[d]!;
  }

  private radioModel(d: number): RadioModel {
    return this.radioModels[this.groupOf[d]!]!;
  }

  /** Settles every meter at the end of the run. */
  finish(): void {
    for (let d = 0; d < this.count; d++) this.drain(d, this.energy.settle(d, this.sim.now));
  }

  /**
   * Subtracts energy spent from the battery (or adds charge in the window);
   * takes the device down when empty. `exactNext`: see {@link armEmptyEvent}.
   */
  private drain(d: number, computeAndIdleJ: number, exactNext = false): void {
    const capacity = this.batteryCapacityJ[d]!;
    if (capacity === 0) return;
    const radioJ = this.radioEnergyJ(d);
    const spentJ = computeAndIdleJ + radioJ - this.radioSettledJ[d]!;
    this.radioSettledJ[d] = radioJ;
    if (this.charging[this.groupOf[d]!] === 0) this.batteryJ[d]! -= spentJ;
    // Below a microjoule counts as empty: the remainder is floating-point residue.
    if (this.batteryJ[d]! <= 1e-6 && (this.downMask[d]! & DownReason.batteryEmpty) === 0) {
      this.batteryJ[d] = 0;
      this.batteryEmptyCount[d]!++;
      this.setDown(d, DownReason.batteryEmpty, true);
      return;
    }
    this.armEmptyEvent(d, exactNext);
  }

  /**
   * Keeps an event pending no later than the moment device `d`'s battery
   * empties at the present draw (the radio idles whenever the device is on;
   * transfer energy is charged as transfers end, so the moment is exact
   * unless a transfer is under way). Each transfer's energy moves that moment
   * a little earlier; rather than reschedule after every one, the event is
   * first set {@link EARLY_FRACTION} of the way there and kept while it is
   * still in time. When it fires the battery is settled and, with `exact`,
   * the exact moment at the draw then is armed. So a battery far from empty
   * costs no event per transfer, and one that empties goes down on time.
   */
  private armEmptyEvent(d: number, exact = false): void {
    if (this.batteryCapacityJ[d] === 0) return;
    const pending = this.emptyEvent[d]!;
    const powerW = this.energy.powerW(d) + this.radioModel(d).idleW;
    if (this.downMask[d] !== 0 || this.charging[this.groupOf[d]!] === 1 || powerW <= 0) {
      if (pending >= 0) this.sim.cancel(pending as EventId);
      this.emptyEvent[d] = -1;
      return;
    }
    const emptyInS = Math.max(0, this.batteryJ[d]! / powerW);
    const now = this.sim.now;
    if (pending >= 0) {
      if (this.emptyAtS[d]! <= now + emptyInS) return;
      this.sim.cancel(pending as EventId);
    }
    const inS = exact ? emptyInS : EARLY_FRACTION * emptyInS;
    this.emptyAtS[d] = now + inS;
    this.emptyEvent[d] = this.sim.schedule(inS, this.onEmpty, Priority.normal, d);
  }

  /** The battery of device `d` may be empty: settle it (which takes the device down if so). */
  private readonly onEmpty = (d: number): void => {
    this.emptyEvent[d] = -1;
    this.drain(d, this.energy.settle(d, this.sim.now), true);
  };

  private setDown(d: number, reason: DownReason, down: boolean): void {
    const before = this.downMask[d]!;
    const after = down ? before | reason : before & ~reason;
    if (before === after) return;
    const now = this.sim.now;
    if (before === 0) {
      this.outageCount[d]!++;
      this.listener?.deviceDown(d);
      const spentJ = this.energy.setState(d, PowerState.off, now);
      this.radios[d]?.powerOff(now);
      this.downMask[d] = after;
      if (reason !== DownReason.batteryEmpty) this.drain(d, spentJ);
    } else if (after === 0) {
      this.energy.setState(d, PowerState.idle, now);
      this.radios[d]?.powerOn(now);
      this.downMask[d] = 0;
      this.armEmptyEvent(d);
      this.listener?.deviceUp(d);
    } else {
      this.downMask[d] = after;
    }
  }

  private startGroup(
    group: FleetGroup,
    g: number,
    streams: RandomStreams,
    baseDir: string | undefined,
  ): void {
    const spec = group.spec;
    for (let i = 0; i < spec.count; i++) {
      const d = group.first + i;
      const key = deviceKey(group, i);
      this.follow(
        d,
        DownReason.unavailable,
        availabilityProcess(spec.availability, streams.stream('availability', key), { baseDir }),
      );
      if (spec.failures)
        this.follow(
          d,
          DownReason.failed,
          failureProcess(spec.failures, streams.stream('failures', key)),
        );
    }
    const capacityJ = group.profile.batteryJ;
    if (spec.battery === undefined || capacityJ === undefined) return;
    for (let i = 0; i < spec.count; i++) {
      const d = group.first + i;
      this.batteryCapacityJ[d] = capacityJ;
      this.batteryJ[d] = capacityJ * spec.battery.initialCharge;
      if (this.batteryJ[d] === 0) this.setDown(d, DownReason.batteryEmpty, true);
      else this.armEmptyEvent(d);
    }
    const window = spec.battery.charging;
    if (window)
      this.scheduleCharging(group, g, window.startHour * 3600, window.hours * 3600, window.power);
  }

  /** Follows an on/off process for one down reason. */
  private follow(d: number, reason: DownReason, process: OnOffProcess): void {
    let on = process.initiallyOn;
    if (!on) this.setDown(d, reason, true);
    const toggle = (): void => {
      on = !on;
      this.setDown(d, reason, !on);
      const next = process.nextChange(this.sim.now);
      if (next !== Number.POSITIVE_INFINITY) this.sim.scheduleAt(next, toggle);
    };
    const first = process.nextChange(0);
    if (first !== Number.POSITIVE_INFINITY) this.sim.scheduleAt(first, toggle);
  }

  /** Opens and closes the group's daily charging window; batteries fill at `powerW` meanwhile. */
  private scheduleCharging(
    group: FleetGroup,
    g: number,
    startS: number,
    lengthS: number,
    powerW: number,
  ): void {
    const devices = Array.from({ length: group.spec.count }, (_, i) => group.first + i);
    let openedS = 0;
    const open = (): void => {
      for (const d of devices) this.drain(d, this.energy.settle(d, this.sim.now));
      this.charging[g] = 1;
      openedS = this.sim.now;
      for (const d of devices) {
        this.armEmptyEvent(d);
        if ((this.downMask[d]! & DownReason.batteryEmpty) !== 0)
          this.setDown(d, DownReason.batteryEmpty, false);
      }
      this.sim.schedule(lengthS, close);
    };
    const close = (): void => {
      const chargedJ = powerW * (this.sim.now - openedS);
      for (const d of devices) {
        // Charge first: the device ran from the charger, so the window's draw is not subtracted.
        this.batteryJ[d] = Math.min(this.batteryCapacityJ[d]!, this.batteryJ[d]! + chargedJ);
        this.drain(d, this.energy.settle(d, this.sim.now));
      }
      this.charging[g] = 0;
      for (const d of devices) this.armEmptyEvent(d);
      this.sim.schedule(86_400 - lengthS, open);
    };
    this.sim.scheduleAt(startS % 86_400, open);
  }
}

/** A device's stable id: its group's name and its index in the group. */
export function deviceKey(group: FleetGroup, index: number): string {
  return `${group.spec.name}/${index}`;
}
