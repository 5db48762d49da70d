/**
 * Radio energy as a state machine with exact accounting, after Huang et al.,
 * "A Close Examination of Performance and Power Characteristics of 4G LTE
 * Networks", MobiSys 2012 (as implemented by AT&T's ARO).
 *
 * While data flows the radio draws alpha_u * tput_u + alpha_d * tput_d + beta.
 * Throughput integrated over time is bits moved, so a transfer period costs
 * exactly alpha_u * bitsUp + alpha_d * bitsDown + beta * (time with at least
 * one transfer active), however flows share the link and whatever their rates.
 */
import type { RadioModel } from './radio-models.js';

export type { RadioModel, RadioTechnology } from './radio-models.js';
export { RADIO_MODELS } from './radio-models.js';

/** Radio energy by state (J); `totalJ` is the sum of the other four. */
export interface RadioEnergyJ {
  idleJ: number;
  promotionJ: number;
  /** `betaW` over the transfer time plus the alpha terms of every ended transfer. */
  transferJ: number;
  tailJ: number;
  totalJ: number;
}

/** Time spent in each radio state (s); the five sum to the time observed. */
export interface RadioStateTimesS {
  idleS: number;
  promotionS: number;
  transferS: number;
  tailS: number;
  offS: number;
}

type RadioState = 'idle' | 'promotion' | 'transfer' | 'tail' | 'off';

const MODEL_NUMBERS = [
  'promotionS',
  'promotionW',
  'alphaUpJPerBit',
  'alphaDownJPerBit',
  'betaW',
  'tailS',
  'tailW',
  'idleW',
] as const;

/**
 * Meters one device's radio. States: IDLE; PROMOTION (data requested while
 * IDLE waits `promotionS`); TRANSFER (at least one transfer active); TAIL
 * (`tailS` after the last transfer ends, then IDLE; a transfer requested in
 * the tail starts at once and ends it); OFF (device offline, 0 W).
 *
 * Accounting is lazy: each call first settles the time since the previous
 * call, so calls must come in non-decreasing time. Alpha energy is charged
 * when a transfer ends, since only then are its bits known.
 */
export class RadioMeter {
  private state: RadioState = 'idle';
  private lastS: number;
  private promotionEndS = 0;
  private tailEndS = 0;
  private activeTransfers = 0;
  private alphaJ = 0;
  private readonly times: RadioStateTimesS = {
    idleS: 0,
    promotionS: 0,
    transferS: 0,
    tailS: 0,
    offS: 0,
  };

  /** Starts metering at `startS` (s) with the radio IDLE. */
  constructor(
    readonly model: RadioModel,
    startS = 0,
  ) {
    for (const key of MODEL_NUMBERS) {
      const value = model[key];
      if (!(value >= 0) || !Number.isFinite(value)) {
        throw new RangeError(`model.${key}(=${value}) must be a finite number >= 0`);
      }
    }
    if (!Number.isFinite(startS)) {
      throw new RangeError(`startS(=${startS}) must be a finite number`);
    }
    this.lastS = startS;
  }

  /**
   * The device wants to move data at `nowS`. Counts one transfer as active and
   * returns the seconds until data can flow: the rest of the promotion when
   * the radio is IDLE or promoting, else 0. The caller must end it with
   * {@link endTransfer}. Throws when the radio is OFF.
   */
  beginTransfer(nowS: number): number {
    this.settle(nowS);
    if (this.state === 'off') throw new Error(`beginTransfer at ${nowS} s: the radio is off`);
    this.activeTransfers++;
    switch (this.state) {
      case 'idle':
        if (this.model.promotionS > 0) {
          this.state = 'promotion';
          this.promotionEndS = nowS + this.model.promotionS;
          return this.model.promotionS;
        }
        this.state = 'transfer';
        return 0;
      case 'promotion':
        return this.promotionEndS - nowS;
      case 'tail':
        this.state = 'transfer';
        return 0;
      case 'transfer':
        return 0;
    }
  }

