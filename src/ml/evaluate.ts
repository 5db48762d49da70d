/**
 * Evaluating a classifier on a labelled dataset: softmax probabilities in
 * batches, the mean cross-entropy, and the classification metrics of
 * `metrics.ts` (accuracy, macro precision / recall / F1, ROC AUC, confusion).
 */
import { batches } from './data/batches.js';
import type { Dataset } from './data/dataset.js';
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
  const handle = toHandle(model);
  checkModelFits(handle, dataset);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const out = new Float32Array(dataset.count * dataset.numClasses);
  let row = 0;
  for (const batch of batches(dataset, batchSize)) {
    const probabilities = tf.tidy(() => {
      const x = tf.tensor(batch.features, [batch.size, ...dataset.sampleShape]);
      return probabilitiesOf(handle, x);
    });
    out.set(probabilities.dataSync() as Float32Array, row * dataset.numClasses);
    probabilities.dispose();
    row += batch.size;
  }
  return out;
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
  const probabilities = predictProbabilities(model, dataset, options);
  const k = dataset.numClasses;
  let correct = 0;
  dataset.labels.forEach((label, i) => {
    if (argmax(probabilities, i * k, k) === label) correct++;
  });
  return {
    loss: crossEntropy(probabilities, dataset.labels, k),
    accuracy: dataset.count === 0 ? 0 : correct / dataset.count,
  };
}

/** Mean of -ln p(label) over the samples. */
function crossEntropy(probabilities: Float32Array, labels: Int32Array, numClasses: number): number {
  let sum = 0;
  labels.forEach((label, i) => {
    sum -= Math.log(Math.max(probabilities[i * numClasses + label]!, MIN_PROBABILITY));
  });
  return labels.length === 0 ? 0 : sum / labels.length;
}
