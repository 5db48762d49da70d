import { describe, expect, it } from 'vitest';
import { binaryRocAuc, classificationMetrics, classMetrics } from '../../src/ml/metrics.js';

/**
 * Six samples, three classes. Predictions (argmax, lowest index on ties):
 *   sample  label  probabilities      predicted
 *   0       0      0.7 0.2 0.1        0
 *   1       0      0.3 0.4 0.3        1
 *   2       1      0.2 0.5 0.3        1
 *   3       1      0.4 0.4 0.2        0  (tie between 0 and 1: class 0 wins)
 *   4       2      0.1 0.2 0.7        2
 *   5       2      0.3 0.4 0.3        1
 */
const SIX_LABELS = Int32Array.from([0, 0, 1, 1, 2, 2]);
const SIX_PROBABILITIES = Float32Array.from([
  0.7, 0.2, 0.1, 0.3, 0.4, 0.3, 0.2, 0.5, 0.3, 0.4, 0.4, 0.2, 0.1, 0.2, 0.7, 0.3, 0.4, 0.3,
]);

describe('classificationMetrics', () => {
  const six = classificationMetrics(SIX_PROBABILITIES, SIX_LABELS, 3);

  it('counts predictions in a confusion matrix, rows by true class', () => {
    // True 0 -> predicted 0, 1; true 1 -> 1, 0; true 2 -> 2, 1.
    expect([...six.confusion]).toEqual([1, 1, 0, 1, 1, 0, 0, 1, 1]);
  });

  it('gives the share of correct predictions as accuracy', () => {
    // Samples 0, 2 and 4 are right: 3 of 6.
    expect(six.accuracy).toBe(0.5);
    expect(six.count).toBe(6);
  });

  it('averages per-class precision, recall and F1 over the classes', () => {
    // Precision: 1/2, 1/3, 1/1 -> 11/18. Recall: 1/2, 1/2, 1/2 -> 1/2.
    // F1: 1/2, 2·(1/3)(1/2)/(5/6) = 2/5, 2·1·(1/2)/(3/2) = 2/3 -> 47/90.
    expect(six.precision).toBeCloseTo(11 / 18, 12);
    expect(six.recall).toBeCloseTo(1 / 2, 12);
    expect(six.f1).toBeCloseTo(47 / 90, 12);
  });

  it('averages one-vs-rest ROC AUC over classes, ties counting one half', () => {
    // Pairs (positive, negative) where the positive scores higher, ties ½:
    // class 0: 0.7 beats all 4; 0.3 beats 0.2, 0.1, ties 0.3 -> 6.5 / 8.
    // class 1: 0.5 beats all 4; 0.4 beats 0.2, 0.2, ties 0.4 twice -> 7 / 8.
    // class 2: 0.7 beats all 4; 0.3 beats 0.1, 0.2, ties 0.3 twice -> 7 / 8.
    // Mean: (6.5 + 7 + 7) / 24 = 41/48.
    expect(six.rocAuc).toBeCloseTo(41 / 48, 12);
  });

  it('scores a perfect classifier 1 everywhere with a diagonal confusion matrix', () => {
    const labels = Int32Array.from([0, 1, 2, 1]);
    const probabilities = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0]);
    const perfect = classificationMetrics(probabilities, labels, 3);
    expect(perfect).toMatchObject({ accuracy: 1, precision: 1, recall: 1, f1: 1, rocAuc: 1 });
    expect([...perfect.confusion]).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 1]);
  });

  it('scores an inverted classifier 0 everywhere', () => {
    // Two classes; every sample gets its own class's lowest score.
    const labels = Int32Array.from([0, 0, 1, 1]);
    const probabilities = Float32Array.from([0.2, 0.8, 0.1, 0.9, 0.7, 0.3, 0.6, 0.4]);
    const inverted = classificationMetrics(probabilities, labels, 2);
    expect(inverted).toMatchObject({ accuracy: 0, precision: 0, recall: 0, f1: 0, rocAuc: 0 });
    expect([...inverted.confusion]).toEqual([0, 2, 2, 0]);
  });

  it('leaves a class that is neither a label nor a prediction out of the averages', () => {
    // Class 2 never occurs: precision 1 over classes 0 and 1 (not 2/3), and
    // its AUC (no positives) is undefined and left out.
    const probabilities = Float32Array.from([0.9, 0.1, 0, 0.1, 0.9, 0]);
    const result = classificationMetrics(probabilities, Int32Array.from([0, 1]), 3);
    expect(result).toMatchObject({ precision: 1, recall: 1, f1: 1, rocAuc: 1 });
  });

  it('counts a predicted class with no samples as precision 0 and recall 0', () => {
    // Labels [0, 0], predictions [0, 1]. Class 0: P = 1, R = 1/2, F1 = 2/3;
    // class 1: P = 0/1, R = 0 (no samples; zero_division = 0), F1 = 0.
    // No class has both positives and negatives, so there is no AUC.
    const probabilities = Float32Array.from([0.8, 0.2, 0.3, 0.7]);
    const result = classificationMetrics(probabilities, Int32Array.from([0, 0]), 2);
    expect(result.precision).toBe(0.5);
    expect(result.recall).toBe(0.25);
    expect(result.f1).toBeCloseTo(1 / 3, 12);
    expect(result.rocAuc).toBeUndefined();
  });

  it('rejects probabilities of the wrong length and labels out of range', () => {
    const labels = Int32Array.from([0, 3]);
    expect(() => classificationMetrics(new Float32Array(5), labels, 3)).toThrow(
      'probabilities.length(=5) must be labels.length × numClasses (=6)',
    );
    expect(() => classificationMetrics(new Float32Array(6), labels, 3)).toThrow(
      'labels[1](=3) must be in [0, 3)',
    );
  });
});

