import { describe, expect, it } from 'vitest';
import {
  activationRange,
  dequantize,
  fakeQuantize,
  integerRange,
  type QuantizedTensor,
  quantize,
  quantizeWithRange,
  quantParams,
  roundToFloat16,
} from '../../src/compression/index.js';
import { setSimdMode } from '../../src/compression/simd/instance.js';
import { RandomStreams } from '../../src/engine/random.js';

/** The smallest float32 >= x: how scales are rounded, so that the range always fits. */
function float32Up(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  const bits = new Uint32Array(Float32Array.of(f).buffer);
  bits[0] = bits[0]! + 1;
  return new Float32Array(bits.buffer)[0]!;
}

/** Normal weights whose spread differs by channel (the last axis): sd = 0.01 * (c + 1). */
function channelWeights(rows: number, channels: number, seed = 1): Float32Array {
  const rng = new RandomStreams(seed).stream('weights');
  const w = new Float32Array(rows * channels);
  for (let i = 0; i < w.length; i++) w[i] = rng.normal(0, 0.01 * ((i % channels) + 1));
  return w;
}

/**
 * Largest |dequantized - w| over the tensor, in units of its channel's scale/2.
 * The output is float32, so one rounding of the product (<= |w| * 2^-24, plus
 * slack) may come on top of scale/2: the bound checked is scale/2 + |w| * 2^-23.
 */
function worstError(w: Float32Array, q: QuantizedTensor): number {
  const restored = dequantize(q);
  const channels = q.scales.length;
  let worst = 0;
  for (let i = 0; i < w.length; i++) {
    const bound = q.scales[i % channels]! / 2 + Math.abs(w[i]!) * 2 ** -23;
    worst = Math.max(worst, Math.abs(restored[i]! - w[i]!) / bound);
  }
  return worst;
}

describe('integerRange', () => {
  it('is the restricted range when symmetric and the full range when asymmetric', () => {
    expect(integerRange(8, 'symmetric')).toEqual({ qmin: -127, qmax: 127 });
    expect(integerRange(8, 'asymmetric')).toEqual({ qmin: -128, qmax: 127 });
    expect(integerRange(4, 'symmetric')).toEqual({ qmin: -7, qmax: 7 });
    expect(integerRange(4, 'asymmetric')).toEqual({ qmin: -8, qmax: 7 });
  });
});

describe('quantParams', () => {
  it('symmetric: scale = max|w| / qmax, zero point 0', () => {
    // max(|-3|, 1.5) = 3; int4 qmax 7 -> 3/7, rounded up to float32
    expect(quantParams({ min: -3, max: 1.5 }, 4, 'symmetric')).toEqual({
      scale: float32Up(3 / 7),
      zeroPoint: 0,
    });
  });

  it('asymmetric: scale = (max - min) / 15 for int4, zero point qmin - round(min / scale)', () => {
    // [-1, 3]: scale 4/15; -1 / (4/15) = -3.75 -> round -4 -> zp = -8 + 4 = -4
    expect(quantParams({ min: -1, max: 3 }, 4, 'asymmetric')).toEqual({
      scale: float32Up(4 / 15),
      zeroPoint: -4,
    });
  });

  it('extends a range that excludes 0 to include it', () => {
    // [2, 5.1] -> [0, 5.1]: scale 5.1/255 = 0.02, zp = -128 - round(0) = -128
    expect(quantParams({ min: 2, max: 5.1 }, 8, 'asymmetric')).toEqual({
      scale: float32Up(5.1 / 255),
      zeroPoint: -128,
    });
  });
});

describe('quantize, symmetric per-tensor', () => {
  it('rounds w / scale to the nearest integer, ties to even', () => {
    // max|w| = 127 -> scale 1: q = round(w); -3.5 -> -4 and -2.5 -> -2 and 2.5 -> 2 (even)
    const w = Float32Array.of(-127, -3.5, -2.5, 0, 0.4, 2.5, 100.625, 127);
    const q = quantize(w, [8], { bits: 8, scheme: 'symmetric', granularity: 'per-tensor' });
    expect(Array.from(q.values)).toEqual([-127, -4, -2, 0, 0, 2, 101, 127]);
    expect(q.scales).toEqual(Float32Array.of(1));
    expect(q.zeroPoints).toEqual(Int32Array.of(0));
  });

  it('int4 uses -7..7', () => {
    // max|w| = 3.5 -> scale 0.5: q = [7, -7, round(2.5) = 2, round(0.4) = 0]
    const w = Float32Array.of(3.5, -3.5, 1.25, 0.2);
    const q = quantize(w, [4], { bits: 4, scheme: 'symmetric', granularity: 'per-tensor' });
    expect(Array.from(q.values)).toEqual([7, -7, 2, 0]);
    expect(Array.from(dequantize(q))).toEqual([3.5, -3.5, 1, 0]);
  });
});

