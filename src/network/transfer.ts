/**
 * The one way bytes move between a device and the network: every workload
 * (inference requests and responses, model downloads, federated rounds) sends
 * its data through {@link Transfers}, so the same device on the same cell pays
 * the same time and energy for the same bytes whoever moves them.
 *
 * A transfer of `bits` (payload) by device d:
 * 1. asks d's radio to transfer; an IDLE radio is promoted first (the wait the
 *    radio returns);
 * 2. waits `leadS`, the round trips before the first byte (a request the data
 *    answers, a handshake). **The radio rule:** the radio is active only
 *    while data moves; a wait for a round trip moves none, so the radio spends
 *    it in its tail (and, past the tail, back in IDLE, to be promoted again).
 *    After Huang et al., MobiSys 2012: power in a transfer is
 *    alpha_u tput_u + alpha_d tput_d + beta, and the radio leaves that state
 *    for the tail when no data flows; their tail timer is what keeps the radio
 *    powered through the gaps between request and response. The one-way trip
 *    after the last byte (to the server, back to the device) is the caller's
 *    delay, likewise spent in the tail;
 * 3. moves `bits x 1/(1 - loss)` over the cell's shared link (processor
 *    sharing), or, where the technology has a regulatory duty cycle
 *    (LoRaWAN), holds the channel for the airtime and then stays silent for
 *    airtime x (1/dutyCycle - 1): per device on the uplink, per cell (its
 *    gateway) on the downlink (ETSI EN 300 220 limits each transmitter).
 *    A `capped` transfer joins its link's capped class (update traffic, at
 *    most the link's class cap in all; see ProcessorSharing.setClassCap); a
 *    duty-cycled channel holds its airtime whatever the class;
 * 4. charges the radio for the payload bits and calls `onDone(arg)`.
 *
 * A transfer can be aborted at any point (its device went down, a deadline
 * passed): its radio is charged for the bits that had moved, which abort
 * returns; the caller restarts it, or resumes it by starting the bits left.
 * Records live in typed arrays indexed by handle, with each device's
 * transfers in a list threaded through them: the hot path allocates nothing.
 */

import type { EventId } from '../engine/event-queue.js';
import type { Flow } from '../engine/processor-sharing.js';
import { Priority, type Simulation } from '../engine/simulation.js';
import { grownArray, type StateArray } from '../engine/typed-arrays.js';
import type { Cell } from './cells.js';

/** Directions of a transfer: from the device (UP) or to it (DOWN). */
export const UP = 0;
export const DOWN = 1;
export type Direction = typeof UP | typeof DOWN;

/** What a transfer needs of a device's radio (the fleet's radio meter). */
export interface TransferRadio {
  /** Counts a transfer as active from `nowS`; returns the seconds until data can flow. */
  beginTransfer(nowS: number): number;
  /** Ends a transfer that moved `bitsUp` and `bitsDown` payload bits. */
  endTransfer(nowS: number, bitsUp: number, bitsDown: number): void;
}

/** What transfers need of the fleet: each device's radio, and settling its battery after one. */
export interface TransferDevices {
  radio(d: number): TransferRadio;
  /** Charges the device's battery for its radio so far (may take the device down). */
  settleRadio(d: number): void;
}

/** Called with the transfer's `arg` when its last bit has arrived. */
export type TransferDone = (arg: number) => void;

const NONE = -1;
// What a transfer is doing, so abort knows what to undo.
const PROMOTING = 0; // radio asked; waiting for the promotion (pending event)
const LEAD = 1; // radio in its tail; waiting out the lead (pending event)
const QUEUED = 2; // duty cycle: waiting for the channel (pending event, radio not asked yet)
const AIRTIME = 3; // duty cycle: radio asked; holding the channel (pending event)
const FLOWING = 4; // radio active; a flow on the link
const FINISHING = 5; // the last bit arrived; settling the radio and calling onDone

/**
 * Transfers under way in one run. Handles are small integers, valid from
 * {@link start} until the transfer's `onDone` has returned or it is aborted.
 */
