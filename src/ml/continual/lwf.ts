/**
 * Learning without Forgetting (Li and Hoiem, ECCV 2016; TPAMI 40(12), 2018,
 * Section 3 and Eq. 2): while learning a new task, keep the new model's
 * outputs on the new data close to those the old model gave, by
 * distillation at temperature T.
 *
 * Loss, for `TrainOptions.loss`:
 *
 *   (1 - alpha) * CE(labels, z) + alpha * T^2 * KL(softmax(z_old / T) || softmax(z / T))
 *
 * averaged over the batch, with z the new model's logits and z_old the old
 * model's (on the same inputs, inference mode). The distillation term is the
 * KL divergence (Hinton, Vinyals and Dean, "Distilling the Knowledge in a
 * Neural Network", 2015, Section 2): Li and Hoiem write it as the cross-entropy
 * -sum p_old log p_new, which differs from the KL by the old model's entropy,
 * a constant of the new weights, so both give the same gradients; the KL is
 * 0 when the models agree. The T^2 factor (Hinton et al., Section 2.1) keeps
 * the soft term's gradient on the hard term's scale as T changes. Li and
 * Hoiem use T = 2. `alpha` in [0, 1] weighs the two terms; alpha = 0 is plain
 * fine-tuning (the base loss itself, same bits).
 *
 * `columns` restricts the distillation to some output units (the old task's
 * classes or head); by default all.
 */
import { type ModelHandle, probabilitiesOf } from '../models/handle.js';
import { tf } from '../runtime.js';
import type { LossFunction } from '../train/options.js';
import { softmaxCrossEntropy } from '../train/step.js';

/** Options of {@link lwfLoss}. */
export interface LwfOptions {
  /** The frozen model from before the new task (a separate copy: it must not be the model being trained). */
  readonly teacher: ModelHandle;
  /** Temperature T > 0 (Li and Hoiem use 2). */
  readonly temperature: number;
  /** Weight of the distillation term, in [0, 1]. */
  readonly alpha: number;
  /** Output units to distil on (default all). */
  readonly columns?: readonly number[];
  /** The hard loss (default mean softmax cross-entropy). */
  readonly base?: LossFunction;
}

/**
 * T^2 * mean over the batch of KL(softmax(oldLogits / T) || softmax(newLogits / T)),
 * both `[batch, classes]`. Throws a RangeError for T <= 0 or different shapes.
 */
export function distillationTerm(
  newLogits: tf.Tensor2D,
  oldLogits: tf.Tensor2D,
  temperature: number,
): tf.Scalar {
  checkTemperature(temperature);
  if (newLogits.shape.join() !== oldLogits.shape.join()) {
    throw new RangeError(
      `old logits shape [${oldLogits.shape.join(', ')}] must equal new logits shape [${newLogits.shape.join(', ')}]`,
    );
  }
  return tf.tidy(() => {
    const logOld = tf.logSoftmax(tf.div(oldLogits, temperature));
    const logNew = tf.logSoftmax(tf.div(newLogits, temperature));
    const kl = tf.sum(tf.mul(tf.exp(logOld), tf.sub(logOld, logNew)), 1);
    return tf.mul(temperature * temperature, tf.mean(kl)) as tf.Scalar;
  });
}

/**
 * The LwF loss (file header). Throws a RangeError for T <= 0, alpha outside
 * [0, 1] or a column outside the outputs (checked at the first call).
 */
export function lwfLoss(options: LwfOptions): LossFunction {
  const { teacher, temperature, alpha, columns } = options;
  const base = options.base ?? softmaxCrossEntropy;
  checkTemperature(temperature);
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`alpha(=${alpha}) must be in [0, 1]`);
  if (alpha === 0) return base;
  return (logits, labels, inputs) => {
    const hard = base(logits, labels, inputs);
    // Log-probabilities equal the teacher's logits up to a per-row constant: same softmax at any T.
    const old = tf.log(tf.maximum(probabilitiesOf(teacher, inputs), 1e-30)) as tf.Tensor2D;
    const pick = (t: tf.Tensor2D) => (columns === undefined ? t : gatherColumns(t, columns));
    const soft = distillationTerm(pick(logits), pick(old), temperature);
    return tf.add(tf.mul(1 - alpha, hard), tf.mul(alpha, soft)) as tf.Scalar;
  };
}

/**
 * The `columns` of `t`, as a product with a 0/1 selection matrix: exact (each
 * output is one input times 1 plus zeros), and differentiable on every
 * backend (the WebAssembly backend has no kernel for gather's gradient).
 */
function gatherColumns(t: tf.Tensor2D, columns: readonly number[]): tf.Tensor2D {
  const width = t.shape[1];
  const selection = new Float32Array(width * columns.length);
  columns.forEach((c, k) => {
    if (!(Number.isInteger(c) && c >= 0 && c < width)) {
      throw new RangeError(`column(=${c}) must be an integer in [0, ${width})`);
    }
    selection[c * columns.length + k] = 1;
  });
  return tf.matMul(t, tf.tensor2d(selection, [width, columns.length]));
}

function checkTemperature(temperature: number): void {
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new RangeError(`temperature(=${temperature}) must be a finite number > 0`);
  }
}
