/** What happened to each wave of a rollout, and when the fleet reached each coverage. */
import type { Table, TableValue } from '../results/table.js';

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

export const WAVE_COLUMNS = [
  'wave',
  'fraction',
  'devices',
  'blocked',
  'start_s',
  'end_s',
  'gate_s',
  'updated_at_gate',
  'failures_at_gate',
  'failure_rate',
  'gate',
  'updated_at_end',
  'bytes',
] as const;

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

/**
 * rollout.csv: one row per wave: its cumulative share of the fleet, its
 * devices and those blocked (metered), its start, the last install of the
 * new version in it (`end_s`), its gate (time, devices on the new version
 * then and how many of them had failed on it, their share, the outcome),
 * its devices on the new version at the end (`version` 1), and the bytes
 * its devices moved. `waveOf` and `version` are per device.
 */
export function waveTable(log: WaveLog, waveOf: Uint8Array, version: Uint8Array): Table {
  const waves = log.fractions.length;
  const updatedAtEnd = new Uint32Array(waves);
  for (let d = 0; d < waveOf.length; d++) {
    const k = waveOf[d]!;
    if (version[d] === 1 && k < waves) updatedAtEnd[k]!++;
  }
  const rows: TableValue[][] = log.fractions.map((fraction, k) => [
    k + 1,
    fraction,
    log.devices[k]!,
    log.blocked[k]!,
    orNull(log.startS[k]!),
    orNull(log.endS[k]!),
    orNull(log.gateS[k]!),
    log.updatedAtGate[k]!,
    log.failedAtGate[k]!,
    orNull(log.failureRate[k]!),
    GATE_NAMES[log.outcome[k]!]!,
    updatedAtEnd[k]!,
    log.bytes[k]!,
  ]);
  return { columns: WAVE_COLUMNS, rows };
}
