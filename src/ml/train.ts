/**
 * The seeded training loop. TF.js's `model.fit` shuffles with Math.random, so
 * edgesim runs its own loop: epoch e visits the samples in the order
 * `shuffledOrder(count, RandomStreams(seed).stream('shuffle', e))`, in
 * mini-batches, taking one optimizer step per batch with gradients from
 * `tf.variableGrads`. On a given backend the same model, data and options
 * give the same weights bit for bit.
 *
 * The hooks in {@link TrainOptions} (custom loss, proximal term, gradient
 * correction, weight transform, after-step callback) are how knowledge
 * distillation, FedProx, SCAFFOLD, quantization-aware training and pruning
 * plug in.
 */
import { RandomStreams } from '../engine/random.js';
import { batches, shuffledOrder } from './data/batches.js';
import type { Dataset } from './data/dataset.js';
import { checkModelFits, type ModelHandle, type ModelLike, toHandle } from './models/handle.js';
import { weightLayout } from './models/weights.js';
import { tf } from './runtime.js';
import { EarlyStopping, type ValidationScores } from './train/early-stopping.js';
import { checkTrainOptions, type TrainOptions } from './train/options.js';
import { Stepper } from './train/step.js';

export type { ValidationScores } from './train/early-stopping.js';
export type {
  EarlyStoppingOptions,
  LossFunction,
  OptimizerName,
  ProximalOptions,
  StepInfo,
  TrainOptions,
} from './train/options.js';
export { OPTIMIZER_NAMES } from './train/options.js';
export { softmaxCrossEntropy } from './train/step.js';

/** What one epoch did. */
export interface EpochRecord {
  /** 0-based. */
  readonly epoch: number;
  /** Mean over the epoch's steps of the minimised objective (the loss, plus the proximal term when set). */
  readonly trainLoss: number;
  /** Optimizer steps taken in this epoch. */
  readonly steps: number;
  /** Scores on the early-stopping validation set after this epoch, when early stopping is on. */
  readonly validation?: ValidationScores;
}

/** Fields every outcome has. */
interface TrainOutcome {
  /** One record per finished epoch (a diverged epoch is not recorded). */
  readonly history: readonly EpochRecord[];
  /** Optimizer steps applied in all. */
  readonly steps: number;
}

/**
 * How training ended:
 * - `completed`: all epochs (or `maxSteps`) ran;
 * - `stopped-early`: early stopping ended it;
 * - `diverged`: the objective became NaN or infinite at `step` (0-based,
 *   counted over the run) of `epoch`; that step was not applied, so the
 *   model holds the weights that produced the non-finite loss.
 *
 * With early stopping on, the model holds the weights of the best epoch,
 * `restoredEpoch`, whether or not training stopped early.
 */
export type TrainResult =
  | (TrainOutcome & { readonly kind: 'completed'; readonly restoredEpoch?: number })
  | (TrainOutcome & { readonly kind: 'stopped-early'; readonly restoredEpoch: number })
  | (TrainOutcome & {
      readonly kind: 'diverged';
      readonly epoch: number;
      readonly step: number;
      readonly loss: number;
    });

/**
 * Trains `model` in place on `dataset`. Returns how training ended and the
 * per-epoch history; divergence is a result, not an exception. Throws a
 * RangeError for invalid options (naming the option and value) or when the
 * model's input shape or class count does not fit the dataset. Frees every
 * tensor it creates: `tf.memory().numTensors` is the same before and after.
 */
export function trainModel(model: ModelLike, dataset: Dataset, options: TrainOptions): TrainResult {
  const handle = toHandle(model);
  const layout = weightLayout(handle.model);
  checkTrainOptions(options, layout.length);
  checkModelFits(handle, dataset);
  if (dataset.count < 1) throw new RangeError(`dataset ${dataset.name} has no samples (count=0)`);
  if (options.earlyStopping !== undefined) checkModelFits(handle, options.earlyStopping.validation);
  const stepper = new Stepper(handle, layout, options);
  try {
    return runEpochs(handle, dataset, options, stepper);
  } finally {
    stepper.dispose();
  }
}

function runEpochs(
  handle: ModelHandle,
  dataset: Dataset,
  options: TrainOptions,
  stepper: Stepper,
): TrainResult {
  const streams = new RandomStreams(options.seed);
  const stopper =
    options.earlyStopping === undefined
      ? undefined
      : new EarlyStopping(handle, options.earlyStopping);
  const history: EpochRecord[] = [];
  const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
  let steps = 0;
  for (let epoch = 0; epoch < options.epochs && steps < maxSteps; epoch++) {
    const order = shuffledOrder(dataset.count, streams.stream('shuffle', epoch));
    let lossSum = 0;
    const firstStep = steps;
    for (const batch of batches(dataset, options.batchSize, order)) {
      if (steps >= maxSteps) break;
      const loss = tf.tidy(() => {
        const x = tf.tensor(batch.features, [batch.size, ...dataset.sampleShape]);
        const y = tf.tensor1d(batch.labels, 'int32');
        return stepper.step(x, y);
      });
      if (!Number.isFinite(loss))
        return { kind: 'diverged', history, steps, epoch, step: steps, loss };
      options.afterStep?.(handle.model, { epoch, step: steps });
      lossSum += loss;
      steps++;
    }
    const epochSteps = steps - firstStep;
    const record: EpochRecord = {
      epoch,
      trainLoss: lossSum / Math.max(1, epochSteps),
      steps: epochSteps,
    };
    history.push(
      stopper === undefined ? record : { ...record, validation: stopper.observe(epoch) },
    );
    if (stopper?.shouldStop()) {
      return {
        kind: 'stopped-early',
        history,
        steps,
        restoredEpoch: stopper.restoreBest() ?? epoch,
      };
    }
  }
  const restoredEpoch = stopper?.restoreBest();
  return restoredEpoch === undefined
    ? { kind: 'completed', history, steps }
    : { kind: 'completed', history, steps, restoredEpoch };
}
