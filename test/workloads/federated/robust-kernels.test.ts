/**
 * The robust aggregation kernels: coordinate-wise median (numpy.median),
 * trimmed mean (scipy.stats.trim_mean), Krum / Multi-Krum (Blanchard et al.,
 * NeurIPS 2017) and Bulyan (El Mhamdi et al., ICML 2018). Expected values
 * are worked out by hand in the comments; each client model is a row, each
 * coordinate a column.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileWat } from '../../../scripts/build-simd.js';
import { RandomStreams } from '../../../src/engine/random.js';
import {
  bulyan,
  bulyanSelect,
  closestToMedianMean,
  requireBulyan,
} from '../../../src/workloads/federated/kernels/robust/bulyan.js';
import { coordinateMedian } from '../../../src/workloads/federated/kernels/robust/coordinate-median.js';
import { DISTANCES_WASM_BASE64 } from '../../../src/workloads/federated/kernels/robust/distances-wasm.js';
import { krumScores, multiKrum } from '../../../src/workloads/federated/kernels/robust/krum.js';
import { pairwiseSquaredDistances } from '../../../src/workloads/federated/kernels/robust/pairwise-distances.js';
import { trimmedMean } from '../../../src/workloads/federated/kernels/robust/trimmed-mean.js';
import { f32 } from '../../helpers/fl.js';

/** Client models from rows of numbers. */
const rows = (...values: number[][]) => values.map((v) => f32(...v));
/** One coordinate: one single-value model per client. */
const column = (...values: number[]) => values.map((v) => f32(v));

describe('coordinateMedian', () => {
  it('takes the middle value of each coordinate for an odd count', () => {
    // Columns {1, 5, 3} → 3, {−2, 0, 4} → 0, {3, −1, 2} → 2.
    const models = rows([1, -2, 3], [5, 0, -1], [3, 4, 2]);
    expect(coordinateMedian(models)).toEqual(f32(3, 0, 2));
  });

  it('averages the two middle values for an even count, as numpy.median', () => {
    // {4, 1, 3, 2} → (2 + 3)/2 = 2.5; {−1, −5, −3, 7} → (−3 + −1)/2 = −2;
    // ties {2, 2, 5, 2} → (2 + 2)/2 = 2; {0.5, −0.25, 8, −8} → (−0.25 + 0.5)/2 = 0.125.
    const models = rows([4, -1, 2, 0.5], [1, -5, 2, -0.25], [3, -3, 5, 8], [2, 7, 2, -8]);
    expect(coordinateMedian(models)).toEqual(f32(2.5, -2, 2, 0.125));
  });

  it('gives +0 for a zero median, whichever of −0 and +0 the values hold', () => {
    // numpy gives −0.0 for median([−0.0, −0.0]); here every zero result is +0.
    expect(Object.is(coordinateMedian(column(-0, -0))[0], 0)).toBe(true);
    expect(Object.is(coordinateMedian(column(-0, 0, 1))[0], 0)).toBe(true);
    expect(Object.is(coordinateMedian(column(-0, -0, -0))[0], 0)).toBe(true);
  });

  it('is NaN in a coordinate where a value is NaN, as numpy.median', () => {
    const result = coordinateMedian(rows([1, Number.NaN], [2, 5], [3, 6]));
    expect(result[0]).toBe(2);
    expect(result[1]).toBeNaN();
  });

  it('returns the one model of one client', () => {
    expect(coordinateMedian(rows([1.5, -2]))).toEqual(f32(1.5, -2));
  });

  it('equals the middle of a full sort on many clients, duplicates included', () => {
    // 37 and 40 clients (past the insertion-sort cut-off), values in a small set so ties abound.
    for (const n of [37, 40]) {
      const models = randomModels(n, 300, 7);
      const expected = Array.from({ length: 300 }, (_, i) => {
        const s = models.map((m) => m[i]!).sort((a, b) => a - b);
        return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
      });
      expect(coordinateMedian(models)).toEqual(Float32Array.from(expected));
    }
  });
});