  /**
   * A transfer begun with {@link beginTransfer} ends at `nowS` having moved
   * `bitsUp` and `bitsDown` (for an aborted transfer, the bits actually
   * moved). When it was the last active one the tail starts. A transfer that
   * ends while the radio is still promoting moved no data: its bits must be 0.
   */
  endTransfer(nowS: number, bitsUp: number, bitsDown: number): void {
    checkBits('bitsUp', bitsUp);
    checkBits('bitsDown', bitsDown);
    this.settle(nowS);
    if (this.activeTransfers === 0) {
      throw new Error(`endTransfer at ${nowS} s without an active transfer`);
    }
    if (this.state === 'promotion' && (bitsUp > 0 || bitsDown > 0)) {
      throw new RangeError(
        `endTransfer at ${nowS} s moved bitsUp(=${bitsUp}), bitsDown(=${bitsDown}) ` +
          `before the promotion ends at ${this.promotionEndS} s`,
      );
    }
    this.activeTransfers--;
    this.alphaJ += this.model.alphaUpJPerBit * bitsUp + this.model.alphaDownJPerBit * bitsDown;
    if (this.activeTransfers === 0 && this.state === 'transfer') this.startTail(nowS);
  }

  /** The device goes offline at `nowS`: radio off, any tail or promotion cut. Throws if transfers are active or it is already off. */
  powerOff(nowS: number): void {
    this.settle(nowS);
    if (this.activeTransfers > 0) {
      throw new Error(`powerOff at ${nowS} s with ${this.activeTransfers} active transfer(s)`);
    }
    if (this.state === 'off') throw new Error(`powerOff at ${nowS} s: the radio is already off`);
    this.state = 'off';
  }

  /** The device comes back online at `nowS`, radio IDLE. Throws unless it was off. */
  powerOn(nowS: number): void {
    this.settle(nowS);
    if (this.state !== 'off') throw new Error(`powerOn at ${nowS} s: the radio is not off`);
    this.state = 'idle';
  }

  /** Energy by state from the start to `nowS` (J). Throws a RangeError if `nowS` is earlier than a previous call. */
  energy(nowS: number): RadioEnergyJ {
    const t = this.timeInStates(nowS);
    const m = this.model;
    const idleJ = m.idleW * t.idleS;
    const promotionJ = m.promotionW * t.promotionS;
    const transferJ = m.betaW * t.transferS + this.alphaJ;
    const tailJ = m.tailW * t.tailS;
    return { idleJ, promotionJ, transferJ, tailJ, totalJ: idleJ + promotionJ + transferJ + tailJ };
  }

  /** Seconds in each state from the start to `nowS`. Throws a RangeError if `nowS` is earlier than a previous call. */
  timeInStates(nowS: number): RadioStateTimesS {
    this.settle(nowS);
    return { ...this.times };
  }

  private startTail(nowS: number): void {
    this.state = 'tail';
    this.tailEndS = nowS + this.model.tailS;
  }

  /** Charges the time from the last settled instant to `nowS`, taking the timed transitions on the way. */
  private settle(nowS: number): void {
    if (!(nowS >= this.lastS) || !Number.isFinite(nowS)) {
      throw new RangeError(`nowS(=${nowS}) must be finite and not before ${this.lastS} s`);
    }
    if (this.state === 'promotion' && this.promotionEndS <= nowS) {
      this.charge(this.promotionEndS);
      if (this.activeTransfers > 0) this.state = 'transfer';
      else this.startTail(this.promotionEndS);
    }
    if (this.state === 'tail' && this.tailEndS <= nowS) {
      this.charge(this.tailEndS);
      this.state = 'idle';
    }
    this.charge(nowS);
  }

  private charge(untilS: number): void {
    const dtS = untilS - this.lastS;
    const times = this.times;
    switch (this.state) {
      case 'idle':
        times.idleS += dtS;
        break;
      case 'promotion':
        times.promotionS += dtS;
        break;
      case 'transfer':
        times.transferS += dtS;
        break;
      case 'tail':
        times.tailS += dtS;
        break;
      case 'off':
        times.offS += dtS;
        break;
    }
    this.lastS = untilS;
  }
}

function checkBits(name: string, bits: number): void {
  if (!(bits >= 0) || !Number.isFinite(bits)) {
    throw new RangeError(`${name}(=${bits}) must be a finite number >= 0`);
  }
}
