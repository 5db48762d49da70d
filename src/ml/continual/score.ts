/**
 * Held-out accuracy of a model on one task of a stream under a setting
 * (van de Ven and Tolias, arXiv:1904.07734, 2019; see heads.ts): the
 * prediction is the argmax of the model's outputs over the task head's
 * score units only (task-incremental: the task's own units), and is right
 * when it is the unit of the sample's class.
 */
import { featureCount } from '../data/dataset.js';
import { type ModelLike, toHandle } from '../models/handle.js';
import { tf } from '../runtime.js';
import type { ContinualSetting } from './heads.js';
import type { ContinualTask } from './tasks.js';

const BATCH = 256;

/**
 * Accuracy in [0, 1] of `model` on `task.test` under `setting`. The model's
 * raw outputs (logits or probabilities: both rank the same) are read in
 * inference mode in batches of 256; a tie goes to the lower unit.
 *
 * @throws RangeError when the model's output width is not the head's `outputUnits`.
 */
export function scoreTask(
  model: ModelLike,
  task: ContinualTask,
  setting: ContinualSetting,
): number {
  const handle = toHandle(model);
  const head = task.heads[setting];
  const test = task.test;
  const width = featureCount(test);
  let correct = 0;
  for (let start = 0; start < test.count; start += BATCH) {
    const size = Math.min(BATCH, test.count - start);
    const features = test.features.subarray(start * width, (start + size) * width);
    const outputs = tf.tidy(() => {
      const inputs = tf.tensor(features, [size, ...test.sampleShape]);
      return (handle.model.predict(inputs) as tf.Tensor2D).dataSync() as Float32Array;
    });
    const units = outputs.length / size;
    if (units !== head.outputUnits) {
      throw new RangeError(
        `the model outputs ${units} units; ${setting} on this stream needs ${head.outputUnits}`,
      );
    }
    for (let i = 0; i < size; i++) {
      const want = head.unitOf.get(test.labels[start + i]!);
      if (want === bestUnit(outputs, i * units, head.scoreUnits)) correct++;
    }
  }
  return test.count === 0 ? 0 : correct / test.count;
}

/** The unit of `units` with the largest output in the row at `offset` (the first on ties). */
export function bestUnit(outputs: Float32Array, offset: number, units: readonly number[]): number {
  let best = units[0]!;
  for (const u of units) if (outputs[offset + u]! > outputs[offset + best]!) best = u;
  return best;
}