describe('quantize, per-channel', () => {
  it('gives each index of the last axis its own scale', () => {
    // shape [3, 2]: channel 0 = {1, -2, 0.5} (max 2), channel 1 = {10, 20, -40} (max 40)
    const w = Float32Array.of(1, 10, -2, 20, 0.5, -40);
    const q = quantize(w, [3, 2], { bits: 8, scheme: 'symmetric', granularity: 'per-channel' });
    expect(q.scales).toEqual(Float32Array.of(float32Up(2 / 127), float32Up(40 / 127)));
    // each channel's largest magnitude lands on -127: -2 / (2/127) and -40 / (40/127)
    expect(q.values[2]).toBe(-127);
    expect(q.values[5]).toBe(-127);
  });

  it('quantizes an all-zero channel to zeros without dividing by zero', () => {
    // channel 0 = {0, 0}; channel 1 = {127, -127}, scale 1
    const w = Float32Array.of(0, 127, 0, -127);
    const q = quantize(w, [2, 2], { bits: 8, scheme: 'symmetric', granularity: 'per-channel' });
    expect(q.scales[0]).toBe(1); // the documented scale of an all-zero channel
    expect(Array.from(dequantize(q))).toEqual([0, 127, 0, -127]);
  });

  it('rounds a subnormal scale up, so the largest weight cannot wrap past 127', () => {
    // max|w| = 150 ulps of 2^-149; 150/127 ulps rounds to 1 ulp, which would give q = 150;
    // rounded up, scale = 2 ulps: q = 75, -75 and round(7/2) = 4 (ties to even)
    const ulp = 2 ** -149;
    const w = Float32Array.of(150 * ulp, -150 * ulp, 7 * ulp);
    const q = quantize(w, [3], { bits: 8, scheme: 'symmetric', granularity: 'per-tensor' });
    expect(q.scales[0]).toBe(2 * ulp);
    expect(Array.from(q.values)).toEqual([75, -75, 4]);
  });

  it('writes into the given buffers', () => {
    const w = channelWeights(10, 4);
    const out = new Int8Array(40);
    const q = quantize(
      w,
      [10, 4],
      { bits: 8, scheme: 'symmetric', granularity: 'per-channel' },
      out,
    );
    expect(q.values).toBe(out);
    const floats = new Float32Array(40);
    expect(dequantize(q, floats)).toBe(floats);
    expect(floats).toEqual(dequantize(q));
  });

  it('int8 symmetric keeps every error within scale/2 on random weights', () => {
    const w = channelWeights(500, 16);
    const q = quantize(w, [500, 16], { bits: 8, scheme: 'symmetric', granularity: 'per-channel' });
    expect(worstError(w, q)).toBeLessThanOrEqual(1);
  });

  it('int8 asymmetric and int4 also stay within scale/2', () => {
    const w = channelWeights(300, 8, 2);
    for (const bits of [8, 4] as const)
      for (const scheme of ['symmetric', 'asymmetric'] as const) {
        const q = quantize(w, [300, 8], { bits, scheme, granularity: 'per-channel' });
        expect(worstError(w, q)).toBeLessThanOrEqual(1);
      }
  });
});