describe('classMetrics', () => {
  it('gives each class its precision, recall, F1 and support from the confusion matrix', () => {
    // The six-sample matrix [[1,1,0],[1,1,0],[0,1,1]] (rows true, columns predicted):
    // class 0: TP 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2.
    // class 1: TP 1, predicted 3, support 2 -> P 1/3, R 1/2, F1 2(1/6)/(5/6) = 2/5.
    // class 2: TP 1, predicted 1, support 2 -> P 1, R 1/2, F1 2(1/2)/(3/2) = 2/3.
    const perClass = classMetrics(Int32Array.from([1, 1, 0, 1, 1, 0, 0, 1, 1]));
    expect(perClass.map((c) => c.support)).toEqual([2, 2, 2]);
    expect(perClass.map((c) => c.predicted)).toEqual([2, 3, 1]);
    expect(perClass.map((c) => c.precision)).toEqual([1 / 2, 1 / 3, 1]);
    expect(perClass.map((c) => c.recall)).toEqual([1 / 2, 1 / 2, 1 / 2]);
    expect(perClass[0]!.f1).toBeCloseTo(1 / 2, 12);
    expect(perClass[1]!.f1).toBeCloseTo(2 / 5, 12);
    expect(perClass[2]!.f1).toBeCloseTo(2 / 3, 12);
  });

  it('has the macro averages of classificationMetrics as its means over present classes', () => {
    const six = classificationMetrics(SIX_PROBABILITIES, SIX_LABELS, 3);
    const perClass = classMetrics(six.confusion);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(six.precision).toBe(mean(perClass.map((c) => c.precision)));
    expect(six.recall).toBe(mean(perClass.map((c) => c.recall)));
    expect(six.f1).toBe(mean(perClass.map((c) => c.f1)));
  });

  it('scores a class with no samples and no predictions 0 with support 0', () => {
    // [[2,0],[0,0]]: class 1 never occurs.
    const [, absent] = classMetrics([2, 0, 0, 0]);
    expect(absent).toEqual({
      classIndex: 1,
      precision: 0,
      recall: 0,
      f1: 0,
      support: 0,
      predicted: 0,
    });
  });

  it('rejects a confusion matrix that is not square', () => {
    expect(() => classMetrics(new Int32Array(5))).toThrow(
      'confusion.length(=5) must be a square n × n with n >= 1',
    );
  });
});

describe('binaryRocAuc', () => {
  it('is the share of (positive, negative) pairs ranked correctly', () => {
    // Positives 0.35, 0.8; negatives 0.1, 0.4. Correct pairs: 0.35 > 0.1,
    // 0.8 > 0.1, 0.8 > 0.4; wrong: 0.35 < 0.4 -> 3/4.
    expect(binaryRocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('is 1/2 when all scores tie', () => {
    expect(binaryRocAuc([0.5, 0.5, 0.5, 0.5, 0.5], [1, 0, 0, 1, 0])).toBe(0.5);
  });

  it('gives tied pairs one half: U from average ranks', () => {
    // Scores 1, 2, 2, 2, 3 have average ranks 1, 3, 3, 3, 5. Positives at
    // scores 2 and 3: rank sum 8, U = 8 - 2·3/2 = 5, AUC = 5 / (2·3) = 5/6.
    // By pairs: 2 beats 1, ties 2 and 2 (½ + ½); 3 beats all 3 -> 5 of 6.
    expect(binaryRocAuc([1, 2, 2, 2, 3], [false, true, false, false, true])).toBeCloseTo(5 / 6, 12);
  });

  it('is undefined without positives or without negatives', () => {
    expect(binaryRocAuc([0.1, 0.9], [0, 0])).toBeUndefined();
    expect(binaryRocAuc([0.1, 0.9], [1, 1])).toBeUndefined();
  });
});