export class Transfers {
  private device = new Int32Array(64);
  private direction = new Uint8Array(64);
  private capped = new Uint8Array(64);
  private phase = new Uint8Array(64);
  private bits = new Float64Array(64);
  private leadS = new Float64Array(64);
  private startedS = new Float64Array(64);
  private pending = new Float64Array(64);
  private arg = new Float64Array(64);
  private next = new Int32Array(64);
  private previous = new Int32Array(64);
  private onDone: (TransferDone | undefined)[] = [];
  private flows: (Flow | undefined)[] = [];
  private free: number[] = [];
  private used = 0;
  private readonly first: Int32Array;
  private readonly last: Int32Array;
  /** When each device's uplink, and each cell's downlink, may next transmit (duty cycle), s. */
  private readonly nextUplinkS: Float64Array;
  private readonly nextDownlinkS: Float64Array;

  constructor(
    private readonly sim: Simulation,
    private readonly devices: TransferDevices,
    private readonly cells: readonly Cell[],
    private readonly cellOf: Uint32Array,
  ) {
    this.first = new Int32Array(cellOf.length).fill(NONE);
    this.last = new Int32Array(cellOf.length).fill(NONE);
    this.nextUplinkS = new Float64Array(cellOf.length);
    this.nextDownlinkS = new Float64Array(cells.length);
  }

  /**
   * Starts moving `bits` of payload between device `d` and the network;
   * `onDone(arg)` runs when the last bit has arrived. `leadS` (s, >= 0) is
   * spent before the first bit, the radio in its tail. A `capped` transfer
   * moves in the capped class of its direction's link. Returns the handle.
   */
  start(
    d: number,
    direction: Direction,
    bits: number,
    onDone: TransferDone,
    arg: number,
    leadS = 0,
    capped = false,
  ): number {
    const t = this.allocate();
    this.device[t] = d;
    this.direction[t] = direction;
    this.capped[t] = capped ? 1 : 0;
    this.bits[t] = bits;
    this.leadS[t] = leadS;
    this.startedS[t] = this.sim.now;
    this.arg[t] = arg;
    this.onDone[t] = onDone;
    this.link(t, d);
    if (this.cells[this.cellOf[d]!]!.dutyCycle < 1) this.queueForChannel(t, leadS);
    else this.askRadio(t, leadS > 0 ? this.endPromotion : this.beginFlow);
    return t;
  }

  /** Seconds since the transfer started (its promotion and lead included). */
  elapsedS(t: number): number {
    return this.sim.now - this.startedS[t]!;
  }

  /** True from {@link start} until the last bit has arrived (false once it is finishing or ended). */
  isMoving(t: number): boolean {
    return this.phase[t]! < FINISHING;
  }

  /**
   * Stops transfer `t` now, charging its radio for the payload bits that had
   * moved, which it returns; `onDone` is not called. A finishing transfer
   * (its last bit in) is left to finish and 0 is returned.
   */
  abort(t: number): number {
    if (this.phase[t] === FINISHING) return 0;
    const phase = this.phase[t]!;
    const d = this.device[t]!;
    let movedBits = 0;
    if (phase === FLOWING) {
      movedBits = this.flows[t]!.abort() / this.cells[this.cellOf[d]!]!.airBitsPerBit;
    } else {
      this.sim.cancel(this.pending[t]! as EventId);
    }
    if (phase === PROMOTING || phase === AIRTIME || phase === FLOWING) {
      const up = this.direction[t] === UP;
      this.devices.radio(d).endTransfer(this.sim.now, up ? movedBits : 0, up ? 0 : movedBits);
    }
    this.release(t);
    return movedBits;
  }

  /**
   * Aborts every transfer of device `d`, oldest first, telling `aborted` of
   * each one's `arg` and the payload bits it had moved.
   */
  abortAll(d: number, aborted: (arg: number, movedBits: number) => void): void {
    for (let t = this.first[d]!; t !== NONE; ) {
      const after = this.next[t]!;
      const arg = this.arg[t]!;
      if (this.phase[t] !== FINISHING) aborted(arg, this.abort(t));
      t = after;
    }
  }

  // --- the stages of a transfer --------------------------------------------

  private askRadio(t: number, then: (t: number) => void): void {
    const waitS = this.devices.radio(this.device[t]!).beginTransfer(this.sim.now);
    this.phase[t] = PROMOTING;
    if (waitS > 0) this.pending[t] = this.sim.schedule(waitS, then, Priority.normal, t);
    else then(t);
  }

