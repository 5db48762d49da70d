/**
 * Options of the seeded training loop, and the hooks through which
 * compression and federated learning change what a step does.
 */
import type { Dataset } from '../data/dataset.js';
import type { tf } from '../runtime.js';

/** The optimizers the loop can run (fresh state at every `trainModel` call). */
export type OptimizerName = 'sgd' | 'momentum' | 'adam';

/** All optimizer names. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'momentum', 'adam'];

/**
 * A replacement for the default loss (mean softmax cross-entropy). Called
 * inside the differentiated function with the batch's logits
 * `[batch, numClasses]`, its int32 labels `[batch]` and its inputs; returns a
 * scalar to minimise. Knowledge distillation uses it to mix in a teacher's
 * soft targets computed from `inputs`. Tensors it creates are freed by the
 * loop's `tf.tidy`.
 */
export type LossFunction = (
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  inputs: tf.Tensor,
) => tf.Scalar;

/** Where the loop is, for hooks. */
export interface StepInfo {
  /** Epoch, 0-based. */
  readonly epoch: number;
  /** Optimizer steps taken before this one in the whole run, 0-based. */
  readonly step: number;
}

/** Stop when a validation metric has not improved for `patience` epochs; keep the best weights. */
export interface EarlyStoppingOptions {
  /** Data scored after every epoch. */
  readonly validation: Dataset;
  /**
   * Consecutive epochs without improvement tolerated (>= 0): training stops
   * after the (patience + 1)-th, so 0 stops at the first non-improving epoch.
   */
  readonly patience: number;
  /** An epoch improves only if it beats the best so far by more than this (default 0). */
  readonly minDelta?: number;
  /** `loss` (lower is better, the default) or `accuracy` (higher is better). */
  readonly metric?: 'loss' | 'accuracy';
}

/** FedProx's proximal term: (mu / 2) ||w - anchor||² over the flat trainable weights. */
export interface ProximalOptions {
  /** Strength, >= 0 (Li et al., "Federated Optimization in Heterogeneous Networks", MLSys 2020). */
  readonly mu: number;
  /** The weights to stay near (the global model), laid out as `getFlatWeights`. */
  readonly anchor: Float32Array;
}

/** Options of `trainModel`. */
export interface TrainOptions {
  /** Default `sgd`. */
  readonly optimizer?: OptimizerName;
  readonly learningRate: number;
  /** Momentum of the `momentum` optimizer, in [0, 1) (default 0.9); ignored by the others. */
  readonly momentum?: number;
  /** Passes over the data (>= 1). */
  readonly epochs: number;
  /** Samples per step; the last batch of an epoch holds the remainder. */
  readonly batchSize: number;
  /** Seed of the per-epoch shuffles: epoch e uses `RandomStreams(seed).stream('shuffle', e)`. */
  readonly seed: number;
  /** Stop after this many optimizer steps in all, even mid-epoch (e.g. FL clients running K local steps). */
  readonly maxSteps?: number;
  readonly earlyStopping?: EarlyStoppingOptions;
  /** Replaces the default mean softmax cross-entropy. */
  readonly loss?: LossFunction;
  /** Adds (mu / 2) ||w - anchor||² to the loss (FedProx). */
  readonly proximal?: ProximalOptions;
  /**
   * A flat vector (layout of `getFlatWeights`) added to every gradient before
   * the optimizer sees it: SCAFFOLD's control-variate correction c - c_i
   * (Karimireddy et al., ICML 2020).
   */
  readonly gradientCorrection?: Float32Array;
  /**
   * Quantization-aware training with a straight-through estimator: before
   * each step the weights are set to `weightTransform(float weights)`, the
   * gradient is computed there, the float weights are restored, and the
   * gradient is applied to them. Must return a vector of the same length.
   */
  readonly weightTransform?: (flat: Float32Array) => Float32Array;
  /** Called after every optimizer step, e.g. to re-apply pruning masks. */
  readonly afterStep?: (model: tf.LayersModel, info: StepInfo) => void;
}

/** Throws a RangeError naming the first invalid option. */
export function checkTrainOptions(options: TrainOptions, parameterCount: number): void {
  const { learningRate, epochs, batchSize, seed, momentum, maxSteps } = options;
  if (options.optimizer !== undefined && !OPTIMIZER_NAMES.includes(options.optimizer)) {
    throw new RangeError(
      `optimizer(=${JSON.stringify(options.optimizer)}) must be one of ${OPTIMIZER_NAMES.join(', ')}`,
    );
  }
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new RangeError(`learningRate(=${learningRate}) must be a finite number > 0`);
  }
  if (momentum !== undefined && !(momentum >= 0 && momentum < 1)) {
    throw new RangeError(`momentum(=${momentum}) must be in [0, 1)`);
  }
  positiveInteger('epochs', epochs);
  positiveInteger('batchSize', batchSize);
  if (maxSteps !== undefined) positiveInteger('maxSteps', maxSteps);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed(=${seed}) must be an integer`);
  checkHooks(options, parameterCount);
}

function checkHooks(options: TrainOptions, parameterCount: number): void {
  const { proximal, gradientCorrection, earlyStopping } = options;
  if (proximal !== undefined) {
    if (!(proximal.mu >= 0 && Number.isFinite(proximal.mu))) {
      throw new RangeError(`proximal.mu(=${proximal.mu}) must be a finite number >= 0`);
    }
    flatLength('proximal.anchor', proximal.anchor, parameterCount);
  }
  if (gradientCorrection !== undefined) {
    flatLength('gradientCorrection', gradientCorrection, parameterCount);
  }
  if (earlyStopping !== undefined) {
    const { patience, minDelta = 0, metric = 'loss' } = earlyStopping;
    if (!(Number.isInteger(patience) && patience >= 0)) {
      throw new RangeError(`earlyStopping.patience(=${patience}) must be an integer >= 0`);
    }
    if (!(minDelta >= 0)) {
      throw new RangeError(`earlyStopping.minDelta(=${minDelta}) must be >= 0`);
    }
    if (metric !== 'loss' && metric !== 'accuracy') {
      throw new RangeError(
        `earlyStopping.metric(=${JSON.stringify(metric)}) must be 'loss' or 'accuracy'`,
      );
    }
  }
}

function positiveInteger(name: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 1)) {
    throw new RangeError(`${name}(=${value}) must be an integer >= 1`);
  }
}

function flatLength(name: string, flat: Float32Array, parameterCount: number): void {
  if (flat.length !== parameterCount) {
    throw new RangeError(
      `${name} length(=${flat.length}) must equal the model's trainable parameter count (${parameterCount})`,
    );
  }
}
