/** What happened to each wave of a rollout, and when the fleet reached each coverage. */

/** A wave's gate, as rollout.csv writes it. */
export const GateOutcome = {
  notStarted: 0,
  pending: 1, // started; its gate falls after the run's end
  passed: 2,
  paused: 3,
  rolledBack: 4,
} as const;
export type GateOutcome = (typeof GateOutcome)[keyof typeof GateOutcome];

export const GATE_NAMES = ['not started', 'pending', 'passed', 'paused', 'rolled back'] as const;

/** Shares of the fleet whose first time on the new version summary.csv reports. */
export const COVERAGE_MARKS = [0.5, 0.9, 1] as const;

export class WaveLog {
  readonly startS: Float64Array;
  /** When the wave's last device so far installed the new version, s (NaN: none). */
  readonly endS: Float64Array;
  readonly gateS: Float64Array;
  readonly devices: Uint32Array;
  readonly blocked: Uint32Array;
  readonly updatedAtGate: Uint32Array;
  readonly failedAtGate: Uint32Array;
  readonly failureRate: Float64Array;
  readonly outcome: Uint8Array;
  /** Bytes moved for the wave's devices (updates, rollbacks, and the parts of cut downloads). */
  readonly bytes: Float64Array;
  /** First time the share of the fleet on the new version reached each of {@link COVERAGE_MARKS}, s (NaN: never). */
  readonly coverageS = new Float64Array(COVERAGE_MARKS.length).fill(Number.NaN);

  constructor(
    readonly fractions: readonly number[],
    bounds: Uint32Array,
  ) {
    const n = fractions.length;
    this.startS = new Float64Array(n).fill(Number.NaN);
    this.endS = new Float64Array(n).fill(Number.NaN);
    this.gateS = new Float64Array(n).fill(Number.NaN);
    this.devices = Uint32Array.from(bounds, (b, k) => b - (k === 0 ? 0 : bounds[k - 1]!));
    this.blocked = new Uint32Array(n);
    this.updatedAtGate = new Uint32Array(n);
    this.failedAtGate = new Uint32Array(n);
    this.failureRate = new Float64Array(n).fill(Number.NaN);
    this.outcome = new Uint8Array(n);
    this.bytes = new Float64Array(n);
  }

  started(k: number, nowS: number): void {
    this.startS[k] = nowS;
    this.outcome[k] = GateOutcome.pending;
  }

  installed(k: number, nowS: number): void {
    this.endS[k] = nowS;
  }

  gated(
    k: number,
    nowS: number,
    updated: number,
    failed: number,
    rate: number,
    outcome: GateOutcome,
  ): void {
    this.gateS[k] = nowS;
    this.updatedAtGate[k] = updated;
    this.failedAtGate[k] = failed;
    this.failureRate[k] = rate;
    this.outcome[k] = outcome;
  }

  rolledBack(k: number): boolean {
    return this.outcome[k] === GateOutcome.rolledBack;
  }

  /** Notes that `covered` of `count` devices run the new version at `nowS`. */
  covered(covered: number, count: number, nowS: number): void {
    COVERAGE_MARKS.forEach((mark, i) => {
      if (Number.isNaN(this.coverageS[i]!) && covered >= mark * count) this.coverageS[i] = nowS;
    });
  }
}