describe('quantize, per output channel of a depthwise kernel', () => {
  const perChannel = { bits: 8, scheme: 'symmetric', granularity: 'per-channel' } as const;

  it('gives each in x multiplier + m its own scale, not each multiplier m', () => {
    // Shape [2, 1, 2, 2] (kh 2, kw 1, in 2, multiplier 2): element i is output channel i mod 4.
    // Channels: 0 = {1, -0.5}, 1 = {100, 50}, 2 = {0.01, -0.02}, 3 = {-4, 2}.
    const w = Float32Array.of(1, 100, 0.01, -4, -0.5, 50, -0.02, 2);
    const q = quantize(w, [2, 1, 2, 2], { ...perChannel, layout: 'depthwise' });
    expect(q.layout).toBe('depthwise');
    expect(Array.from(q.scales)).toEqual([1, 100, 0.02, 4].map((m) => float32Up(m / 127)));
    // -0.02 is its channel's largest magnitude: -127. Per multiplier (the last axis) it shares
    // channel 0 = {1, 0.01, -0.5, -0.02} with max 1 and becomes round(-0.02 x 127) = -3.
    expect(q.values[6]).toBe(-127);
    const perMultiplier = quantize(w, [2, 1, 2, 2], perChannel);
    expect(perMultiplier.scales).toHaveLength(2);
    expect(perMultiplier.values[6]).toBe(-3);
  });

  it('cuts the error of channels with small ranges: each within scale/2 of its own range', () => {
    // A 3x3 depthwise kernel over 8 channels, multiplier 1 (per multiplier is then per tensor),
    // channel c spread 10^-(c mod 4): ranges differ a thousandfold.
    const shape = [3, 3, 8, 1];
    const rng = new RandomStreams(4).stream('depthwise');
    const w = Float32Array.from({ length: 72 }, (_, i) => rng.normal(0, 10 ** -((i % 8) % 4)));
    const relativeErrors = (q: QuantizedTensor) => {
      const restored = dequantize(q);
      const worst = new Float64Array(8);
      const largest = new Float64Array(8);
      w.forEach((x, i) => {
        worst[i % 8] = Math.max(worst[i % 8]!, Math.abs(restored[i]! - x));
        largest[i % 8] = Math.max(largest[i % 8]!, Math.abs(x));
      });
      return Array.from(worst, (e, c) => e / largest[c]!);
    };
    const fixed = relativeErrors(quantize(w, shape, { ...perChannel, layout: 'depthwise' }));
    const before = relativeErrors(quantize(w, shape, perChannel));
    // Per output channel: error <= scale/2 = max|w_c| / 254 (plus float32 rounding).
    for (const e of fixed) expect(e).toBeLessThanOrEqual(1 / 254 + 1e-6);
    // Per multiplier: the 10^-3 channels share the 10^0 channels' scale, a step of about three
    // times their largest weight, and round to nearly nothing.
    expect(Math.max(...before)).toBeGreaterThan(0.5);
  });

  it('gives the same bytes on the SIMD and the JavaScript kernels', () => {
    const rng = new RandomStreams(5).stream('depthwise');
    const w = Float32Array.from({ length: 3 * 3 * 24 * 2 }, (_, i) => rng.normal(0, 1 + (i % 48)));
    const run = (mode: 'always' | 'never') => {
      const previous = setSimdMode(mode);
      try {
        const q = quantize(w, [3, 3, 24, 2], { ...perChannel, layout: 'depthwise' });
        return { q, restored: dequantize(q) };
      } finally {
        setSimdMode(previous);
      }
    };
    const simd = run('always');
    const js = run('never');
    expect(simd.q.scales).toHaveLength(48);
    expect(simd.q.values).toEqual(js.q.values);
    expect(simd.q.scales).toEqual(js.q.scales);
    expect(simd.restored).toEqual(js.restored);
  });

  it('rejects a depthwise layout on a kernel that is not rank 4', () => {
    expect(() =>
      quantize(new Float32Array(6), [3, 2], { ...perChannel, layout: 'depthwise' }),
    ).toThrow('a depthwise kernel has shape [kh, kw, in, multiplier]; got [3, 2]');
  });
});

describe('quantize, asymmetric', () => {
  it('maps 0 to the zero point, so 0 dequantizes to exactly 0', () => {
    // [-1, 3] int4: scale 4/15, zp -4 (see quantParams); 3 / (4/15) = 11.25 -> 11 - 4 = 7
    const w = Float32Array.of(-1, 0, 3);
    const q = quantize(w, [3], { bits: 4, scheme: 'asymmetric', granularity: 'per-tensor' });
    expect(Array.from(q.values)).toEqual([-8, -4, 7]);
    expect(dequantize(q)[1]).toBe(0);
  });

  it('represents 0 exactly whatever the data', () => {
    const rng = new RandomStreams(3).stream('zeros');
    const w = new Float32Array(4000);
    for (let i = 0; i < w.length; i++) w[i] = i % 10 === 0 ? 0 : rng.uniform(0.3, 2.9);
    const q = quantize(w, [400, 10], { bits: 8, scheme: 'asymmetric', granularity: 'per-channel' });
    const restored = dequantize(q);
    expect(restored.filter((v, i) => w[i] === 0 && v !== 0).length).toBe(0);
  });
});

describe('quantize rejects bad input', () => {
  const options = { bits: 8, scheme: 'symmetric', granularity: 'per-tensor' } as const;

  it('names an unsupported bit width and the supported ones', () => {
    expect(() => quantize(Float32Array.of(1), [1], { ...options, bits: 3 as 8 })).toThrow(
      new RangeError('bits(=3) must be one of 4, 8, 16'),
    );
  });

  it('sends fp16 to the float functions', () => {
    expect(() => quantize(Float32Array.of(1), [1], { ...options, bits: 16 as 8 })).toThrow(/fp16/);
  });

  it('rejects NaN and infinite weights', () => {
    expect(() => quantize(Float32Array.of(1, Number.NaN), [2], options)).toThrow(
      'weights must be finite; channel 0 spans [NaN, NaN]',
    );
    expect(() => quantize(Float32Array.of(1, Number.POSITIVE_INFINITY), [2], options)).toThrow(
      /must be finite/,
    );
  });

  it('rejects a shape that does not hold the weights', () => {
    expect(() => quantize(new Float32Array(5), [2, 3], options)).toThrow(
      'shape [2, 3] has 6 elements but weights has 5',
    );
  });
});

