/**
 * Elastic Weight Consolidation (Kirkpatrick, Pascanu, Rabinowitz, Veness,
 * Desjardins, Rusu, Milan, Quan, Ramalho, Grabska-Barwinska, Hassabis,
 * Clopath, Kumaran and Hadsell, "Overcoming catastrophic forgetting in neural
 * networks", PNAS 114(13), 2017, Eq. 3): while learning a new task, add
 *
 *   (lambda / 2) sum_k F_k (theta_k - theta*_k)^2
 *
 * to the loss, where theta* are the weights after the previous task and F
 * the diagonal Fisher there (`diagonalFisher`, the empirical Fisher). Its
 * gradient is lambda F_k (theta_k - theta*_k).
 *
 * Online EWC (Schwarz, Czarnecki, Luketina, Grabska-Barwinska, Teh, Pascanu
 * and Hadsell, "Progress & Compress", ICML 2018, Section 2.4 and Eq. 8)
 * keeps one penalty: after each task F <- gamma F_old + F_new and theta* <-
 * the new weights. gamma = 1 sums the Fishers of all tasks; gamma = 0 keeps
 * only the last.
 *
 * The penalty is a real TF.js term in the training objective: `ewcLoss` wraps
 * the loop's loss, reading the model's trainable variables, so
 * `tf.variableGrads` in the training step differentiates it.
 */
import type { ModelLike } from '../models/handle.js';
import { toHandle } from '../models/handle.js';
import { splitFlat, trainableVariables, weightLayout } from '../models/weights.js';
import { tf } from '../runtime.js';
import type { LossFunction } from '../train/options.js';
import { softmaxCrossEntropy } from '../train/step.js';

/** What EWC keeps from earlier tasks: importance and anchor, flat in the layout of `getFlatWeights`. */
export interface EwcMemory {
  /** Diagonal Fisher F (>= 0). */
  readonly fisher: Float32Array;
  /** The weights theta* the penalty pulls toward. */
  readonly anchor: Float32Array;
}

/**
 * Online EWC's update: F = gamma * previous.fisher + fresh.fisher (float32,
 * element by element in index order) and the anchor of `fresh`. Without a
 * previous memory returns `fresh`'s values. Throws a RangeError for gamma
 * outside [0, 1] or vectors of different lengths.
 */
export function consolidate(
  previous: EwcMemory | undefined,
  fresh: EwcMemory,
  gamma: number,
): EwcMemory {
  if (!(gamma >= 0 && gamma <= 1)) throw new RangeError(`gamma(=${gamma}) must be in [0, 1]`);
  checkMemory(fresh);
  if (previous === undefined) return { fisher: fresh.fisher.slice(), anchor: fresh.anchor.slice() };
  checkMemory(previous);
  if (previous.fisher.length !== fresh.fisher.length) {
    throw new RangeError(
      `previous fisher length(=${previous.fisher.length}) must equal the new one's (${fresh.fisher.length})`,
    );
  }
  const fisher = new Float32Array(fresh.fisher.length);
  for (let k = 0; k < fisher.length; k++) {
    fisher[k] = Math.fround(gamma * previous.fisher[k]!) + fresh.fisher[k]!;
  }
  return { fisher, anchor: fresh.anchor.slice() };
}

/**
 * One memory whose penalty has the gradient of the sum of several (classic
 * EWC keeps one penalty per task learned):
 *
 *   sum_k F_k (theta - a_k)^2 = F (theta - a)^2 + c,
 *   F = sum_k F_k,  a = (sum_k F_k a_k) / F,
 *
 * with c independent of theta, so training sees the same gradient at the
 * cost of one penalty, and a device stores two vectors however many tasks it
 * has learned. Where F = 0 the anchor is the last memory's (its value does
 * not matter there). Sums in float64, stored as float32.
 */
export function mergeMemories(memories: readonly EwcMemory[]): EwcMemory {
  const last = memories[memories.length - 1];
  if (last === undefined) throw new RangeError('mergeMemories needs at least one memory');
  for (const m of memories) {
    checkMemory(m);
    if (m.fisher.length !== last.fisher.length) {
      throw new RangeError(
        `memories hold ${m.fisher.length} and ${last.fisher.length} parameters; they must match`,
      );
    }
  }
  const fisher = new Float32Array(last.fisher.length);
  const anchor = new Float32Array(last.fisher.length);
  for (let k = 0; k < fisher.length; k++) {
    let f = 0;
    let fa = 0;
    for (const m of memories) {
      f += m.fisher[k]!;
      fa += m.fisher[k]! * m.anchor[k]!;
    }
    fisher[k] = f;
    anchor[k] = f > 0 ? fa / f : last.anchor[k]!;
  }
  return { fisher, anchor };
}

/**
 * The EWC penalty of one model: holds F and theta* as tensors shaped like
 * the model's trainable variables. `dispose` frees them.
 */
export class EwcPenalty {
  private readonly variables: tf.Variable[];
  private readonly fisher: tf.Tensor[];
  private readonly anchor: tf.Tensor[];

  /** Throws a RangeError for lambda < 0 (or not finite) or vectors not matching the model. */
  constructor(
    model: ModelLike,
    memory: EwcMemory,
    readonly lambda: number,
  ) {
    if (!(lambda >= 0 && Number.isFinite(lambda))) {
      throw new RangeError(`lambda(=${lambda}) must be a finite number >= 0`);
    }
    checkMemory(memory);
    const handle = toHandle(model);
    const layout = weightLayout(handle.model);
    if (memory.fisher.length !== layout.length) {
      throw new RangeError(
        `fisher length(=${memory.fisher.length}) must equal the model's trainable parameter count (${layout.length})`,
      );
    }
    this.variables = trainableVariables(handle.model);
    this.fisher = splitFlat(layout, memory.fisher);
    this.anchor = splitFlat(layout, memory.anchor);
  }

  /** (lambda / 2) sum_k F_k (theta_k - theta*_k)^2 at the model's current weights, as a scalar tensor. */
  term(): tf.Scalar {
    return tf.tidy(() => {
      const parts = this.variables.map((v, i) =>
        tf.sum(tf.mul(this.fisher[i]!, tf.squaredDifference(v, this.anchor[i]!))),
      );
      return tf.mul(this.lambda / 2, tf.addN(parts)) as tf.Scalar;
    });
  }

  /** Frees F and theta*. */
  dispose(): void {
    tf.dispose(this.fisher);
    tf.dispose(this.anchor);
  }
}

/**
 * The training loss plus the EWC penalty, for `TrainOptions.loss`. With
 * lambda = 0 it returns `base` itself, so training is plain fine-tuning bit
 * for bit. `base` defaults to mean softmax cross-entropy.
 */
export function ewcLoss(
  penalty: EwcPenalty,
  base: LossFunction = softmaxCrossEntropy,
): LossFunction {
  if (penalty.lambda === 0) return base;
  return (logits, labels, inputs) =>
    tf.add(base(logits, labels, inputs), penalty.term()) as tf.Scalar;
}

function checkMemory(memory: EwcMemory): void {
  if (memory.anchor.length !== memory.fisher.length) {
    throw new RangeError(
      `anchor length(=${memory.anchor.length}) must equal fisher length(=${memory.fisher.length})`,
    );
  }
  for (let k = 0; k < memory.fisher.length; k++) {
    const f = memory.fisher[k]!;
    if (!(f >= 0 && Number.isFinite(f))) {
      throw new RangeError(`fisher[${k}](=${f}) must be a finite number >= 0`);
    }
  }
}
