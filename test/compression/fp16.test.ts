import { describe, expect, it } from 'vitest';
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  fromFloat16Bits,
  roundToFloat16,
  toFloat16Bits,
} from '../../src/compression/index.js';
import { RandomStreams } from '../../src/engine/random.js';

const half = float32ToFloat16Bits;

describe('float32ToFloat16Bits', () => {
  it('encodes exact values: sign, 5-bit exponent biased by 15, 10-bit mantissa', () => {
    expect(half(1)).toBe(0x3c00); // exponent 15 << 10
    expect(half(-2)).toBe(0xc000); // sign | 16 << 10
    expect(half(0.333251953125)).toBe(0x3555); // (1 + 341/1024) / 4: exponent 13, mantissa 341
    expect(half(65504)).toBe(0x7bff); // largest finite half: (2 - 2^-10) * 2^15
  });

  it('rounds a tie to the even mantissa', () => {
    // 1 + 2^-11 is halfway between 1 (mantissa 0) and 1 + 2^-10 (mantissa 1): even is 0.
    expect(half(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3 * 2^-11 is halfway between mantissas 1 and 2: even is 2.
    expect(half(1 + 3 * 2 ** -11)).toBe(0x3c02);
    // Just above the first tie rounds up.
    expect(half(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
  });

  it('overflows to Infinity from 65520, halfway between 65504 and 2^16', () => {
    expect(half(65519)).toBe(0x7bff);
    expect(half(65520)).toBe(0x7c00); // the tie goes to the even neighbour 2^16, which is Infinity
    expect(half(-1e6)).toBe(0xfc00);
  });

  it('produces subnormals as multiples of 2^-24, rounded to nearest even', () => {
    expect(half(2 ** -24)).toBe(0x0001);
    expect(half(1023 * 2 ** -24)).toBe(0x03ff); // largest subnormal
    expect(half(2 ** -14)).toBe(0x0400); // smallest normal
    expect(half(2 ** -25)).toBe(0x0000); // halfway between 0 and 2^-24: even is 0
    expect(half(1.5 * 2 ** -25)).toBe(0x0001);
    expect(half(3 * 2 ** -25)).toBe(0x0002); // halfway between 1 and 2 (x 2^-24): even is 2
    expect(half(1023.5 * 2 ** -24)).toBe(0x0400); // rounds up out of the subnormals
    expect(half(-(2 ** -30))).toBe(0x8000); // underflows to -0
  });

  it('keeps signed zeros and infinities and makes NaN a quiet NaN', () => {
    expect(half(0)).toBe(0x0000);
    expect(half(-0)).toBe(0x8000);
    expect(half(Number.POSITIVE_INFINITY)).toBe(0x7c00);
    expect(half(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    expect(half(Number.NaN)).toBe(0x7e00);
  });
});

describe('float16BitsToFloat32', () => {
  it('decodes normals, subnormals and specials exactly', () => {
    expect(float16BitsToFloat32(0x3555)).toBe(0.333251953125);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x0200)).toBe(2 ** -15); // 512 * 2^-24
    expect(float16BitsToFloat32(0xfbff)).toBe(-65504);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float16BitsToFloat32(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
  });

  it('round-trips every one of the 63,488 non-NaN half patterns', () => {
    let mismatches = 0;
    for (let h = 0; h < 65536; h++) {
      const isNaNPattern = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (!isNaNPattern && half(float16BitsToFloat32(h)) !== h) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe('bulk conversion', () => {
  it('picks the nearest half for random floats, ties to even', () => {
    // Theory: h is correct iff no neighbour half is strictly closer, and on a tie h is even.
    // Magnitudes stay below 2^13 x 5 < 65504, where rounding (not overflow) applies.
    const rng = new RandomStreams(7).stream('fp16');
    const values = new Float32Array(20_000);
    for (let i = 0; i < values.length; i++)
      values[i] = rng.normal(0, 1) * 2 ** rng.integer(38) * 2 ** -24;
    const halves = toFloat16Bits(values);
    let wrong = 0;
    halves.forEach((h, i) => {
      const x = Math.abs(values[i]!);
      const magnitude = h & 0x7fff;
      const err = Math.abs(x - float16BitsToFloat32(magnitude));
      for (const neighbour of [magnitude - 1, magnitude + 1]) {
        if (neighbour < 0 || neighbour > 0x7bff) continue;
        const other = Math.abs(x - float16BitsToFloat32(neighbour));
        if (other < err || (other === err && (magnitude & 1) === 1)) wrong++;
      }
    });
    expect(wrong).toBe(0);
  });

  it('fromFloat16Bits inverts toFloat16Bits on values that are already halves', () => {
    const values = Float32Array.of(0.5, -1024, 2 ** -24, 65504, -0);
    expect(fromFloat16Bits(toFloat16Bits(values))).toEqual(values);
    expect(roundToFloat16(Float32Array.of(1 + 2 ** -11))).toEqual(Float32Array.of(1));
  });
});
