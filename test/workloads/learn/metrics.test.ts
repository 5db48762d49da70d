import { describe, expect, it } from 'vitest';
import { continualMetrics } from '../../../src/workloads/learn/metrics.js';

/**
 * R[i][j] = accuracy on task j after learning task i. R[1][0] = 0.92 beats the
 * diagonal R[0][0] = 0.9, so forgetting (max over earlier rows) and -BWT
 * (diagonal only) differ.
 */
const R = [
  [0.9, 0.1, 0.3],
  [0.92, 0.8, 0.3],
  [0.5, 0.7, 0.95],
];
const B = [0.1, 0.15, 0.2];

describe('continualMetrics on a hand-worked 3-task matrix', () => {
  const m = continualMetrics(R, B);

  it('average accuracy is the mean of the last row: (0.5 + 0.7 + 0.95) / 3 = 0.71666...', () => {
    expect(m.averageAccuracy).toBeCloseTo(2.15 / 3, 12);
  });

  it('forgetting: f0 = max(0.9, 0.92) - 0.5 = 0.42, f1 = max(0.1, 0.8) - 0.7 = 0.1, mean 0.26', () => {
    expect(m.forgetting).toBeCloseTo(0.26, 12);
  });

  it('BWT: (0.5 - 0.9) = -0.4 and (0.7 - 0.8) = -0.1, mean -0.25', () => {
    expect(m.backwardTransfer).toBeCloseTo(-0.25, 12);
  });

  it('FWT: R[0][1] - b1 = 0.1 - 0.15 = -0.05, R[1][2] - b2 = 0.3 - 0.2 = 0.1, mean 0.025', () => {
    expect(m.forwardTransfer).toBeCloseTo(0.025, 12);
    expect(m.tasks).toBe(3);
  });

  it('without a baseline FWT is undefined, the rest unchanged', () => {
    const n = continualMetrics(R);
    expect(n.forwardTransfer).toBeUndefined();
    expect(n.forgetting).toBe(m.forgetting);
  });

  it('one task has an average accuracy and no transfer or forgetting', () => {
    expect(continualMetrics([[0.8]])).toEqual({
      tasks: 1,
      averageAccuracy: 0.8,
      forgetting: undefined,
      backwardTransfer: undefined,
      forwardTransfer: undefined,
    });
  });
});

describe('continualMetrics refuses bad matrices', () => {
  it('names a non-square row', () => {
    expect(() => continualMetrics([[1, 0], [1]])).toThrow(/row 1 has 1 values; must have 2/);
  });
  it('names an empty matrix', () => {
    expect(() => continualMetrics([])).toThrow(RangeError);
  });
  it('names a non-finite entry', () => {
    expect(() =>
      continualMetrics([
        [1, Number.NaN],
        [0, 1],
      ]),
    ).toThrow(/\[0\]\[1\]\(=NaN\)/);
  });
  it('names a baseline of the wrong length', () => {
    expect(() => continualMetrics([[1]], [0, 1])).toThrow(/baseline length\(=2\)/);
  });
});
