/**
 * Radio energy as a state machine with exact accounting, in the form of
 * Huang et al., "A Close Examination of Performance and Power Characteristics
 * of 4G LTE Networks", MobiSys 2012 (also implemented by AT&T's ARO); the
 * parameter sets are in radio-models.ts.
 *
 * While data flows the radio draws alpha_u * tput_u + alpha_d * tput_d + beta.
 * Throughput integrated over time is bits moved, so a transfer period costs
 * exactly alpha_u * bitsUp + alpha_d * bitsDown + beta * (time with at least
 * one transfer active), however flows share the link and whatever their rates.
 */
import type { RadioModel } from './radio-models.js';

export type {
  RadioChoice,
  RadioModel,
  RadioModelName,
  RadioModels,
  RadioTechnology,
} from './radio-models.js';
export {
  DEFAULT_RADIO_MODELS,
  RADIO_MODEL_SETS,
  RADIO_MODELS,
  RADIO_TECHNOLOGIES,
  radioModels,
} from './radio-models.js';

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

/** Radio states, numbered so the hot path compares small integers. */
const State = { idle: 0, promotion: 1, transfer: 2, tail: 3, off: 4 } as const;
type State = (typeof State)[keyof typeof State];

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
  private state: State = State.idle;
  private lastS: number;
  private promotionEndS = 0;
  private tailEndS = 0;
  private activeTransfers = 0;
  private alphaJ = 0;
  /** Seconds in each state, indexed by {@link State}. */
  private readonly times = new Float64Array(5);

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
    if (this.state === State.off) throw new Error(`beginTransfer at ${nowS} s: the radio is off`);
    this.activeTransfers++;
    switch (this.state) {
      case State.idle:
        if (this.model.promotionS > 0) {
          this.state = State.promotion;
          this.promotionEndS = nowS + this.model.promotionS;
          return this.model.promotionS;
        }
        this.state = State.transfer;
        return 0;
      case State.promotion:
        return this.promotionEndS - nowS;
      case State.tail:
        this.state = State.transfer;
        return 0;
      default:
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
    if (this.state === State.promotion && (bitsUp > 0 || bitsDown > 0)) {
      throw new RangeError(
        `endTransfer at ${nowS} s moved bitsUp(=${bitsUp}), bitsDown(=${bitsDown}) ` +
          `before the promotion ends at ${this.promotionEndS} s`,
      );
    }
    this.activeTransfers--;
    this.alphaJ += this.model.alphaUpJPerBit * bitsUp + this.model.alphaDownJPerBit * bitsDown;
    if (this.activeTransfers === 0 && this.state === State.transfer) this.startTail(nowS);
  }

  /** The device goes offline at `nowS`: radio off, any tail or promotion cut. Throws if transfers are active or it is already off. */
  powerOff(nowS: number): void {
    this.settle(nowS);
    if (this.activeTransfers > 0) {
      throw new Error(`powerOff at ${nowS} s with ${this.activeTransfers} active transfer(s)`);
    }
    if (this.state === State.off)
      throw new Error(`powerOff at ${nowS} s: the radio is already off`);
    this.state = State.off;
  }

  /** The device comes back online at `nowS`, radio IDLE. Throws unless it was off. */
  powerOn(nowS: number): void {
    this.settle(nowS);
    if (this.state !== State.off) throw new Error(`powerOn at ${nowS} s: the radio is not off`);
    this.state = State.idle;
  }

  /** Energy by state from the start to `nowS` (J). Throws a RangeError if `nowS` is earlier than a previous call. */
  energy(nowS: number): RadioEnergyJ {
    this.settle(nowS);
    const idleJ = this.idleJ();
    const promotionJ = this.promotionJ();
    const transferJ = this.transferJ();
    const tailJ = this.tailJ();
    return { idleJ, promotionJ, transferJ, tailJ, totalJ: idleJ + promotionJ + transferJ + tailJ };
  }

  /** `energy(nowS).totalJ`, without building the breakdown (the battery asks after every transfer). */
  totalJ(nowS: number): number {
    this.settle(nowS);
    return this.idleJ() + this.promotionJ() + this.transferJ() + this.tailJ();
  }

  /** Seconds in each state from the start to `nowS`. Throws a RangeError if `nowS` is earlier than a previous call. */
  timeInStates(nowS: number): RadioStateTimesS {
    this.settle(nowS);
    const t = this.times;
    return {
      idleS: t[State.idle]!,
      promotionS: t[State.promotion]!,
      transferS: t[State.transfer]!,
      tailS: t[State.tail]!,
      offS: t[State.off]!,
    };
  }

  private idleJ(): number {
    return this.model.idleW * this.times[State.idle]!;
  }

  private promotionJ(): number {
    return this.model.promotionW * this.times[State.promotion]!;
  }

  private transferJ(): number {
    return this.model.betaW * this.times[State.transfer]! + this.alphaJ;
  }

  private tailJ(): number {
    return this.model.tailW * this.times[State.tail]!;
  }

  private startTail(nowS: number): void {
    this.state = State.tail;
    this.tailEndS = nowS + this.model.tailS;
  }

  /** Charges the time from the last settled instant to `nowS`, taking the timed transitions on the way. */
  private settle(nowS: number): void {
    if (!(nowS >= this.lastS) || !Number.isFinite(nowS)) {
      throw new RangeError(`nowS(=${nowS}) must be finite and not before ${this.lastS} s`);
    }
    if (this.state === State.promotion && this.promotionEndS <= nowS) {
      this.charge(this.promotionEndS);
      if (this.activeTransfers > 0) this.state = State.transfer;
      else this.startTail(this.promotionEndS);
    }
    if (this.state === State.tail && this.tailEndS <= nowS) {
      this.charge(this.tailEndS);
      this.state = State.idle;
    }
    this.charge(nowS);
  }

  private charge(untilS: number): void {
    this.times[this.state]! += untilS - this.lastS;
    this.lastS = untilS;
  }
}

function checkBits(name: string, bits: number): void {
  if (!(bits >= 0) || !Number.isFinite(bits)) {
    throw new RangeError(`${name}(=${bits}) must be a finite number >= 0`);
  }
}
