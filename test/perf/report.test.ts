/** How `edgesim bench` judges a ratio: the verdicts of perf/report.ts on timings built by hand. */
import { describe, expect, it } from 'vitest';
import { compareTimings, type DecisionRule } from '../../src/perf/report.js';

const rule: DecisionRule = { confidence: 0.95, noise: 0.02, failIfSlower: 0.2, family: 1 };
/** Eight timings that vary by ±10% around 1 s, like runs on a busy machine. */
const base = [1.0, 1.1, 0.92, 1.05, 0.97, 1.08, 0.95, 1.02];
const scaled = (factor: number) => base.map((t) => t * factor);
/** The baseline's timings in another order: the same distribution. */
const shuffled = [1.05, 0.92, 1.02, 1.1, 0.97, 1.0, 1.08, 0.95];

describe('bench verdicts', () => {
  it('same for timings from the same distribution', () => {
    expect(compareTimings(base, shuffled, rule).verdict).toBe('same');
  });

  it('regressed for 30% slower than a 20% threshold, slower without a threshold', () => {
    const slow = compareTimings(base, scaled(1.3), rule);
    expect(slow.ratio).toBeCloseTo(1.3, 12);
    expect(slow.verdict).toBe('regressed');
    expect(compareTimings(base, scaled(1.3), { ...rule, failIfSlower: null }).verdict).toBe(
      'slower',
    );
  });

  it('slower, not regressed, for 15% slower than a 20% threshold; same for 8% in ±10% noise', () => {
    expect(compareTimings(base, scaled(1.15), rule).verdict).toBe('slower');
    // 8 runs against 8 with this spread cannot tell 8% from the 2% noise band:
    // the interval's low end is below 1 + noise.
    const eight = compareTimings(base, scaled(1.08), rule);
    expect(eight.ciLow!).toBeLessThan(1.01);
    expect(eight.verdict).toBe('same');
  });

  it('same when one run of eight is 4x slow: an outlier does not fail the build', () => {
    // Seven runs as before and one 4x outlier: the ratio stays near 1.
    const outlier = [...shuffled.slice(0, 7), 4.0];
    expect(compareTimings(base, outlier, rule).verdict).toBe('same');
  });

  it('faster for 30% faster; inconclusive with too few runs for an interval', () => {
    expect(compareTimings(base, scaled(0.7), rule).verdict).toBe('faster');
    expect(compareTimings([1, 1.1], [2, 2.2], rule).verdict).toBe('inconclusive');
  });

  it('widens the interval for a family of benchmarks (Bonferroni)', () => {
    const one = compareTimings(base, scaled(1.05), rule);
    const ten = compareTimings(base, scaled(1.05), { ...rule, family: 10 });
    expect(ten.ciLow!).toBeLessThan(one.ciLow!);
    expect(ten.ciHigh!).toBeGreaterThan(one.ciHigh!);
  });
});
