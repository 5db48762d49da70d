/**
 * Which output units a sample's softmax covers while a task is learned, as an
 * additive mask: row u of a `[units, units]` matrix holds 0 for the units a
 * sample labelled u competes with and {@link MASKED} for the others, so the
 * loss is the cross-entropy of `logits + mask[label]`. This is the
 * head-restricted loss of van de Ven and Tolias (arXiv:1904.07734, 2019; their
 * train.py lines 83-90 at commit ff0e03cb913ac0dea4fc59058968b1e6784decfd):
 *
 * - task-incremental: a sample competes only within its own task's head, so
 *   samples replayed from earlier tasks keep their own heads;
 * - class-incremental: every sample competes with every class seen so far
 *   (the current task's `trainUnits`);
 * - domain-incremental: all units, which needs no mask.
 */
import { tf } from '../runtime.js';
import type { LossFunction } from '../train/options.js';
import { softmaxCrossEntropy } from '../train/step.js';
import type { ContinualSetting } from './heads.js';
import type { ContinualTask } from './tasks.js';

/** The logit offset of a unit outside the head: exp(-1e9) is 0 in float32, and the sum stays finite. */
export const MASKED = -1e9;

/**
 * The mask of learning `tasks[t]` under `setting`, row-major `[units, units]`,
 * or null when every sample competes with every unit (plain cross-entropy).
 */
export function headMask(
  tasks: readonly ContinualTask[],
  t: number,
  setting: ContinualSetting,
): Float32Array | null {
  const current = tasks[t]!.heads[setting];
  const units = current.outputUnits;
  const rows: (readonly number[])[] = new Array(units).fill(current.trainUnits);
  if (setting === 'task-incremental') {
    for (const task of tasks.slice(0, t + 1)) {
      const own = task.heads[setting].trainUnits;
      for (const u of own) rows[u] = own;
    }
  }
  if (rows.every((row) => row.length === units)) return null;
  const mask = new Float32Array(units * units).fill(MASKED);
  rows.forEach((row, u) => {
    for (const v of row) mask[u * units + v] = 0;
  });
  return mask;
}

/**
 * Mean softmax cross-entropy over each sample's head (`mask` from
 * {@link headMask}); without a mask, the plain loss itself (same bits).
 */
export function headLoss(mask: Float32Array | null): LossFunction {
  if (mask === null) return softmaxCrossEntropy;
  const units = Math.round(Math.sqrt(mask.length));
  return (logits, labels, inputs) =>
    tf.tidy(() => {
      const rows = tf.gather(tf.tensor2d(mask, [units, units]), labels);
      return softmaxCrossEntropy(tf.add(logits, rows) as tf.Tensor2D, labels, inputs);
    });
}