describe('trimmedMean', () => {
  it('drops floor(β·n) values at each end and averages the rest', () => {
    // n = 5, β = 0.2: one dropped at each end. {1, 5, 3, 100, −50} → mean(1, 3, 5) = 3;
    // negatives {−3, −1, −2, −10, 4} → mean(−3, −2, −1) = −2; ties {2, 2, 9, 2, −1} → 2.
    const models = rows([1, -3, 2], [5, -1, 2], [3, -2, 9], [100, -10, 2], [-50, 4, -1]);
    expect(trimmedMean(models, 0.2)).toEqual(f32(3, -2, 2));
  });

  it("matches scipy's documented example: trim_mean(arange(20), 0.1) = 9.5", () => {
    // floor(0.1·20) = 2 dropped at each end: mean(2..17) = 9.5 (scipy.stats.trim_mean docstring).
    const models = column(...Array.from({ length: 20 }, (_, i) => 19 - i));
    expect(trimmedMean(models, 0.1)).toEqual(f32(9.5));
  });

  it('drops nothing when floor(β·n) is 0 and averages all values', () => {
    // n = 6, β = 0.15: floor(0.9) = 0; mean(1, 2, 3, 4, 5, 15) = 5.
    expect(trimmedMean(column(1, 2, 3, 4, 5, 15), 0.15)).toEqual(f32(5));
  });

  it('keeps the two middle values of four with β = 0.25, as the median does', () => {
    // floor(0.25·4) = 1: {4, 1, 3, 2} → mean(2, 3) = 2.5.
    expect(trimmedMean(column(4, 1, 3, 2), 0.25)).toEqual(f32(2.5));
  });

  it('keeps only the median of an odd count when floor(β·n) = (n − 1)/2', () => {
    // n = 5, β = 0.4: floor(2) = 2 dropped at each end of {5, 1, 4, 2, 3}: 3 is left.
    expect(trimmedMean(column(5, 1, 4, 2, 3), 0.4)).toEqual(f32(3));
    // n = 41, β = 0.49: floor(20.09) = 20 at each end, the median alone.
    const models = randomModels(41, 200, 13);
    expect(trimmedMean(models, 0.49)).toEqual(coordinateMedian(models));
  });

  it('gives +0 for −0 values and NaN where a value is NaN', () => {
    expect(Object.is(trimmedMean(column(-0, -0, -0), 0.2)[0], 0)).toBe(true);
    expect(trimmedMean(column(1, Number.NaN, 3), 0.2)[0]).toBeNaN();
  });

  it('refuses β outside [0, 0.5)', () => {
    expect(() => trimmedMean(column(1, 2), 0.5)).toThrow('beta(=0.5) must be in [0, 0.5)');
    expect(() => trimmedMean(column(1, 2), -0.1)).toThrow('beta(=-0.1) must be in [0, 0.5)');
  });

  it('equals the mean of the middle of a full sort on many clients', () => {
    // 41 clients, β = 0.2: floor(8.2) = 8 dropped at each end, 25 kept.
    const models = randomModels(41, 200, 11);
    const result = trimmedMean(models, 0.2);
    for (let i = 0; i < 200; i++) {
      const kept = models
        .map((m) => m[i]!)
        .sort((a, b) => a - b)
        .slice(8, 33);
      expect(result[i]).toBeCloseTo(kept.reduce((s, v) => s + v, 0) / 25, 5);
    }
  });
});

describe('pairwiseSquaredDistances', () => {
  it('holds ‖u_k − u_l‖² for every pair, symmetric with a zero diagonal', () => {
    // (0, 0)–(3, 4): 25; (0, 0)–(1, 1): 2; (3, 4)–(1, 1): 4 + 9 = 13.
    const d = pairwiseSquaredDistances(rows([0, 0], [3, 4], [1, 1]));
    expect(Array.from(d)).toEqual([0, 25, 2, 25, 0, 13, 2, 13, 0]);
  });

  it('sums each pair in element order, so tiles and blocks give the same bits as one pair', () => {
    // 11 clients (2 × 4 tiles and the remainders) of 5000 parameters (more than one block).
    const models = randomModels(11, 5000, 3);
    const d = pairwiseSquaredDistances(models);
    for (const [k, l] of [
      [0, 1],
      [0, 7],
      [3, 10],
      [9, 10],
      [4, 5],
    ] as const) {
      let sum = 0;
      for (let i = 0; i < 5000; i++) sum += (models[k]![i]! - models[l]![i]!) ** 2;
      expect(d[k * 11 + l]).toBe(sum);
      expect(d[l * 11 + k]).toBe(sum);
    }
  });
});