describe('dequantize', () => {
  it('computes scale * (q - zeroPoint) per channel', () => {
    const q: QuantizedTensor = {
      bits: 8,
      scheme: 'asymmetric',
      granularity: 'per-channel',
      shape: [2, 2],
      values: Int8Array.of(10, -128, 0, 127),
      scales: Float32Array.of(0.5, 0.25),
      zeroPoints: Int32Array.of(2, -128),
    };
    // channel 0: (10 - 2) * 0.5 = 4, (0 - 2) * 0.5 = -1; channel 1: 0 * 0.25 = 0, 255 * 0.25 = 63.75
    expect(Array.from(dequantize(q))).toEqual([4, 0, -1, 63.75]);
  });
});

describe('fakeQuantize', () => {
  it('equals quantize then dequantize', () => {
    const w = channelWeights(20, 4);
    const options = { bits: 4, scheme: 'asymmetric', granularity: 'per-channel' } as const;
    expect(fakeQuantize(w, [20, 4], options)).toEqual(dequantize(quantize(w, [20, 4], options)));
  });

  it('rounds to fp16 for bits 16', () => {
    const w = Float32Array.of(1 + 2 ** -11, 0.1);
    expect(fakeQuantize(w, [2], { bits: 16 })).toEqual(roundToFloat16(w));
  });
});

describe('activationRange', () => {
  const oneToTen = Float32Array.of(7, 3, 10, 1, 9, 2, 8, 4, 6, 5);

  it('minmax takes the extremes', () => {
    expect(activationRange(oneToTen, { method: 'minmax' })).toEqual({ min: 1, max: 10 });
  });

  it('percentile interpolates between order statistics', () => {
    // sorted 1..10, p = 90: max at h = 0.9 * 9 = 8.1 -> 9 + 0.1 * (10 - 9) = 9.1;
    // min at h = 0.1 * 9 = 0.9 -> 1 + 0.9 * (2 - 1) = 1.9
    const range = activationRange(oneToTen, { method: 'percentile', percentile: 90 });
    expect(range.min).toBeCloseTo(1.9, 12);
    expect(range.max).toBeCloseTo(9.1, 12);
  });

  it('percentile clips outliers', () => {
    // 0..100 plus outliers 1e6 and -1e6 -> 103 samples sorted -1e6, 0, ..., 100, 1e6;
    // p = 99 (and 1): h = 0.99 * 102 = 100.98 -> 99 + 0.98; h = 0.01 * 102 = 1.02 -> 0 + 0.02
    const samples = Float32Array.from({ length: 101 }, (_, i) => i);
    const withOutliers = Float32Array.of(...samples, 1e6, -1e6);
    const range = activationRange(withOutliers, { method: 'percentile', percentile: 99 });
    expect(range.max).toBeCloseTo(99.98, 9);
    expect(range.min).toBeCloseTo(0.02, 9);
  });

  it('quantizeWithRange rejects NaN values', () => {
    expect(() =>
      quantizeWithRange(
        Float32Array.of(Number.NaN),
        [1],
        { min: 0, max: 1 },
        { bits: 8, scheme: 'symmetric' },
      ),
    ).toThrow('values[0](=NaN) must be a number');
  });

  it('rejects NaN samples', () => {
    expect(() => activationRange(Float32Array.of(1, Number.NaN), { method: 'minmax' })).toThrow(
      'samples[1](=NaN) must be a number',
    );
  });
});

describe('quantizeWithRange', () => {
  it('clamps values outside the calibrated range', () => {
    // ReLU6 range [0, 6], int8 asymmetric: scale 6/255, zp -128.
    // 7 -> 297.5 - 128 clamps to 127; -1 -> -42.5 - 128 clamps to -128; 3.05 -> 129.625 -> 130 - 128 = 2
    const q = quantizeWithRange(
      Float32Array.of(7, -1, 3.05),
      [3],
      { min: 0, max: 6 },
      {
        bits: 8,
        scheme: 'asymmetric',
      },
    );
    expect(Array.from(q.values)).toEqual([127, -128, 2]);
    expect(q.zeroPoints).toEqual(Int32Array.of(-128));
    expect(dequantize(q)[1]).toBe(0);
  });
});
