/**
 * The WebAssembly SIMD kernels against their JavaScript references: every
 * case compares bytes, on seeded random inputs mixed with adversarial ones
 * (NaN payloads, ±0, subnormals, infinities, exact ties, fp16 limits), at
 * lengths and channel counts that are not multiples of 4 or 16, across chunk
 * boundaries, into outputs at odd offsets, and empty.
 */

import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSimdModule, GENERATED_PATH } from '../../scripts/build-simd.js';
import {
  applyMask,
  dequantize,
  encode,
  globalMagnitudeMasks,
  magnitudeMask,
  pruneByMagnitude,
  quantize,
  quantizeWithRange,
  toFloat16Bits,
} from '../../src/compression/index.js';
import {
  channelMaxAbs,
  roundSymmetric,
  scaleBack,
} from '../../src/compression/quantize-kernels.js';
import { simdToFloat16Bits } from '../../src/compression/simd/fp16.js';
import {
  CHUNK,
  instantiate,
  MAX_CHANNELS,
  MEMORY_BYTES,
  type SimdKernels,
  setSimdMode,
  simdKernels,
} from '../../src/compression/simd/instance.js';
import { simdApplyMask, simdSplit } from '../../src/compression/simd/prune.js';
import {
  simdChannelMaxAbs,
  simdRoundSymmetric,
  simdScaleBack,
} from '../../src/compression/simd/quantize.js';
import { type RandomStream, RandomStreams } from '../../src/engine/random.js';

/**
 * float32 bit patterns that stress kernels: zeros of both signs, subnormals,
 * values at and beside the fp16 limits, exact halves, any magnitude,
 * infinities, NaNs with any payload and sign, arbitrary bits, and (half of
 * them) ordinary weights.
 */
function adversarialBits(rng: RandomStream, n: number): Uint32Array {
  const bits = new Uint32Array(n);
  const value = new Float32Array(bits.buffer);
  const edges = [2 ** -25, 2 ** -24, 2 ** -15, 2 ** -14, 65504, 65520, 65536, 2 ** -126];
  for (let i = 0; i < n; i++) {
    const sign = rng.bernoulli(0.5) ? 0x80000000 : 0;
    switch (rng.integer(14)) {
      case 0:
        bits[i] = sign;
        break;
      case 1:
        bits[i] = sign | (rng.integer(0x7fffff) + 1);
        break;
      case 2:
        value[i] = edges[rng.integer(edges.length)]!;
        bits[i] = (bits[i]! + rng.integer(5) - 2) | sign;
        break;
      case 3:
        value[i] = (rng.integer(512) - 256 + 0.5) * 2 ** (rng.integer(9) - 4);
        break;
      case 4:
        value[i] = rng.normal(0, 1) * 2 ** (rng.integer(256) - 128);
        break;
      case 5:
        bits[i] = sign | 0x7f800000;
        break;
      case 6:
        bits[i] = sign | 0x7f800000 | (rng.integer(0x7fffff) + 1);
        break;
      case 7:
        bits[i] = Math.floor(rng.next() * 2 ** 32);
        break;
      default:
        value[i] = rng.normal(0, 0.05);
    }
  }
  return bits;
}

/** Finite weights only: the adversarial mix without infinities and NaNs. */
function finiteWeights(rng: RandomStream, n: number): Float32Array {
  const bits = adversarialBits(rng, n);
  for (let i = 0; i < n; i++) if ((bits[i]! & 0x7f800000) === 0x7f800000) bits[i] = 0;
  return new Float32Array(bits.buffer);
}

