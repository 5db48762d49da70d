/**
 * Per-device energy meters for compute and idle draw, in struct-of-arrays
 * form so a million devices cost a few typed arrays.
 *
 * A device is OFF (no draw), IDLE (idle power) or BUSY (active power while
 * computing). Energy is integrated exactly at every state change:
 * idleJ = idleW x time idle, computeJ = activeW x time busy. Radio energy is
 * metered separately (see radio.ts) and added by the caller.
 */
export const PowerState = { off: 0, idle: 1, busy: 2 } as const;
export type PowerState = (typeof PowerState)[keyof typeof PowerState];

export class DeviceEnergy {
  readonly state: Uint8Array;
  readonly idleJ: Float64Array;
  readonly computeJ: Float64Array;
  readonly idleS: Float64Array;
  readonly busyS: Float64Array;
  readonly offS: Float64Array;
  private readonly lastS: Float64Array;

  constructor(
    readonly count: number,
    private readonly idleW: Float64Array,
    private readonly activeW: Float64Array,
  ) {
    this.state = new Uint8Array(count).fill(PowerState.idle);
    this.idleJ = new Float64Array(count);
    this.computeJ = new Float64Array(count);
    this.idleS = new Float64Array(count);
    this.busyS = new Float64Array(count);
    this.offS = new Float64Array(count);
    this.lastS = new Float64Array(count);
  }

  /** Power drawn now by device `d` (compute and idle only), W. */
  powerW(d: number): number {
    const state = this.state[d]!;
    if (state === PowerState.idle) return this.idleW[d]!;
    if (state === PowerState.busy) return this.activeW[d]!;
    return 0;
  }

  /** Integrates device `d`'s draw up to `nowS`; returns the energy added, J. */
  settle(d: number, nowS: number): number {
    const dt = nowS - this.lastS[d]!;
    this.lastS[d] = nowS;
    if (dt <= 0) return 0;
    const state = this.state[d]!;
    if (state === PowerState.idle) {
      this.idleS[d]! += dt;
      const joules = this.idleW[d]! * dt;
      this.idleJ[d]! += joules;
      return joules;
    }
    if (state === PowerState.busy) {
      this.busyS[d]! += dt;
      const joules = this.activeW[d]! * dt;
      this.computeJ[d]! += joules;
      return joules;
    }
    this.offS[d]! += dt;
    return 0;
  }

  /** Settles device `d` and moves it to `state`; returns the energy added up to now, J. */
  setState(d: number, state: PowerState, nowS: number): number {
    const joules = this.settle(d, nowS);
    this.state[d] = state;
    return joules;
  }
}