describe('the SIMD path of pairwiseSquaredDistances', () => {
  it.each([
    [1, 5],
    [2, 1500],
    [3, 7],
    [9, 4000],
    [18, 333],
    [33, 1025],
  ])('gives the bits of the JavaScript loop for %i clients of %i parameters', (n, length) => {
    const models = randomModels(n, length, n + length);
    // Extremes in client 0: infinities (NaN distances), a subnormal, −0 and huge values.
    const extremes = [Number.POSITIVE_INFINITY, -3.4e38, 1e-45, -0, 3.4e38, Number.NaN];
    extremes.forEach((v, i) => {
      if (i < length) models[0]![i] = v;
    });
    const js = pairwiseSquaredDistances(models, 'js');
    const simd = pairwiseSquaredDistances(models, 'simd');
    expect(Array.from(simd)).toEqual(Array.from(js)); // NaN equals NaN whatever its payload
  });

  it('runs the module compiled from distances.wat', async () => {
    const source = readFileSync('src/workloads/federated/kernels/robust/distances.wat', 'utf8');
    const bytes = await compileWat(source, 'distances.wat');
    expect(Buffer.from(bytes).toString('base64')).toBe(DISTANCES_WASM_BASE64);
  });
});

describe('Krum and Multi-Krum', () => {
  // Six clients in 2-D, f = 1, so each score sums the n − f − 2 = 3 nearest squared distances.
  // p0 (0,0), p1 (1,0), p2 (0,2), p3 (1,1), p4 (9,9) the attacker, p5 (2,2).
  // Squared distances: 01:1 02:4 03:2 04:162 05:8 12:5 13:1 14:145 15:5 23:2 24:130 25:4
  // 34:128 35:2 45:98.
  // Scores: p0 1+2+4 = 7 (p1, p3, p2); p1 1+1+5 = 7 (p0, p3, p2); p2 2+4+4 = 10 (p3, p0, p5);
  // p3 1+2+2 = 5 (p1, p0, p2); p4 98+128+130 = 356 (p5, p3, p2); p5 2+4+5 = 11 (p3, p2, p1).
  const points = rows([0, 0], [1, 0], [0, 2], [1, 1], [9, 9], [2, 2]);
  const d = pairwiseSquaredDistances(points);

  it('scores each client by its n − f − 2 nearest squared distances', () => {
    expect(Array.from(krumScores(d, 6, 1))).toEqual([7, 7, 10, 5, 356, 11]);
  });

  it('picks the client of least score: p3', () => {
    expect(multiKrum(d, 6, 1)).toEqual([3]);
  });

  it('keeps the m clients of least score, in index order, ties to the lowest index', () => {
    // m = 3: p3 (5), then p0 and p1 (7 each) → [0, 1, 3]; m = 2: p3 and p0 (the lower of the tie).
    expect(multiKrum(d, 6, 1, 3)).toEqual([0, 1, 3]);
    expect(multiKrum(d, 6, 1, 2)).toEqual([0, 3]);
  });

  it('ranks a NaN score after every number', () => {
    const withNaN = [...points.slice(0, 5), f32(Number.NaN, 0)];
    expect(multiKrum(pairwiseSquaredDistances(withNaN), 6, 1, 5)).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses n <= 2f + 2 and m outside [1, n − f]', () => {
    expect(() => multiKrum(d, 6, 2)).toThrow('Krum needs n > 2f + 2 updates: n(=6) with f(=2)');
    expect(() => multiKrum(d, 6, 1, 6)).toThrow('m(=6) must be an integer in [1, n − f] = [1, 5]');
  });
});

