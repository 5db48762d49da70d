/**
 * Classification metrics from predicted class probabilities: accuracy, macro
 * precision / recall / F1 and one-vs-rest macro ROC AUC, with the conventions
 * of scikit-learn (`precision_recall_fscore_support(average='macro',
 * zero_division=0)`, `roc_auc_score(multi_class='ovr', average='macro')`).
 *
 * ROC AUC is computed exactly as the Mann–Whitney U statistic over average
 * ranks (H. B. Mann and D. R. Whitney, Ann. Math. Statist. 18(1), 1947;
 * J. A. Hanley and B. J. McNeil, Radiology 143(1), 1982): the probability that
 * a random positive scores above a random negative, ties counting one half.
 */

/** Metrics of a classifier on a labelled set; all rates in [0, 1]. */
export interface ClassificationMetrics {
  /** Number of samples scored. */
  readonly count: number;
  readonly numClasses: number;
  /** Share of samples whose predicted class is their label. */
  readonly accuracy: number;
  /** Mean per-class precision over the classes that occur (see {@link classificationMetrics}). */
  readonly precision: number;
  /** Mean per-class recall over the classes that occur. */
  readonly recall: number;
  /** Mean per-class F1 over the classes that occur (not the F1 of the means). */
  readonly f1: number;
  /**
   * Mean one-vs-rest ROC AUC over the classes with at least one positive and
   * one negative sample; `undefined` when no class has both.
   */
  readonly rocAuc: number | undefined;
  /** `confusion[t * numClasses + p]`: samples of true class t predicted as p. */
  readonly confusion: Int32Array;
}

/**
 * Scores `count` predictions against their labels.
 *
 * The predicted class of a sample is the argmax of its probabilities, the
 * lowest class index winning ties. Per class c: precision = TP / predicted-c
 * and recall = TP / true-c, each 0 when its denominator is 0 (sklearn's
 * zero_division=0); F1 = 2PR / (P + R), 0 when P + R = 0. The macro means run
 * over the classes that are the label or the prediction of at least one
 * sample (sklearn's default label set), so a class absent from both does not
 * count. ROC AUC uses each class's probability column as its score.
 *
 * @param probabilities `count × numClasses` scores, row-major; any finite
 *   numbers (they need not sum to 1).
 * @param labels `count` true classes in [0, numClasses).
 */
export function classificationMetrics(
  probabilities: Float32Array,
  labels: Int32Array,
  numClasses: number,
): ClassificationMetrics {
  checkInputs(probabilities, labels, numClasses);
  const count = labels.length;
  const confusion = confusionMatrix(probabilities, labels, numClasses);
  let correct = 0;
  for (let c = 0; c < numClasses; c++) correct += confusion[c * numClasses + c]!;
  return {
    count,
    numClasses,
    accuracy: correct / count,
    ...macroPrecisionRecallF1(confusion),
    rocAuc: macroRocAuc(probabilities, labels, numClasses),
    confusion,
  };
}

/** The index of the largest of `values[start .. start+length)`, relative to start; first on ties. */
export function argmax(values: ArrayLike<number>, start = 0, length = values.length): number {
  let best = 0;
  for (let c = 1; c < length; c++) {
    if (values[start + c]! > values[start + best]!) best = c;
  }
  return best;
}

function confusionMatrix(
  probabilities: Float32Array,
  labels: Int32Array,
  numClasses: number,
): Int32Array {
  const confusion = new Int32Array(numClasses * numClasses);
  labels.forEach((label, i) => {
    const predicted = argmax(probabilities, i * numClasses, numClasses);
    confusion[label * numClasses + predicted]!++;
  });
  return confusion;
}

/** Precision, recall and F1 of one class, with how many samples carry it. */
export interface ClassMetrics {
  /** Class index. */
  readonly classIndex: number;
  /** TP / samples predicted as this class; 0 when none is (zero_division=0). */
  readonly precision: number;
  /** TP / samples of this class; 0 when there are none. */
  readonly recall: number;
  /** 2PR / (P + R); 0 when P + R = 0. */
  readonly f1: number;
  /** Samples whose true class this is (a row sum of the confusion matrix). */
  readonly support: number;
  /** Samples predicted as this class (a column sum). */
  readonly predicted: number;
}

/**
 * Per-class precision, recall, F1 and support from a confusion matrix, as
 * sklearn's `precision_recall_fscore_support(average=None, zero_division=0)`.
 * The macro means of {@link classificationMetrics} are the means of these
 * over the classes with `support + predicted > 0`.
 *
 * @param confusion `confusion[t * n + p]`: samples of true class t predicted
 *   as p; its length must be a square n × n with n >= 1.
 * @returns one entry per class, in class order.
 */
