/**
 * Evaluating a classifier on a labelled dataset: softmax probabilities in
 * batches, the mean cross-entropy, and the classification metrics of
 * `metrics.ts` (accuracy, macro precision / recall / F1, ROC AUC, confusion).
 */
import { type Dataset, featureCount } from './data/dataset.js';
import { argmax, type ClassificationMetrics, classificationMetrics } from './metrics.js';
import { checkModelFits, type ModelLike, probabilitiesOf, toHandle } from './models/handle.js';
import { tf } from './runtime.js';

/** Options of {@link evaluateModel} and {@link predictProbabilities}. */
export interface EvaluateOptions {
  /** Samples per forward pass (default 256); affects memory, not results. */
  readonly batchSize?: number;
}

/** A model's scores on a dataset. */
export interface Evaluation extends ClassificationMetrics {
  /** Mean cross-entropy, -ln p(label), in nats; a probability of 0 counts as 1e-30 (69 nats). */
  readonly loss: number;
}

const DEFAULT_BATCH_SIZE = 256;
const MIN_PROBABILITY = 1e-30;

/**
 * Class probabilities for every sample, `count × numClasses` row-major
 * (softmax of the logits, or the model's own softmax output). Inference mode:
 * no dropout, batch norm on its moving statistics.
 */
export function predictProbabilities(
  model: ModelLike,
  dataset: Dataset,
  options: EvaluateOptions = {},
): Float32Array {
  const out = new Float32Array(dataset.count * dataset.numClasses);
  forEachBatch(model, dataset, { start: 0, end: dataset.count }, options, (probabilities, first) =>
    out.set(probabilities, first * dataset.numClasses),
  );
  return out;
}

/** Samples `start` (inclusive) to `end` (exclusive) of a dataset. */
export interface SampleRange {
  readonly start: number;
  readonly end: number;
}

/**
 * What {@link lossAndAccuracy} needs from a range of samples: the
 * probability the model gives each sample's label, in sample order, and how
 * many samples' most probable class is their label.
 */
export interface LabelScores {
  readonly labelProbabilities: Float32Array;
  readonly correct: number;
}

/**
 * The label scores of samples `range` (default: all). Its batches start at
 * `range.start`, so ranges that start at multiples of the batch size see the
 * same batches, and get the same bits, as one pass over the whole dataset:
 * that is how threads share an evaluation (see {@link lossAndAccuracyFromScores}).
 */
export function scoreLabels(
  model: ModelLike,
  dataset: Dataset,
  range: SampleRange = { start: 0, end: dataset.count },
  options: EvaluateOptions = {},
): LabelScores {
  const k = dataset.numClasses;
  const labelProbabilities = new Float32Array(range.end - range.start);
  let correct = 0;
  forEachBatch(model, dataset, range, options, (probabilities, first, size) => {
    for (let i = 0; i < size; i++) {
      const label = dataset.labels[first + i]!;
      labelProbabilities[first - range.start + i] = probabilities[i * k + label]!;
      if (argmax(probabilities, i * k, k) === label) correct++;
    }
  });
  return { labelProbabilities, correct };
}

/**
 * Loss and accuracy from the label scores of consecutive ranges that cover a
 * dataset, given in sample order: the same numbers, bit for bit, as
 * {@link lossAndAccuracy} of the whole (the loss is summed sample by sample
 * in that order).
 */
export function lossAndAccuracyFromScores(parts: readonly LabelScores[]): {
  loss: number;
  accuracy: number;
} {
  let sum = 0;
  let correct = 0;
  let count = 0;
  for (const part of parts) {
    for (const p of part.labelProbabilities) sum -= Math.log(Math.max(p, MIN_PROBABILITY));
    correct += part.correct;
    count += part.labelProbabilities.length;
  }
  return count === 0 ? { loss: 0, accuracy: 0 } : { loss: sum / count, accuracy: correct / count };
}

/** Runs the model over `range` in batches; hands each batch's probabilities (`size × numClasses`) to `visit`. */
function forEachBatch(
  model: ModelLike,
  dataset: Dataset,
  range: SampleRange,
  options: EvaluateOptions,
  visit: (probabilities: Float32Array, first: number, size: number) => void,
): void {
  const handle = toHandle(model);
  checkModelFits(handle, dataset);
  const { start, end } = range;
  if (
    !(
      Number.isSafeInteger(start) &&
      Number.isSafeInteger(end) &&
      0 <= start &&
      start <= end &&
      end <= dataset.count
    )
  )
    throw new RangeError(`range [${start}, ${end}) must lie within [0, ${dataset.count}]`);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize(=${batchSize}) must be an integer >= 1`);
  const width = featureCount(dataset);
  for (let first = start; first < end; first += batchSize) {
    const size = Math.min(batchSize, end - first);
    const probabilities = tf.tidy(() => {
      // A fresh copy: the CPU backend may keep the array a tensor was made from.
      const features = dataset.features.slice(first * width, (first + size) * width);
      const x = tf.tensor(features, [size, ...dataset.sampleShape]);
      return probabilitiesOf(handle, x);
    });
    visit(probabilities.dataSync() as Float32Array, first, size);
    probabilities.dispose();
  }
}

/** Loss and classification metrics of `model` on `dataset` (see {@link Evaluation}). */
export function evaluateModel(
  model: ModelLike,
  dataset: Dataset,
  options: EvaluateOptions = {},
): Evaluation {
  return evaluateFromProbabilities(predictProbabilities(model, dataset, options), dataset);
}

/**
 * Loss and classification metrics from class probabilities already computed
 * (`dataset.count × numClasses`, row-major), e.g. by a quantized forward pass.
 */
export function evaluateFromProbabilities(
  probabilities: Float32Array,
  dataset: Pick<Dataset, 'labels' | 'numClasses'>,
): Evaluation {
  return {
    loss: crossEntropy(probabilities, dataset.labels, dataset.numClasses),
    ...classificationMetrics(probabilities, dataset.labels, dataset.numClasses),
  };
}

/** Loss and accuracy only: what early stopping watches, without the cost of ROC AUC. */
export function lossAndAccuracy(
  model: ModelLike,
  dataset: Dataset,
  options: EvaluateOptions = {},
): { loss: number; accuracy: number } {
  return lossAndAccuracyFromScores([
    scoreLabels(model, dataset, { start: 0, end: dataset.count }, options),
  ]);
}

/** Mean of -ln p(label) over the samples. */
function crossEntropy(probabilities: Float32Array, labels: Int32Array, numClasses: number): number {
  let sum = 0;
  labels.forEach((label, i) => {
    sum -= Math.log(Math.max(probabilities[i * numClasses + label]!, MIN_PROBABILITY));
  });
  return labels.length === 0 ? 0 : sum / labels.length;
}
