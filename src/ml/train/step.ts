/**
 * One optimizer step with the loop's hooks: the objective (loss plus the
 * FedProx proximal term), the straight-through weight transform, the
 * SCAFFOLD gradient correction, and the update. Owns the tensors it keeps
 * across steps (optimizer state, anchor, correction); `dispose` frees them.
 */
import { logitsOf, type ModelHandle } from '../models/handle.js';
import {
  getFlatWeights,
  setFlatWeights,
  splitFlat,
  trainableVariables,
  type WeightLayout,
} from '../models/weights.js';
import { tf } from '../runtime.js';
import type { LossFunction, TrainOptions } from './options.js';

/** Mean softmax cross-entropy of integer labels: the default loss. */
export const softmaxCrossEntropy: LossFunction = (logits, labels) =>
  tf.tidy(() => {
    const numClasses = logits.shape[1];
    return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits) as tf.Scalar;
  });

/** Runs optimizer steps on one model with fixed options. */
export class Stepper {
  private readonly variables: tf.Variable[];
  private readonly optimizer: tf.Optimizer;
  private readonly loss: LossFunction;
  private readonly anchor: tf.Tensor[] | undefined;
  private readonly correction: tf.Tensor[] | undefined;

  constructor(
    private readonly handle: ModelHandle,
    layout: WeightLayout,
    private readonly options: TrainOptions,
  ) {
    this.variables = trainableVariables(handle.model);
    this.optimizer = makeOptimizer(options);
    this.loss = options.loss ?? softmaxCrossEntropy;
    this.anchor =
      options.proximal !== undefined && options.proximal.mu > 0
        ? splitFlat(layout, options.proximal.anchor)
        : undefined;
    this.correction =
      options.gradientCorrection === undefined
        ? undefined
        : splitFlat(layout, options.gradientCorrection);
  }

  /**
   * Computes the objective and its gradient on one batch and, if the
   * objective is finite, applies the update. Returns the objective's value;
   * a non-finite value means nothing was applied.
   */
  step(inputs: tf.Tensor, labels: tf.Tensor1D): number {
    const transform = this.options.weightTransform;
    const float = transform === undefined ? undefined : getFlatWeights(this.handle.model);
    if (transform !== undefined && float !== undefined) {
      setFlatWeights(this.handle.model, checkedTransform(transform, float));
    }
    const { value, grads } = tf.variableGrads(() => this.objective(inputs, labels), this.variables);
    if (float !== undefined) setFlatWeights(this.handle.model, float);
    const loss = value.dataSync()[0] ?? Number.NaN;
    value.dispose();
    if (Number.isFinite(loss)) {
      tf.tidy(() => this.optimizer.applyGradients(this.corrected(grads)));
    }
    tf.dispose(grads);
    return loss;
  }

  /** Frees the optimizer state and the hooks' tensors. */
  dispose(): void {
    this.optimizer.dispose();
    // TF.js 4.22's MomentumOptimizer.dispose skips its parent's, leaking SGD's learning-rate scalar.
    // (`instanceof` cannot tell: TF.js optimizers answer it by duck typing.)
    if ((this.options.optimizer ?? 'sgd') === 'momentum') {
      tf.SGDOptimizer.prototype.dispose.call(this.optimizer);
    }
    if (this.anchor !== undefined) tf.dispose(this.anchor);
    if (this.correction !== undefined) tf.dispose(this.correction);
  }

  private objective(inputs: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
    const logits = logitsOf(this.handle, inputs);
    const loss = this.loss(logits, labels, inputs);
    const anchor = this.anchor;
    const mu = this.options.proximal?.mu ?? 0;
    if (anchor === undefined) return loss;
    const squares = this.variables.map((v, i) => tf.sum(tf.squaredDifference(v, anchor[i]!)));
    return tf.add(loss, tf.mul(mu / 2, tf.addN(squares))) as tf.Scalar;
  }

  /** Gradients with the correction added, keyed by variable name as the optimizer expects. */
  private corrected(grads: tf.NamedTensorMap): tf.NamedTensorMap {
    const correction = this.correction;
    if (correction === undefined) return grads;
    const out: tf.NamedTensorMap = {};
    this.variables.forEach((v, i) => {
      const g = grads[v.name];
      if (g !== undefined) out[v.name] = tf.add(g, correction[i]!);
    });
    return out;
  }
}

function makeOptimizer(options: TrainOptions): tf.Optimizer {
  switch (options.optimizer ?? 'sgd') {
    case 'sgd':
      return tf.train.sgd(options.learningRate);
    case 'momentum':
      return tf.train.momentum(options.learningRate, options.momentum ?? 0.9);
    case 'adam':
      return tf.train.adam(options.learningRate);
  }
}

function checkedTransform(
  transform: (flat: Float32Array) => Float32Array,
  float: Float32Array,
): Float32Array {
  const out = transform(float.slice());
  if (out.length !== float.length) {
    throw new RangeError(
      `weightTransform returned ${out.length} values for ${float.length} weights; lengths must match`,
    );
  }
  return out;
}