describe('Bulyan', () => {
  // Seven clients, f = 1: θ = n − 2f = 5 picked by repeated Krum, then per coordinate the
  // β = θ − 2f = 3 values closest to the median averaged. q5 is the attacker.
  // q0 (0,4) q1 (1,0) q2 (2,1) q3 (6,2) q4 (7,3) q5 (40,−40) q6 (3,9).
  // Round 1 (7 left, 4 nearest): q0 13+17+34+40 = 104, q1 2+17+29+45 = 93,
  //   q2 2+13+17+29 = 61, q3 2+17+29+40 = 88, q4 2+29+45+50 = 126, q5 12104, q6 209 → q2.
  // Round 2 (6 left, 3 nearest): q0 17+34+40 = 91, q1 17+29+45 = 91, q3 2+29+40 = 71,
  //   q4 2+45+50 = 97, q5 8979, q6 34+52+58 = 144 → q3.
  // Round 3 (5 left, 2 nearest): q0 17+34 = 51, q1 17+45 = 62, q4 45+50 = 95, q5 6059,
  //   q6 34+52 = 86 → q0.
  // Round 4 (4 left, max(1, 4 − 3) = 1 nearest): q1 45, q4 45, q5 2938, q6 52 → q1 (tie, lower index).
  // Round 5 (3 left, 1 nearest): q4 52, q5 2938, q6 52 → q4 (tie, lower index).
  // Picked q2, q3, q0, q1, q4. Coordinate 0: {2, 6, 0, 1, 7}, median 2, the three closest
  // {2, 1, 0}, mean 1 (the plain mean would be 3.2). Coordinate 1: {1, 2, 4, 0, 3}, median 2,
  // closest {2, 1, 3}, mean 2.
  const clients = rows([0, 4], [1, 0], [2, 1], [6, 2], [7, 3], [40, -40], [3, 9]);

  it('picks θ = n − 2f clients by repeated Krum, in the order picked', () => {
    expect(bulyanSelect(pairwiseSquaredDistances(clients), 7, 1)).toEqual([2, 3, 0, 1, 4]);
  });

  it('averages per coordinate the β values closest to the median of the picked', () => {
    const { weights, picked } = bulyan(clients, pairwiseSquaredDistances(clients), 1);
    expect(picked).toEqual([2, 3, 0, 1, 4]);
    expect(weights).toEqual(f32(1, 2));
  });

  it('keeps the lower value when two are equally far from the median', () => {
    // θ = 5, f = 1: {0, 2, 4, 5, 6}, median 4. Drop 0 (4 away, against 6's 2); then 2 and 6 are
    // both 2 away: 6 goes, so the mean is (2 + 4 + 5)/3 = 11/3, not (4 + 5 + 6)/3 = 5.
    expect(closestToMedianMean(column(0, 2, 4, 5, 6), 1)).toEqual(f32(11 / 3));
  });

  it('matches the definition on random values, ties included, for f = 1 to 3 and every θ', () => {
    // By definition: sort, take numpy's median, drop 2f times the end farther from it (the upper
    // one on a tie), average the rest. Values are multiples of 1/8, so every sum is exact.
    for (let f = 1; f <= 3; f++)
      for (let theta = 2 * f + 1; theta <= 4 * f + 6; theta++) {
        const models = randomModels(theta, 50, 100 * f + theta).map((m) =>
          m.map((v) => Math.round(v * 8) / 8),
        );
        const expected = Array.from({ length: 50 }, (_, i) => {
          const s = models.map((m) => m[i]!).sort((a, b) => a - b);
          const h = theta >> 1;
          const median = theta % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
          let [lo, hi] = [0, theta - 1];
          for (let dropped = 0; dropped < 2 * f; dropped++)
            if (median - s[lo]! > s[hi]! - median) lo++;
            else hi--;
          return s.slice(lo, hi + 1).reduce((a, v) => a + v, 0) / (theta - 2 * f);
        });
        expect(closestToMedianMean(models, f)).toEqual(Float32Array.from(expected));
      }
  });

  it('refuses n < 4f + 3', () => {
    expect(() => requireBulyan(6, 1)).toThrow('Bulyan needs n >= 4f + 3 updates: n(=6) with f(=1)');
    expect(() => requireBulyan(7, 1)).not.toThrow();
  });
});

describe('every kernel', () => {
  const models = randomModels(9, 3000, 5);
  const copies = models.map((m) => m.slice());
  const d = () => pairwiseSquaredDistances(models);
  const kernels: [string, () => Float32Array | Float64Array | number[]][] = [
    ['median', () => coordinateMedian(models)],
    ['trimmed mean', () => trimmedMean(models, 0.2)],
    ['distances', d],
    ['multi-krum', () => multiKrum(d(), 9, 2, 4)],
    ['bulyan', () => bulyan(models, d(), 1).weights],
  ];

  it.each(kernels)('%s gives the same bits twice and leaves its inputs unchanged', (_, run) => {
    const first = run();
    const second = run();
    expect(bits(second)).toEqual(bits(first));
    expect(models).toEqual(copies);
  });

  it('writes to out when given', () => {
    const out = new Float32Array(3000);
    expect(coordinateMedian(models, out)).toBe(out);
    expect(trimmedMean(models, 0.1, out)).toBe(out);
  });

  it('refuses models of different lengths', () => {
    expect(() => coordinateMedian([f32(1, 2), f32(1)])).toThrow(
      'updates[1].length(=1) must equal updates[0].length(=2)',
    );
  });
});

/** n models of `length` values drawn from a seeded stream, from a small set (many ties), signs mixed. */
function randomModels(n: number, length: number, seed: number): Float32Array[] {
  const streams = new RandomStreams(seed);
  return Array.from({ length: n }, (_, k) => {
    const rng = streams.stream('robust-test', k);
    return Float32Array.from(
      { length },
      () => (rng.integer(41) - 20) / 8 + rng.uniform(0, 1e-3) * rng.integer(2),
    );
  });
}

/** The bytes of a result, for a bitwise comparison. */
function bits(x: Float32Array | Float64Array | number[]): number[] {
  return Array.isArray(x) ? x : Array.from(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
}
