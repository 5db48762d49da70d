import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import {
  assertRingBits,
  dequantiseMean,
  dequantiseSum,
  type FixedPointOptions,
  quantise,
  ringBitsNeeded,
  ringBitsProblem,
} from '../../../../src/workloads/federated/secagg/index.js';

const nearest: FixedPointOptions = { clipRange: 1, levels: 4, bits: 8, rounding: 'nearest' };

function randomUpdate(seed: number, length: number, range: number): Float32Array {
  const rng = new RandomStreams(seed).stream('fixed-point-test');
  return Float32Array.from({ length }, () => rng.uniform(-range, range));
}

describe('fixed-point quantisation', () => {
  it('maps [-R, R] onto 0..L by (x + R) * L / 2R, rounding half up', () => {
    // R = 1, L = 4: one step is 2R/L = 0.5. x = 0.3 -> v = 1.3 * 2 = 2.6 -> 3;
    // x = -1 -> 0; x = 1 -> 4; x = -0.75 -> v = 0.5 -> 1 (half up); x = 5 clips to 1 -> 4.
    const q = quantise(Float32Array.of(0.3, -1, 1, -0.75, 5, -7), nearest);
    expect([...q]).toEqual([3, 0, 4, 1, 4, 0]);
  });

  it('dequantises a sum of n values as S * 2R/L - n * R', () => {
    // Two clients quantised 3 and 1 (0.5 and -0.5): S = 4 -> 4 * 0.5 - 2 * 1 = 0; mean 0.
    // S = 7 (4 + 3: 1 and 0.5) -> 3.5 - 2 = 1.5; mean 0.75.
    const sum = Uint32Array.of(4, 7);
    expect([...dequantiseSum(sum, 2, nearest)]).toEqual([0, 1.5]);
    expect([...dequantiseMean(sum, 2, nearest)]).toEqual([0, 0.75]);
  });

  it('round trip with nearest rounding is within half a step, R / L', () => {
    const options: FixedPointOptions = {
      clipRange: 2,
      levels: 1000,
      bits: 16,
      rounding: 'nearest',
    };
    const x = randomUpdate(1, 10_000, 2);
    const back = dequantiseSum(quantise(x, options), 1, options);
    const bound = options.clipRange / options.levels + 2 * 2 ** -24;
    for (let i = 0; i < x.length; i++)
      expect(Math.abs(back[i]! - x[i]!)).toBeLessThanOrEqual(bound);
  });

  it('round trip with stochastic rounding is within one step and unbiased', () => {
    const options: FixedPointOptions = {
      clipRange: 1,
      levels: 10,
      bits: 16,
      rounding: 'stochastic',
    };
    // 0.33 sits 0.65 of a step (0.2) above level 6 (0.2): E[q] = 6.65, so the mean of many draws is 0.33.
    const draws = 20_000;
    const x = new Float32Array(draws).fill(0.33);
    const rng = new RandomStreams(7).stream('stochastic-rounding');
    const q = quantise(x, options, rng);
    let total = 0;
    for (let i = 0; i < draws; i++) {
      expect(q[i] === 6 || q[i] === 7).toBe(true);
      total += q[i]!;
    }
    const mean = (total / draws) * 0.2 - 1;
    // Each draw is 0.2 * Bernoulli(0.65): sd 0.2 * sqrt(0.65 * 0.35) / sqrt(n) = 6.7e-4; allow 5 sd.
    expect(Math.abs(mean - Number(Float32Array.of(0.33)[0]))).toBeLessThan(5 * 6.7e-4);
  });

  it('stochastic rounding needs a seeded stream and repeats with the same seed', () => {
    const options: FixedPointOptions = {
      clipRange: 1,
      levels: 255,
      bits: 16,
      rounding: 'stochastic',
    };
    const x = randomUpdate(3, 1000, 1.5);
    expect(() => quantise(x, options)).toThrow(/seeded stream/);
    const a = quantise(x, options, new RandomStreams(5).stream('q'));
    const b = quantise(x, options, new RandomStreams(5).stream('q'));
    expect(a).toEqual(b);
  });

  it('the mean of n clients dequantised from their ring sum is within R / L of the true mean', () => {
    const options: FixedPointOptions = {
      clipRange: 1,
      levels: 2 ** 12,
      bits: 20,
      rounding: 'nearest',
    };
    const n = 50;
    const updates = Array.from({ length: n }, (_, k) => randomUpdate(100 + k, 500, 1));
    const sum = new Uint32Array(500);
    for (const u of updates) {
      const q = quantise(u, options);
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i]! + q[i]!) % 2 ** 20;
    }
    const mean = dequantiseMean(sum, n, options);
    for (let i = 0; i < sum.length; i++) {
      const exact = updates.reduce((s, u) => s + u[i]!, 0) / n;
      expect(Math.abs(mean[i]! - exact)).toBeLessThanOrEqual(1 / 2 ** 12 + 1e-6);
    }
  });

  it('refuses non-finite values and bad options, naming them', () => {
    expect(() => quantise(Float32Array.of(0, Number.NaN), nearest)).toThrow('update[1](=NaN)');
    expect(() => quantise(Float32Array.of(0), { ...nearest, bits: 33 })).toThrow('bits(=33)');
    expect(() => quantise(Float32Array.of(0), { ...nearest, levels: 256 })).toThrow('levels(=256)');
    expect(() => quantise(Float32Array.of(0), { ...nearest, clipRange: 0 })).toThrow(
      'clipRange(=0)',
    );
  });
});

describe('ring width check', () => {
  it('needs ceil(log2(n * L + 1)) bits for a sum of n values in 0..L', () => {
    // 100 clients at Flower's default 2^22 levels: 100 * 4194304 = 419,430,400, and
    // 2^28 = 268,435,456 < 419,430,401 <= 2^29 = 536,870,912: 29 bits.
    expect(ringBitsNeeded(100, 2 ** 22)).toBe(29);
    // 4 clients in 0..255: max 1020 < 1024 = 2^10.
    expect(ringBitsNeeded(4, 255)).toBe(10);
    // 1 client in 0..255 fits 8 bits exactly.
    expect(ringBitsNeeded(1, 255)).toBe(8);
  });

  it('refuses a bit width that may overflow and names the bits needed', () => {
    const problem = ringBitsProblem(100, 2 ** 22, 28);
    expect(problem?.path).toBe('bits');
    expect(problem?.value).toBe(28);
    expect(problem?.message).toContain('needs 29 bits');
    expect(() => assertRingBits(100, 2 ** 22, 28)).toThrow(/bits\(=28\).*needs 29 bits/);
    expect(ringBitsProblem(100, 2 ** 22, 29)).toBeUndefined();
    expect(() => assertRingBits(4, 255, 10)).not.toThrow();
  });
});