/** Index of the first byte where two views differ; -1 when they hold the same bytes. */
function firstDifference(a: ArrayBufferView, b: ArrayBufferView): number {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** A view of `length` elements that starts `shift` elements into its buffer. */
function shifted<T extends { subarray(begin: number): T }>(
  make: new (length: number) => T,
  length: number,
  shift: number,
): T {
  return new make(length + shift).subarray(shift);
}

/** Shapes [rows, channels]: small, not multiples of 4 or 16, one chunk and several. */
const SHAPES: [number, number][] = [
  [0, 1],
  [0, 7],
  [1, 1],
  [3, 1],
  [1, 3],
  [5, 2],
  [7, 13],
  [9, 16],
  [4, 17],
  [11, 31],
  [2, 64],
  [6, 1001],
  [1, 5000],
  [70, 1000],
  [1, 3 * CHUNK + 5],
  [3, 40_000],
];

let simd: SimdKernels;
beforeAll(() => {
  const kernels = simdKernels();
  if (kernels === undefined)
    throw new Error('Node 20 runs WebAssembly SIMD; the kernels must load');
  simd = kernels;
});
afterEach(() => {
  setSimdMode('auto');
});

describe('the compiled module', () => {
  it('is exactly what kernels.wat compiles to', async () => {
    expect(await buildSimdModule()).toBe(readFileSync(GENERATED_PATH, 'utf8'));
  });

  it('has a fixed memory of under 3 MB', () => {
    expect(MEMORY_BYTES).toBeLessThan(3_000_000);
  });

  it('is not instantiated where the bytes do not validate (no WebAssembly SIMD)', () => {
    expect(instantiate(Uint8Array.of(0, 0x61, 0x73, 0x6d, 9, 9, 9, 9))).toBeUndefined();
  });
});

describe('SIMD quantization kernels', () => {
  it('channelMaxAbs: the same maxima, NaN included, for every shape', () => {
    const rng = new RandomStreams(11).stream('max-abs');
    for (const [rows, channels] of SHAPES) {
      const weights = new Float32Array(adversarialBits(rng, rows * channels).buffer);
      const expected = channelMaxAbs(weights, channels);
      const actual = simdChannelMaxAbs(simd, weights, channels)!;
      expect(actual.length).toBe(expected.length);
      if (channels === 1) expect(Object.is(actual[0], expected[0])).toBe(true);
      else expect(firstDifference(actual, expected)).toBe(-1);
    }
  });

  it('roundSymmetric: the same bytes, ties to even and wrapping as an Int8Array store', () => {
    const rng = new RandomStreams(12).stream('round');
    for (const [rows, channels] of SHAPES) {
      for (const kind of ['quantize', 'ties', 'large'] as const) {
        const weights = finiteWeights(rng, rows * channels);
        const inverse = new Float64Array(channels);
        for (let c = 0; c < channels; c++)
          inverse[c] =
            kind === 'ties' ? 2 ** (rng.integer(5) - 2) : kind === 'large' ? 1e6 : 127 / 1e38;
        if (kind === 'quantize') {
          // As quantize does: 1 / scale with scale ≥ max|w| / 127.
          const maxima = channelMaxAbs(weights, channels);
          maxima.forEach((m, c) => {
            inverse[c] = m === 0 ? 1 : 127 / m;
          });
        }
        // Every |w × inverse| below 2^51, the domain of the rounding trick.
        for (let i = 0; i < weights.length; i++)
          if (Math.abs(weights[i]! * inverse[i % channels]!) >= 2 ** 50) weights[i] = 0.5;
        const expected = shifted(Int8Array, weights.length, 1);
        const actual = shifted(Int8Array, weights.length, 3);
        roundSymmetric(weights, inverse, expected);
        expect(simdRoundSymmetric(simd, weights, inverse, actual)).toBe(true);
        expect(firstDifference(actual, expected)).toBe(-1);
      }
    }
  });

  it('scaleBack: the same float32 bits, for any scale (NaN, ±Infinity, subnormal) and zero point', () => {
    const rng = new RandomStreams(13).stream('scale-back');
    for (const [rows, channels] of SHAPES) {
      for (const zeroPointRange of [0, 128, 2 ** 23]) {
        const values = new Int8Array(rows * channels);
        for (let i = 0; i < values.length; i++) values[i] = rng.integer(256) - 128;
        const scales = new Float32Array(adversarialBits(rng, channels).buffer);
        const zeroPoints = new Int32Array(channels);
        for (let c = 0; c < channels; c++)
          zeroPoints[c] = rng.integer(2 * zeroPointRange + 1) - zeroPointRange;
        const expected = shifted(Float32Array, values.length, 1);
        const actual = shifted(Float32Array, values.length, 2);
        scaleBack(values, scales, zeroPoints, expected);
        expect(simdScaleBack(simd, values, scales, zeroPoints, actual)).toBe(true);
        expect(firstDifference(actual, expected)).toBe(-1);
      }
    }
  });

  it('leave to JavaScript what they cannot do exactly, writing nothing', () => {
    const out = new Float32Array(4);
    expect(
      simdScaleBack(simd, new Int8Array(4), new Float32Array(1), Int32Array.of(2 ** 23 + 1), out),
    ).toBe(false);
    const wide = new Float32Array(MAX_CHANNELS + 1);
    expect(simdChannelMaxAbs(simd, wide, wide.length)).toBeUndefined();
    expect(
      simdRoundSymmetric(simd, wide, new Float64Array(wide.length), new Int8Array(wide.length)),
    ).toBe(false);
  });
});

describe('SIMD fp16 conversion', () => {
  it('gives the bits of the JavaScript conversion for every sign, exponent and rounding case', () => {
    // Every upper half-word (sign, exponent, 7 mantissa bits) with low half-words
    // on both sides of each rounding point.
    const lows = [
      0, 1, 0x0fff, 0x1000, 0x1001, 0x1fff, 0x2000, 0x2fff, 0x3000, 0x3001, 0x7fff, 0x8000, 0xffff,
    ];
    const bits = new Uint32Array(65536 * lows.length);
    for (let high = 0; high < 65536; high++)
      lows.forEach((low, j) => {
        bits[high * lows.length + j] = ((high << 16) | low) >>> 0;
      });
    const values = new Float32Array(bits.buffer);
    setSimdMode('never');
    const expected = toFloat16Bits(values);
    const actual = shifted(Uint16Array, values.length, 1);
    simdToFloat16Bits(simd, values, actual);
    expect(firstDifference(actual, expected)).toBe(-1);
  });

  it('agrees on random and adversarial values at any length', () => {
    const rng = new RandomStreams(14).stream('fp16');
    for (const n of [0, 1, 3, 7, 8, 9, 15, 16, 17, 1000, CHUNK - 1, CHUNK + 9, 2 * CHUNK]) {
      const values = new Float32Array(adversarialBits(rng, n).buffer);
      setSimdMode('never');
      const expected = toFloat16Bits(values);
      const actual = new Uint16Array(n);
      simdToFloat16Bits(simd, values, actual);
      expect(firstDifference(actual, expected)).toBe(-1);
    }
  });
});

/** The split of magnitude pruning, by its definition. */
function splitByDefinition(words: Uint32Array, low: number, high: number) {
  const mask = new Uint8Array(words.length);
  const pruned = new Uint32Array(words.length);
  const indices: number[] = [];
  const keys: number[] = [];
  let kept = 0;
  words.forEach((word, i) => {
    const magnitude = word & 0x7fffffff;
    mask[i] = magnitude > high ? 1 : 0;
    pruned[i] = magnitude >= low ? word : 0;
    kept += mask[i]!;
    if (magnitude >= low && magnitude <= high) {
      indices.push(i);
      keys.push(magnitude);
    }
  });
  return { mask, pruned, kept, indices, keys };
}

describe('SIMD pruning kernels', () => {
  it('split: the mask, the count kept, the weights in the bracket in order, the pruned copy', () => {
    const rng = new RandomStreams(15).stream('split');
    for (const n of [0, 1, 5, 15, 16, 17, 33, 1000, CHUNK + 3, 2 * CHUNK + 17]) {
      const words = adversarialBits(rng, n);
      // Bracket ends (low <= high, as the sampled bracket always has) from the data.
      const magnitude = () => (n === 0 ? 0 : words[rng.integer(n)]! & 0x7fffffff);
      const [one, other, third] = [magnitude(), magnitude(), magnitude()];
      const pairs: [number, number][] = [
        [0, 0x7fffffff],
        [0, 0],
        [0x3d000000, 0x3d800000],
        [one, one],
        [Math.min(other, third), Math.max(other, third)],
      ];
      for (const [low, high] of pairs) {
        const expected = splitByDefinition(words, low, high);
        const mask = shifted(Uint8Array, n, 1);
        const indices: number[] = [];
        const keys: number[] = [];
        const list = {
          append: (i: Int32Array, k: Uint32Array) => {
            indices.push(...i);
            keys.push(...k);
          },
        };
        const pruned = shifted(Uint32Array, n, 5);
        expect(simdSplit(simd, words, mask, low, high, list, pruned)).toBe(expected.kept);
        expect(firstDifference(mask, expected.mask)).toBe(-1);
        expect(firstDifference(pruned, expected.pruned)).toBe(-1);
        expect(indices).toEqual(expected.indices);
        expect(keys).toEqual(expected.keys);
      }
    }
  });

  it('applyMask: the same bits, +0 where the mask byte is 0, for any mask byte and offset', () => {
    const rng = new RandomStreams(16).stream('apply-mask');
    for (const n of [0, 1, 15, 16, 17, 1001, CHUNK + 5]) {
      const weights = new Float32Array(adversarialBits(rng, n).buffer);
      const mask = shifted(Uint8Array, n, 3);
      for (let i = 0; i < n; i++) mask[i] = rng.bernoulli(0.5) ? 0 : rng.integer(256);
      setSimdMode('never');
      const expected = applyMask(weights, mask);
      const actual = shifted(Float32Array, n, 1);
      simdApplyMask(simd, weights, mask, actual);
      expect(firstDifference(actual, expected)).toBe(-1);
    }
  });
});

/** Runs `f` with the JavaScript kernels, then with the SIMD ones, and returns both results. */
function bothWays<T>(f: () => T): [T, T] {
  setSimdMode('never');
  const js = f();
  setSimdMode('always');
  const wasm = f();
  return [js, wasm];
}

/** The error `f` throws, or undefined. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the public API with and without SIMD', () => {
  it('quantize and dequantize give the same tensors, every width, scheme and granularity', () => {
    const rng = new RandomStreams(17).stream('quantize');
    for (const [rows, channels] of SHAPES) {
      const weights = finiteWeights(rng, rows * channels);
      for (const bits of [8, 4] as const)
        for (const scheme of ['symmetric', 'asymmetric'] as const)
          for (const granularity of ['per-tensor', 'per-channel'] as const) {
            const options = { bits, scheme, granularity };
            const [js, wasm] = bothWays(() => {
              const q = quantize(weights, [rows, channels], options);
              return { q, restored: dequantize(q) };
            });
            expect(firstDifference(wasm.q.values, js.q.values)).toBe(-1);
            expect(firstDifference(wasm.q.scales, js.q.scales)).toBe(-1);
            expect(firstDifference(wasm.restored, js.restored)).toBe(-1);
          }
    }
  });

  it('quantize throws the same RangeError on NaN and infinite weights', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const weights = new Float32Array(3000).fill(0.25);
      weights[1234] = bad;
      for (const granularity of ['per-tensor', 'per-channel'] as const) {
        const options = { bits: 8, scheme: 'symmetric', granularity } as const;
        const [js, wasm] = bothWays(() => thrown(() => quantize(weights, [100, 30], options)));
        expect(js).toBeInstanceOf(RangeError);
        expect(wasm).toEqual(js);
      }
    }
  });

  it('fp16 encoding and fixed-range dequantization give the same bytes', () => {
    const rng = new RandomStreams(18).stream('encode');
    const values = new Float32Array(adversarialBits(rng, 5003).buffer);
    const [js, wasm] = bothWays(() =>
      encode({ precision: 'fp16', shape: [5003], values }, 'dense'),
    );
    expect(firstDifference(wasm, js)).toBe(-1);
    const finite = finiteWeights(rng, 5003);
    const options = { bits: 8, scheme: 'asymmetric' } as const;
    const [a, b] = bothWays(() =>
      dequantize(quantizeWithRange(finite, [5003], { min: -1, max: 2 }, options)),
    );
    expect(firstDifference(b, a)).toBe(-1);
  });

  it('magnitude pruning gives the same masks and weights, bracketed or exact, ties and NaN included', () => {
    const rng = new RandomStreams(19).stream('prune');
    for (const n of [0, 10, 1000, 70_000, 300_001]) {
      const weights = new Float32Array(adversarialBits(rng, n).buffer);
      // A quarter of the weights tie on a few magnitudes (the bracket's hardest case).
      for (let i = 0; i < n; i += 4) weights[i] = (rng.integer(3) - 1) * 0.0625;
      for (const sparsity of [0, 0.3, 0.8, 0.999]) {
        const [js, wasm] = bothWays(() => pruneByMagnitude(weights, sparsity));
        expect(firstDifference(wasm.mask, js.mask)).toBe(-1);
        expect(firstDifference(wasm.weights, js.weights)).toBe(-1);
      }
    }
  });

  it('pruning in place gives what pruning into a separate array gives', () => {
    const rng = new RandomStreams(21).stream('in-place');
    const weights = new Float32Array(adversarialBits(rng, 100_003).buffer);
    for (const mode of ['never', 'always'] as const) {
      setSimdMode(mode);
      const apart = pruneByMagnitude(weights, 0.8);
      const copy = weights.slice();
      const inPlace = pruneByMagnitude(copy, 0.8, {
        weights: copy,
        mask: new Uint8Array(copy.length),
      });
      expect(firstDifference(inPlace.weights, apart.weights)).toBe(-1);
      expect(firstDifference(inPlace.mask, apart.mask)).toBe(-1);
    }
  });

  it('global pruning gives the same masks over several tensors', () => {
    const rng = new RandomStreams(20).stream('global');
    const tensors = [40_000, 3, 90_017].map(
      (n) => new Float32Array(adversarialBits(rng, n).buffer),
    );
    const [js, wasm] = bothWays(() => globalMagnitudeMasks(tensors, 0.7));
    wasm.forEach((mask, t) => {
      expect(firstDifference(mask, js[t]!)).toBe(-1);
    });
    const [one, other] = bothWays(() => magnitudeMask(tensors[2]!, 0.5));
    expect(firstDifference(other, one)).toBe(-1);
  });
});
