import { describe, expect, it } from 'vitest';
import {
  adagradSecondMoment,
  adamSecondMoment,
  adamStepSize,
  adaptiveStep,
  axpy,
  firstMoment,
  momentumVelocity,
  pseudoGradient,
  scaffoldClientControl,
  scaffoldServerControl,
  scaffoldServerModel,
  sgdStep,
  subtract,
  weightedAverage,
  yogiSecondMoment,
} from '../../../src/workloads/federated/index.js';

const f32 = (...values: number[]): Float32Array => Float32Array.from(values);

/** A deterministic non-trivial vector (no randomness needed for these checks). */
function wave(length: number, phase: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => Math.sin(i * 0.37 + phase) * (1 + (i % 7)));
}

describe('weightedAverage', () => {
  it('returns an update exactly when every client sent that update', () => {
    // Prepare: three clients with the same model and different example counts.
    const update = f32(0.1, -2.5, 1e-3, 3.4028234663852886e38, 0);
    const updates = [update, Float32Array.from(update), Float32Array.from(update)];
    // Execute
    const average = weightedAverage(updates, [3, 5, 7]);
    // Assert: Σ n_k·u / Σ n_k = 15u/15 is exact in float64 for integer counts.
    expect(average).toEqual(update);
  });

  it('weights each update by its weight and divides by the total', () => {
    const updates = [f32(1, 2), f32(3, 6), f32(0, -4)];
    // (1·1 + 2·3 + 1·0)/4 = 7/4 and (1·2 + 2·6 + 1·(−4))/4 = 10/4.
    expect(weightedAverage(updates, [1, 2, 1])).toEqual(f32(1.75, 2.5));
  });

  it('ignores an update whose weight is 0', () => {
    // (2·4 + 0·1000)/2 = 4.
    expect(weightedAverage([f32(4), f32(1000)], [2, 0])).toEqual(f32(4));
  });

  it('adds clients left to right in the given order', () => {
    // 2^60 + 1 rounds back to 2^60 in float64, so the 1 survives only when
    // the two large values cancel before it is added.
    const big = 2 ** 60;
    const bigThenOne = weightedAverage([f32(big), f32(1), f32(-big)], [1, 1, 1]);
    const cancelFirst = weightedAverage([f32(big), f32(-big), f32(1)], [1, 1, 1]);
    expect(bigThenOne).toEqual(f32(0));
    expect(cancelFirst).toEqual(f32(1 / 3));
  });

  it('equals a float64 left-to-right sum divided by the total, bit for bit', () => {
    // Prepare: 7 clients (one group of four plus three single ones) and a
    // length that spans several blocks and ends in a partial one.
    const length = 10_001;
    const updates = Array.from({ length: 7 }, (_, k) => wave(length, k));
    const weights = [3, 1, 4, 1, 5, 9, 2.5];
    // Execute
    const average = weightedAverage(updates, weights);
    // Assert against the definition, written the slow obvious way.
    const total = weights.reduce((a, b) => a + b, 0);
    const expected = new Float32Array(length);
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (let k = 0; k < updates.length; k++) sum += weights[k]! * updates[k]![i]!;
      expected[i] = sum / total;
    }
    expect(average).toEqual(expected);
  });

  it('gives bitwise identical results on repeated calls', () => {
    const updates = Array.from({ length: 5 }, (_, k) => wave(5000, k));
    const first = weightedAverage(updates, [1, 2, 3, 4, 5]);
    const second = weightedAverage(updates, [1, 2, 3, 4, 5]);
    expect(new Uint32Array(second.buffer)).toEqual(new Uint32Array(first.buffer));
  });

  it('writes into out when given and leaves the updates unchanged', () => {
    const a = f32(1, 2);
    const b = f32(3, 4);
    const out = new Float32Array(2);
    const result = weightedAverage([a, b], [1, 1], out);
    expect(result).toBe(out);
    expect(out).toEqual(f32(2, 3));
    expect([a, b]).toEqual([f32(1, 2), f32(3, 4)]);
  });

  it('rejects updates of different lengths, naming them', () => {
    expect(() => weightedAverage([f32(1, 2), f32(1)], [1, 1])).toThrow(
      'updates[1].length(=1) must equal updates[0].length(=2)',
    );
  });

  it('rejects a negative weight, naming it', () => {
    expect(() => weightedAverage([f32(1), f32(2)], [1, -1])).toThrow(
      'weights[1](=-1) must be finite and >= 0',
    );
  });

  it('rejects weights that total 0', () => {
    expect(() => weightedAverage([f32(1), f32(2)], [0, 0])).toThrow("the weights' total(=0)");
  });

  it('rejects an empty list of updates', () => {
    expect(() => weightedAverage([], [])).toThrow('at least one update');
  });
});

describe('vector helpers', () => {
  it('subtract returns a − b', () => {
    expect(subtract(f32(5, 1), f32(2, 3))).toEqual(f32(3, -2));
  });

  it('axpy returns alpha·x + y without touching y', () => {
    const y = f32(1, 1);
    // 2·(3, −1) + (1, 1) = (7, −1).
    expect(axpy(2, f32(3, -1), y)).toEqual(f32(7, -1));
    expect(y).toEqual(f32(1, 1));
  });

  it('may write in place into one of its inputs', () => {
    const y = f32(1, 1);
    axpy(0.5, f32(2, 4), y, y);
    expect(y).toEqual(f32(2, 3));
  });

  it('rejects inputs of different lengths', () => {
    expect(() => subtract(f32(1, 2), f32(1))).toThrow('b.length(=1) must equal a.length(=2)');
  });
});

