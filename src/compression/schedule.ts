/**
 * Gradual pruning schedules, as in TensorFlow Model Optimization
 * (`tfmot.sparsity.keras.PolynomialDecay` and `ConstantSparsity`,
 * python/core/sparsity/keras/pruning_schedule.py).
 *
 * Zhu and Gupta, "To prune, or not to prune: exploring the efficacy of pruning
 * for model compression", arXiv:1710.01878, 2017: the sparsity rises fast at
 * first, then levels off at the target,
 *   s_t = s_f + (s_i − s_f) × (1 − p)^power,  p = clamp((t − t_begin) / (t_end − t_begin), 0, 1).
 *
 * Semantics kept from TFMOT:
 * - `at(step).sparsity` is defined at every step: s_i before `beginStep`, s_f after `endStep`.
 * - `at(step).shouldPrune` is true only when beginStep ≤ step ≤ endStep and
 *   (step − beginStep) is a multiple of `frequency`; the mask is recomputed only
 *   then, so between pruning steps the sparsity in force is that of the last
 *   pruning step ({@link sparsityInForce}).
 * - Validation: beginStep ≥ 0, endStep ≥ beginStep (PolynomialDecay has no
 *   "−1 = forever"; ConstantSparsity has), frequency > 0, sparsities in [0, 1).
 * Differences: arithmetic is float64 (TFMOT computes in float32); and when
 * endStep = beginStep, TFMOT's p is 0/0 = NaN at that step, here p = 1.
 */

import { checkSparsity } from './prune.js';

/** What a schedule says at one training step. */
export interface PruningStep {
  /** Whether the mask is recomputed at this step. */
  readonly shouldPrune: boolean;
  /** Target sparsity at this step, in [0, 1). */
  readonly sparsity: number;
}

/** A pruning schedule: the sparsity target and pruning turn at each step. */
export interface PruningSchedule {
  readonly beginStep: number;
  /** Last step that may prune; −1 means no end. */
  readonly endStep: number;
  readonly frequency: number;
  at(step: number): PruningStep;
}

/** Options of {@link PolynomialDecay}, named as in TFMOT. */
export interface PolynomialDecayOptions {
  readonly initialSparsity: number;
  readonly finalSparsity: number;
  readonly beginStep: number;
  readonly endStep: number;
  /** Exponent of the decay; TFMOT's default is 3. */
  readonly power?: number;
  /** Prune every `frequency` steps; TFMOT's default is 100. */
  readonly frequency?: number;
}

/** Sparsity that rises from `initialSparsity` to `finalSparsity` as a polynomial. */
export class PolynomialDecay implements PruningSchedule {
  readonly initialSparsity: number;
  readonly finalSparsity: number;
  readonly beginStep: number;
  readonly endStep: number;
  readonly power: number;
  readonly frequency: number;

  constructor(options: PolynomialDecayOptions) {
    this.initialSparsity = options.initialSparsity;
    this.finalSparsity = options.finalSparsity;
    this.beginStep = options.beginStep;
    this.endStep = options.endStep;
    this.power = options.power ?? 3;
    this.frequency = options.frequency ?? 100;
    checkSteps(this.beginStep, this.endStep, this.frequency, false);
    checkSparsity(this.initialSparsity);
    checkSparsity(this.finalSparsity);
    if (!Number.isFinite(this.power)) throw new RangeError(`power(=${this.power}) must be finite`);
  }

  at(step: number): PruningStep {
    const span = this.endStep - this.beginStep;
    const elapsed = step - this.beginStep;
    const p = span === 0 ? (elapsed >= 0 ? 1 : 0) : Math.min(1, Math.max(0, elapsed / span));
    const sparsity =
      this.finalSparsity + (this.initialSparsity - this.finalSparsity) * (1 - p) ** this.power;
    return { shouldPrune: isPruningTurn(this, step), sparsity };
  }
}

/** Options of {@link ConstantSparsity}, named as in TFMOT. */
export interface ConstantSparsityOptions {
  readonly targetSparsity: number;
  readonly beginStep: number;
  /** Last step that may prune; −1 (the default) means no end. */
  readonly endStep?: number;
  readonly frequency?: number;
}

/** The same sparsity at every pruning step. */
export class ConstantSparsity implements PruningSchedule {
  readonly targetSparsity: number;
  readonly beginStep: number;
  readonly endStep: number;
  readonly frequency: number;

  constructor(options: ConstantSparsityOptions) {
    this.targetSparsity = options.targetSparsity;
    this.beginStep = options.beginStep;
    this.endStep = options.endStep ?? -1;
    this.frequency = options.frequency ?? 100;
    checkSteps(this.beginStep, this.endStep, this.frequency, true);
    checkSparsity(this.targetSparsity);
  }

  at(step: number): PruningStep {
    return { shouldPrune: isPruningTurn(this, step), sparsity: this.targetSparsity };
  }
}

/**
 * The sparsity of the masks at `step`: that of the latest pruning step at or
 * before it, or 0 before the first one.
 */
export function sparsityInForce(schedule: PruningSchedule, step: number): number {
  const last = lastPruningStep(schedule, step);
  return last === undefined ? 0 : schedule.at(last).sparsity;
}

/** The latest step ≤ `step` at which `schedule` prunes, if any. */
export function lastPruningStep(schedule: PruningSchedule, step: number): number | undefined {
  if (step < schedule.beginStep) return undefined;
  const capped = schedule.endStep < 0 ? step : Math.min(step, schedule.endStep);
  const turns = Math.floor((capped - schedule.beginStep) / schedule.frequency);
  return schedule.beginStep + turns * schedule.frequency;
}

function isPruningTurn(schedule: PruningSchedule, step: number): boolean {
  const { beginStep, endStep, frequency } = schedule;
  const inRange = step >= beginStep && (step <= endStep || endStep < 0);
  return inRange && (step - beginStep) % frequency === 0;
}

function checkSteps(begin: number, end: number, frequency: number, endlessAllowed: boolean): void {
  if (!Number.isSafeInteger(begin) || begin < 0)
    throw new RangeError(`beginStep(=${begin}) must be an integer >= 0`);
  if (!Number.isSafeInteger(end) || (end < begin && !(endlessAllowed && end === -1)))
    throw new RangeError(
      `endStep(=${end}) must be an integer >= beginStep(=${begin})${endlessAllowed ? ' or -1' : ''}`,
    );
  if (!Number.isSafeInteger(frequency) || frequency <= 0)
    throw new RangeError(`frequency(=${frequency}) must be an integer > 0`);
}
