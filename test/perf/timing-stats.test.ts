/**
 * The statistics `edgesim bench` decides with: the Hodges-Lehmann ratio and
 * Lehmann's interval from the Mann-Whitney U distribution, checked against
 * hand counts and the published table of critical values.
 */
import { describe, expect, it } from 'vitest';
import {
  lehmannRank,
  median,
  medianAbsoluteDeviation,
  ratioInterval,
} from '../../src/perf/timing-stats.js';
import { normalCdf, normalQuantile } from '../../src/report/stats.js';

describe('median and MAD', () => {
  it('match hand computations', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // |x - 2.5| = 1.5, 0.5, 0.5, 1.5 → median 1.
    expect(medianAbsoluteDeviation([1, 2, 3, 4])).toBe(1);
    expect(Number.isNaN(median([]))).toBe(true);
  });
});

describe('the Mann-Whitney rank of the interval', () => {
  it('is the published two-sided 5% critical value plus one, n = m = 5..10', () => {
    // Critical U (reject when U <= it), two-tailed alpha = 0.05, equal sizes:
    // 2, 5, 8, 13, 17, 23 for n = 5..10 (J. H. Zar, Biostatistical Analysis,
    // 5th ed., Appendix Table B.11; the same in every Mann-Whitney table).
    const critical = [2, 5, 8, 13, 17, 23];
    for (const [i, u] of critical.entries()) {
      const n = 5 + i;
      expect(lehmannRank(n, n, 0.95).k).toBe(u + 1);
    }
  });

  it('counts the exact distribution: P(U = 0) = 1 / C(n + m, n)', () => {
    // 4 against 4: C(8, 4) = 70 arrangements; U = 0 and U = 1 once each, so
    // P(U < 1) = 1/70 = 0.0143 <= 0.025 < P(U < 2) = 2/70: k = 1, and the
    // interval's confidence is 1 - 2/70.
    const { k, reached } = lehmannRank(4, 4, 0.95);
    expect(k).toBe(1);
    expect(reached).toBeCloseTo(1 - 2 / 70, 12);
    // 3 against 3: P(U = 0) = 1/20 = 0.05 > 0.025: no interval at 95%.
    expect(lehmannRank(3, 3, 0.95).k).toBe(0);
  });

  it('switches to the normal approximation past 1,600 pairs, within a rank of the exact count', () => {
    // Normal: mean n·m/2, sd sqrt(n·m·(n + m + 1)/12); k = floor(mean + 0.5 - 1.959964·sd)
    // (P(U < k) with the continuity correction).
    // 40 x 40 (counted): 800.5 - 1.959964·sqrt(10,800) = 800.5 - 203.69 = 596.8.
    expect(Math.abs(lehmannRank(40, 40, 0.95).k - 596)).toBeLessThanOrEqual(1);
    // 41 x 40 (1,640 pairs: normal): 820.5 - 1.959964·sqrt(11,206.7) = 820.5 - 207.49 = 613.0 → 613.
    expect(lehmannRank(41, 40, 0.95).k).toBe(613);
  });
});

describe('the ratio and its interval', () => {
  it('is the median of the pairwise ratios (hand-worked)', () => {
    // c/b for b in [1, 2, 3], c in [2, 4, 6]: 2, 1, 0.667, 4, 2, 1.333, 6, 3, 2;
    // sorted 0.667, 1, 1.333, 2, 2, 2, 3, 4, 6: the median is 2.
    expect(ratioInterval([1, 2, 3], [2, 4, 6], 0.95).ratio).toBeCloseTo(2, 12);
  });

  it('brackets an exact scaling, and gives NaN bounds when the samples are too small', () => {
    const baseline = [1.0, 1.1, 0.95, 1.2, 1.05, 0.98, 1.02, 1.15];
    const scaled = baseline.map((t) => 1.3 * t);
    const r = ratioInterval(baseline, scaled, 0.95);
    expect(r.ratio).toBeCloseTo(1.3, 12);
    expect(r.low).toBeLessThan(1.3);
    expect(r.high).toBeGreaterThan(1.3);
    // 8 against 8: k = 14, so the 14th smallest and largest of the 64 ratios.
    const ratios = scaled.flatMap((c) => baseline.map((b) => c / b)).sort((a, b) => a - b);
    expect(r.low).toBeCloseTo(ratios[13]!, 12);
    expect(r.high).toBeCloseTo(ratios[64 - 14]!, 12);
    expect(Number.isNaN(ratioInterval([1, 2], [1, 2], 0.95).low)).toBe(true);
  });

  it('refuses timings that are not positive', () => {
    expect(() => ratioInterval([1, 0], [1, 2], 0.95)).toThrow(/baseline timings/);
    expect(() => ratioInterval([1], [], 0.95)).toThrow(/candidate has no timings/);
  });
});

describe('the normal distribution', () => {
  it('matches tabulated values', () => {
    // Phi(1.959964) = 0.975, Phi(1) = 0.841345, Phi(-2) = 0.0227501 (any normal table).
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(1)).toBeCloseTo(0.841345, 6);
    expect(normalCdf(-2)).toBeCloseTo(0.0227501, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
  });
});