describe('server momentum (FedAvgM) kernels', () => {
  it('takes the pseudo-gradient as global minus average', () => {
    expect(pseudoGradient(f32(1, 2), f32(2, 5))).toEqual(f32(-1, -3));
  });

  it('updates the velocity as momentum·v + g', () => {
    // 0.5·(−1, −3) + (−1, 0) = (−1.5, −1.5).
    expect(momentumVelocity(f32(-1, -3), f32(-1, 0), 0.5)).toEqual(f32(-1.5, -1.5));
  });

  it('steps against the direction by the learning rate', () => {
    // (1, 2) − 0.5·(−1, −3) = (1.5, 3.5).
    expect(sgdStep(f32(1, 2), f32(-1, -3), 0.5)).toEqual(f32(1.5, 3.5));
  });
});

describe('adaptive server optimizer (FedOpt) kernels', () => {
  it('updates the first moment as β1·m + (1 − β1)·Δ', () => {
    // 0.5·(2, 0) + 0.5·(1, 2) = (1.5, 1).
    expect(firstMoment(f32(2, 0), f32(1, 2), 0.5)).toEqual(f32(1.5, 1));
  });

  it("updates Adam's second moment as β2·v + (1 − β2)·Δ²", () => {
    // 0.75·(4, 0) + 0.25·(1, 4) = (3.25, 1).
    expect(adamSecondMoment(f32(4, 0), f32(1, 2), 0.75)).toEqual(f32(3.25, 1));
  });

  it("moves Yogi's second moment towards Δ² by (1 − β2)·Δ² whichever side it is on", () => {
    // v − 0.25·Δ²·sign(v − Δ²) with Δ² = (1, 1, 1):
    // v = 0.25 < 1: 0.25 + 0.25 = 0.5;  v = 2 > 1: 2 − 0.25 = 1.75;  v = 1: unchanged.
    expect(yogiSecondMoment(f32(0.25, 2, 1), f32(1, -1, 1), 0.75)).toEqual(f32(0.5, 1.75, 1));
  });

  it("accumulates Adagrad's second moment as v + Δ²", () => {
    expect(adagradSecondMoment(f32(1, 0), f32(2, -3))).toEqual(f32(5, 9));
  });

  it('steps by η·m / (√v + τ)', () => {
    // (1, 2) + 2·(1, −3)/(√(4, 9) + 1) = (1 + 2/3, 2 − 6/4).
    expect(adaptiveStep(f32(1, 2), f32(1, -3), f32(4, 9), 2, 1)).toEqual(f32(1 + 2 / 3, 0.5));
  });

  it("bias-corrects Adam's step size with Flower's exponent round + 1", () => {
    // Round 1, exponent 2: 0.1·√(1 − 0.75²)/(1 − 0.5²) = 0.1·√0.4375/0.75 = 0.0881917...
    expect(adamStepSize(0.1, 0.5, 0.75, 1)).toBeCloseTo(0.08819171036881969, 15);
  });
});

describe('SCAFFOLD kernels', () => {
  it("computes a client's control variate by option II", () => {
    // c_i − c + (x − y)/(K·η_l) with K·η_l = 4·0.125 = 0.5:
    // (0.5 − 0.25 + 0.5/0.5, 0 + 0.5 − 1/0.5) = (1.25, −1.5).
    const next = scaffoldClientControl(
      f32(0.5, 0),
      f32(0.25, -0.5),
      f32(1, 1),
      f32(0.5, 2),
      4,
      0.125,
    );
    expect(next).toEqual(f32(1.25, -1.5));
  });

  it('moves the server control variate by the control deltas summed over N', () => {
    // c + (1/N)·Σ Δc_i = (0, 0) + ((1, 0) + (0, −2))/4 = (0.25, −0.5).
    const next = scaffoldServerControl(f32(0, 0), [f32(1, 0), f32(0, -2)], 4);
    expect(next).toEqual(f32(0.25, -0.5));
  });

  it('moves the model by η_g times the unweighted mean client change', () => {
    // x + 0.5·mean(y_i − x) = (1, 1) + 0.5·((2, 0) + (0, 4))/2 = (1.5, 2).
    const next = scaffoldServerModel(f32(1, 1), [f32(3, 1), f32(1, 5)], 0.5);
    expect(next).toEqual(f32(1.5, 2));
  });

  it('rejects more control deltas than clients in the federation', () => {
    expect(() => scaffoldServerControl(f32(0), [f32(1), f32(1)], 1)).toThrow(
      'the number of control deltas(=2) must be in [1, totalClients(=1)]',
    );
  });

  it('rejects a non-positive local step count', () => {
    expect(() => scaffoldClientControl(f32(0), f32(0), f32(0), f32(0), 0, 0.1)).toThrow(
      'localSteps(=0) must be an integer >= 1',
    );
  });
});
