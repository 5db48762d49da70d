import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { meanInterval, welchInterval } from '../../src/check/interval.js';
import { expectationsJsonSchema, metricDirection, studentTQuantile } from '../../src/index.js';

describe('confidence intervals', () => {
  it('of a mean: [1, 2, 3] at 95% is 2 +- t(0.975, 2) / sqrt(3) = 2 +- 2.4841', () => {
    const ci = meanInterval([1, 2, 3], 0.95);
    expect(ci.mean).toBe(2);
    // s = 1, standard error 1/sqrt(3); t(0.975, 2) = 4.303 (NIST table 1.3.6.7.2).
    expect(ci.high - ci.mean).toBeCloseTo(4.3027 / Math.sqrt(3), 3);
    expect(ci.mean - ci.low).toBeCloseTo(ci.high - ci.mean, 12);
  });

  it('of one value does not exist, and of a constant sample has zero width', () => {
    const one = meanInterval([5], 0.95);
    expect([one.mean, one.low, one.high]).toEqual([5, Number.NaN, Number.NaN]);
    expect(meanInterval([5, 5, 5], 0.95)).toEqual({ mean: 5, low: 5, high: 5, n: 3 });
  });

  it('of a difference, unpaired (Welch): [1,2,3] to [2,4,6] is 2 +- t(0.975, 50/17) sqrt(5/3)', () => {
    // Variances 1 and 4 over 3 values: se^2 = 1/3 + 4/3 = 5/3;
    // Welch-Satterthwaite df = (5/3)^2 / ((1/3)^2/2 + (4/3)^2/2) = 50/17.
    const ci = welchInterval([1, 2, 3], [2, 4, 6], 0.95);
    expect(ci.mean).toBe(2);
    const half = studentTQuantile(0.975, 50 / 17) * Math.sqrt(5 / 3);
    expect(ci.high).toBeCloseTo(2 + half, 10);
    expect(ci.low).toBeCloseTo(2 - half, 10);
    // df = 2.94 lies between the table's t(0.975, 3) = 3.182 and t(0.975, 2) = 4.303.
    expect(half).toBeGreaterThan(3.182 * Math.sqrt(5 / 3));
    expect(half).toBeLessThan(4.303 * Math.sqrt(5 / 3));
  });
});

describe('metric directions', () => {
  it('come from the name: latency, energy and cost lower; attainment and throughput higher', () => {
    expect(metricDirection('latency_p95_s')).toBe('lower');
    expect(metricDirection('slo_violation_rate')).toBe('lower');
    expect(metricDirection('failed_queue_full')).toBe('lower');
    expect(metricDirection('energy_per_inference_j')).toBe('lower');
    expect(metricDirection('cost_per_month_usd')).toBe('lower');
    expect(metricDirection('slo_attainment')).toBe('higher');
    expect(metricDirection('throughput_per_s')).toBe('higher');
  });

  it('are none for configuration, counts and utilisation', () => {
    for (const metric of ['slo_s', 'duration_s', 'devices', 'bytes_up', 'server_utilisation'])
      expect([metric, metricDirection(metric)]).toEqual([metric, 'none']);
  });
});

describe('the expectations file schema', () => {
  it('is published in docs/schemas as edgesim builds it', () => {
    const file = JSON.parse(readFileSync('docs/schemas/expectations.schema.json', 'utf8'));
    expect(file).toEqual(expectationsJsonSchema());
  });
});