export function classMetrics(confusion: ArrayLike<number>): ClassMetrics[] {
  const numClasses = Math.round(Math.sqrt(confusion.length));
  if (numClasses < 1 || numClasses * numClasses !== confusion.length) {
    throw new RangeError(
      `confusion.length(=${confusion.length}) must be a square n × n with n >= 1`,
    );
  }
  const result: ClassMetrics[] = [];
  for (let c = 0; c < numClasses; c++) {
    let support = 0;
    let predicted = 0;
    for (let k = 0; k < numClasses; k++) {
      support += confusion[c * numClasses + k]!;
      predicted += confusion[k * numClasses + c]!;
    }
    const truePositives = confusion[c * numClasses + c]!;
    const precision = predicted === 0 ? 0 : truePositives / predicted;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    result.push({ classIndex: c, precision, recall, f1, support, predicted });
  }
  return result;
}

function macroPrecisionRecallF1(confusion: Int32Array): {
  precision: number;
  recall: number;
  f1: number;
} {
  const present = classMetrics(confusion).filter((c) => c.support + c.predicted > 0);
  const mean = (pick: (c: ClassMetrics) => number): number =>
    present.reduce((sum, c) => sum + pick(c), 0) / present.length;
  return {
    precision: mean((c) => c.precision),
    recall: mean((c) => c.recall),
    f1: mean((c) => c.f1),
  };
}

function macroRocAuc(
  probabilities: Float32Array,
  labels: Int32Array,
  numClasses: number,
): number | undefined {
  const scores = new Float64Array(labels.length);
  const positive = new Uint8Array(labels.length);
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < numClasses; c++) {
    for (let i = 0; i < labels.length; i++) {
      scores[i] = probabilities[i * numClasses + c]!;
      positive[i] = labels[i] === c ? 1 : 0;
    }
    const auc = binaryRocAuc(scores, positive);
    if (auc === undefined) continue;
    sum += auc;
    classes++;
  }
  return classes === 0 ? undefined : sum / classes;
}

/**
 * ROC AUC of `scores` for telling positives from negatives: the Mann–Whitney
 * U of the positives over average ranks, divided by (positives × negatives).
 * Equals P(score of a random positive > score of a random negative) +
 * ½ P(equal). `undefined` when there are no positives or no negatives.
 *
 * @param positive per sample, truthy (e.g. 1) when it is a positive.
 */
export function binaryRocAuc(
  scores: ArrayLike<number>,
  positive: ArrayLike<number | boolean>,
): number | undefined {
  const n = scores.length;
  if (positive.length !== n) {
    throw new RangeError(`positive.length(=${positive.length}) must equal scores.length(=${n})`);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    const averageRank = (start + 1 + end) / 2; // ranks start+1 .. end, 1-based
    for (let i = start; i < end; i++) {
      if (positive[order[i]!]) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return undefined;
  const u = positiveRankSum - (positives * (positives + 1)) / 2;
  return u / (positives * negatives);
}

function checkInputs(probabilities: Float32Array, labels: Int32Array, numClasses: number): void {
  if (!Number.isSafeInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`numClasses(=${numClasses}) must be an integer >= 1`);
  }
  if (labels.length === 0) throw new RangeError('labels must hold at least one sample');
  if (probabilities.length !== labels.length * numClasses) {
    throw new RangeError(
      `probabilities.length(=${probabilities.length}) must be labels.length × numClasses (=${labels.length * numClasses})`,
    );
  }
  const badLabel = labels.findIndex((l) => l < 0 || l >= numClasses);
  if (badLabel >= 0) {
    throw new RangeError(`labels[${badLabel}](=${labels[badLabel]}) must be in [0, ${numClasses})`);
  }
  const badScore = probabilities.findIndex((p) => !Number.isFinite(p));
  if (badScore >= 0) {
    throw new RangeError(`probabilities[${badScore}](=${probabilities[badScore]}) must be finite`);
  }
}

/**
 * How far from chance (1 / classes) towards perfect accuracy a model must
 * get not to count as near chance: a quarter of the way. With 10 classes
 * the line is 0.1 + 0.25 x 0.9 = 0.325, which catches a distilled student
 * that ended at 29% (the audit's case); with 2 classes it is 0.625. A fixed
 * multiple of chance could not serve both: 3 x 1/2 is already past 100%.
 */
export const NEAR_CHANCE_GAP = 0.25;

/** Whether `accuracy` on `numClasses` classes is near chance (see {@link NEAR_CHANCE_GAP}). */
export function nearChance(accuracy: number, numClasses: number): boolean {
  const chance = 1 / numClasses;
  return accuracy - chance <= NEAR_CHANCE_GAP * (1 - chance);
}
