/**
 * IEEE 754 binary16 ("half", fp16) conversion, on raw bits.
 *
 * float32 → fp16 rounds to nearest, ties to even, by integer arithmetic on the
 * float32 bit pattern (the rounding trick of Giesen, "float_to_half_fast3_rtne",
 * 2016): normal results add 0xfff plus the lowest kept bit before truncating 13
 * mantissa bits, so a carry rolls into the exponent and, past 65504, into
 * Infinity. Results below 2^-14 become subnormals (multiples of 2^-24) rounded
 * the same way; magnitudes below 2^-25 become a signed zero. NaN becomes the
 * quiet NaN 0x7e00 with the input's sign (the payload is not kept).
 *
 * fp16 → float32 is exact (every half is a float32) and goes through a
 * 65,536-entry table built on first use.
 *
 * toFloat16Bits runs on WebAssembly SIMD (`simd/fp16.ts`, the same bits) when
 * the array is long enough and the runtime has it.
 */

import { simdToFloat16Bits } from './simd/fp16.js';
import { simdFor } from './simd/instance.js';

const F32_BITS = new Uint32Array(1);
const F32_VALUE = new Float32Array(F32_BITS.buffer);

/** fp16 bits of `x` (a number, first rounded to float32), rounded to nearest even. */
export function float32ToFloat16Bits(x: number): number {
  F32_VALUE[0] = x;
  return halfFromSingleBits(F32_BITS[0]!);
}

/** The float32 value of the fp16 bit pattern `bits` (0..65535). */
export function float16BitsToFloat32(bits: number): number {
  F32_BITS[0] = singleBitsFromHalf(bits & 0xffff);
  return F32_VALUE[0]!;
}

/** Converts each float32 to fp16 bits (round to nearest, ties to even). */
export function toFloat16Bits(
  values: Float32Array,
  out: Uint16Array = new Uint16Array(values.length),
): Uint16Array {
  if (out.length !== values.length)
    throw new RangeError(`out.length(=${out.length}) must equal values.length(=${values.length})`);
  const simd = simdFor(values.length);
  if (simd !== undefined) {
    simdToFloat16Bits(simd, values, out);
    return out;
  }
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  // Unrolled by four: V8 re-checks both arrays on every access, and the
  // unrolled loop amortises that (measured a third faster).
  const unrolled = bits.length - (bits.length % 4);
  let i = 0;
  for (; i < unrolled; i += 4) {
    const h0 = halfFromSingleBits(bits[i]!);
    const h1 = halfFromSingleBits(bits[i + 1]!);
    const h2 = halfFromSingleBits(bits[i + 2]!);
    const h3 = halfFromSingleBits(bits[i + 3]!);
    out[i] = h0;
    out[i + 1] = h1;
    out[i + 2] = h2;
    out[i + 3] = h3;
  }
  for (; i < bits.length; i++) out[i] = halfFromSingleBits(bits[i]!);
  return out;
}

/** Converts each fp16 bit pattern to its (exact) float32 value. */
export function fromFloat16Bits(
  halves: Uint16Array,
  out: Float32Array = new Float32Array(halves.length),
): Float32Array {
  if (out.length !== halves.length)
    throw new RangeError(`out.length(=${out.length}) must equal halves.length(=${halves.length})`);
  const table = halfToSingleTable();
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < halves.length; i++) bits[i] = table[halves[i]!]!;
  return out;
}

/** Rounds each float32 to the nearest fp16 value, returned as float32. */
export function roundToFloat16(values: Float32Array): Float32Array {
  return fromFloat16Bits(toFloat16Bits(values));
}

/** fp16 bits from float32 bits `f` (a uint32). */
function halfFromSingleBits(f: number): number {
  const sign = (f >>> 16) & 0x8000;
  const a = f & 0x7fffffff;
  if (a >= 0x47800000) {
    // |x| >= 2^16, Infinity or NaN: everything here overflows fp16.
    return sign | (a > 0x7f800000 ? 0x7e00 : 0x7c00);
  }
  if (a >= 0x38800000) {
    // Normal fp16 (|x| >= 2^-14): rebias the exponent by 127 - 15, round off 13 bits.
    const rebiased = a - 0x38000000;
    return sign | ((rebiased + 0xfff + ((rebiased >>> 13) & 1)) >>> 13);
  }
  return sign | subnormalHalf(a);
}

/** fp16 subnormal (or zero) bits for a float32 magnitude `a` (bits) below 2^-14. */
function subnormalHalf(a: number): number {
  const exponent = a >>> 23;
  // The half's integer mantissa is |x| / 2^-24 = mantissa24 * 2^(exponent - 126).
  const shift = 126 - exponent;
  if (shift > 24) return 0; // |x| < 2^-25: below half the smallest subnormal.
  const mantissa = (a & 0x7fffff) | 0x800000;
  const kept = mantissa >>> shift;
  const rest = mantissa & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  // A carry out of 0x3ff gives 0x400, the smallest normal: still correct bits.
  return kept + (rest > half || (rest === half && (kept & 1) === 1) ? 1 : 0);
}

/** float32 bits from fp16 bits `h`. */
function singleBitsFromHalf(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 31) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  // Subnormal: normalise so the leading 1 becomes the implicit bit.
  let e = 113;
  let m = mantissa;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

let table: Uint32Array | undefined;

function halfToSingleTable(): Uint32Array {
  if (table === undefined) {
    table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = singleBitsFromHalf(h);
  }
  return table;
}
