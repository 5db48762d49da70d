/**
 * Scoring the global model on the held-out split, in ranges that threads
 * share: each range gives the probability of every sample's label (for the
 * loss), the samples whose most probable class is their label, and the
 * confusion counts; {@link mergeScores} joins the ranges, in order, into the
 * same loss and accuracy as one pass over the split (see
 * `lossAndAccuracyFromScores`) and the split's confusion matrix.
 */
import type { Dataset } from '../../ml/data/dataset.js';
import { subset } from '../../ml/data/split.js';
import {
  type LabelScores,
  lossAndAccuracyFromScores,
  predictProbabilities,
  type SampleRange,
} from '../../ml/evaluate.js';
import { argmax } from '../../ml/metrics.js';
import type { ModelLike } from '../../ml/models/handle.js';

/** A range's label scores and its confusion counts. */
export interface RangeScores extends LabelScores {
  /** `confusion[actual * numClasses + predicted]`: the range's samples of class `actual` predicted as `predicted`. */
  readonly confusion: Int32Array;
}

/** The global model's scores on the whole held-out split. */
export interface Score {
  /** Mean cross-entropy, nats. */
  readonly loss: number;
  readonly accuracy: number;
  /** `confusion[actual * numClasses + predicted]`, summed over every range. */
  readonly confusion: Int32Array;
  readonly numClasses: number;
}

/**
 * The scores of samples `range` of `test`. Forward passes of `batchSize`
 * samples from `range.start`, as `scoreLabels` takes them, so the label
 * probabilities are the same bits. Ties in the predicted class go to the
 * lowest class (`argmax`).
 */
export function scoreRange(
  model: ModelLike,
  test: Dataset,
  range: SampleRange,
  batchSize: number,
): RangeScores {
  const k = test.numClasses;
  const indices = Int32Array.from({ length: range.end - range.start }, (_, i) => range.start + i);
  const slice = subset(test, indices);
  const probabilities = predictProbabilities(model, slice, { batchSize });
  const labelProbabilities = new Float32Array(slice.count);
  const confusion = new Int32Array(k * k);
  let correct = 0;
  for (let i = 0; i < slice.count; i++) {
    const label = slice.labels[i]!;
    const predicted = argmax(probabilities, i * k, k);
    labelProbabilities[i] = probabilities[i * k + label]!;
    confusion[label * k + predicted]!++;
    if (predicted === label) correct++;
  }
  return { labelProbabilities, correct, confusion };
}

/** The scores of consecutive ranges covering the split, given in sample order. */
export function mergeScores(parts: readonly RangeScores[], numClasses: number): Score {
  const confusion = new Int32Array(numClasses * numClasses);
  for (const part of parts) {
    if (part.confusion.length !== confusion.length)
      throw new RangeError(
        `a range's confusion holds ${part.confusion.length} counts; ${numClasses} classes need ${confusion.length}`,
      );
    for (let i = 0; i < confusion.length; i++) confusion[i]! += part.confusion[i]!;
  }
  return { ...lossAndAccuracyFromScores(parts), confusion, numClasses };
}