  /** Promoted: the radio waits out the lead in its tail. */
  private readonly endPromotion = (t: number): void => {
    this.devices.radio(this.device[t]!).endTransfer(this.sim.now, 0, 0);
    this.phase[t] = LEAD;
    this.pending[t] = this.sim.schedule(this.leadS[t]!, this.endLead, Priority.normal, t);
  };

  private readonly endLead = (t: number): void => this.askRadio(t, this.beginFlow);

  private readonly beginFlow = (t: number): void => {
    const cell = this.cells[this.cellOf[this.device[t]!]!]!;
    const link = this.direction[t] === UP ? cell.uplink : cell.downlink;
    this.phase[t] = FLOWING;
    this.pending[t] = NONE;
    const bits = this.bits[t]! * cell.airBitsPerBit;
    this.flows[t] = link.start(bits, this.arrived, t, this.capped[t] === 1);
  };

  /** A duty-cycled channel: wait for the transmitter's next slot (after the lead), then hold it. */
  private queueForChannel(t: number, leadS: number): void {
    const d = this.device[t]!;
    const c = this.cellOf[d]!;
    const cell = this.cells[c]!;
    const up = this.direction[t] === UP;
    const link = up ? cell.uplink : cell.downlink;
    const airtimeS = (this.bits[t]! * cell.airBitsPerBit) / link.capacity;
    const nextFree = up ? this.nextUplinkS : this.nextDownlinkS;
    const index = up ? d : c;
    const startS = Math.max(this.sim.now + leadS, nextFree[index]!);
    nextFree[index] = startS + airtimeS / cell.dutyCycle;
    this.phase[t] = QUEUED;
    this.pending[t] = this.sim.scheduleAt(startS, this.beginAirtime, Priority.normal, t);
  }

  private readonly beginAirtime = (t: number): void => {
    const cell = this.cells[this.cellOf[this.device[t]!]!]!;
    const link = this.direction[t] === UP ? cell.uplink : cell.downlink;
    const airtimeS = (this.bits[t]! * cell.airBitsPerBit) / link.capacity;
    const waitS = this.devices.radio(this.device[t]!).beginTransfer(this.sim.now);
    this.phase[t] = AIRTIME;
    this.pending[t] = this.sim.schedule(waitS + airtimeS, this.arrived, Priority.normal, t);
  };

  private readonly arrived = (t: number): void => {
    const d = this.device[t]!;
    const bits = this.bits[t]!;
    const up = this.direction[t] === UP;
    this.phase[t] = FINISHING;
    this.flows[t] = undefined;
    this.pending[t] = NONE;
    this.unlink(t, d);
    this.devices.radio(d).endTransfer(this.sim.now, up ? bits : 0, up ? 0 : bits);
    this.devices.settleRadio(d);
    const onDone = this.onDone[t]!;
    const arg = this.arg[t]!;
    this.release(t);
    onDone(arg);
  };

  // --- records --------------------------------------------------------------

  private allocate(): number {
    const t = this.free.length > 0 ? this.free.pop()! : this.used++;
    if (t >= this.device.length) this.grow();
    return t;
  }

  private release(t: number): void {
    if (this.phase[t] !== FINISHING) this.unlink(t, this.device[t]!);
    this.phase[t] = FINISHING;
    this.flows[t] = undefined;
    this.onDone[t] = undefined;
    this.free.push(t);
  }

  private link(t: number, d: number): void {
    const tail = this.last[d]!;
    this.previous[t] = tail;
    this.next[t] = NONE;
    if (tail === NONE) this.first[d] = t;
    else this.next[tail] = t;
    this.last[d] = t;
  }

  private unlink(t: number, d: number): void {
    const before = this.previous[t]!;
    const after = this.next[t]!;
    if (before === NONE) this.first[d] = after;
    else this.next[before] = after;
    if (after === NONE) this.last[d] = before;
    else this.previous[after] = before;
  }

  private grow(): void {
    const size = this.device.length * 2;
    const grown = <T extends StateArray>(a: T): T => grownArray(a, size);
    this.device = grown(this.device);
    this.direction = grown(this.direction);
    this.capped = grown(this.capped);
    this.phase = grown(this.phase);
    this.bits = grown(this.bits);
    this.leadS = grown(this.leadS);
    this.startedS = grown(this.startedS);
    this.pending = grown(this.pending);
    this.arg = grown(this.arg);
    this.next = grown(this.next);
    this.previous = grown(this.previous);
  }
}
