/**
 * The quantization kernels of `quantize-kernels.ts` on WebAssembly SIMD, with
 * the same arguments and bit-identical results; each returns undefined or
 * false, having written nothing, when its inputs are outside what the SIMD
 * kernel takes (then the caller runs the JavaScript kernel).
 *
 * One channel is run as rows of FLAT_WIDTH channels that share one scale, so
 * every kernel is a per-channel one.
 */

import {
  CHANNELS_A,
  CHANNELS_B,
  eachChunk,
  INPUT,
  MAX_CHANNELS,
  OUTPUT,
  outputFor,
  type SimdKernels,
} from './instance.js';

/** Row width for a per-tensor (one-channel) call: long rows, few row starts. */
const FLAT_WIDTH = 1024;
/** Zero points within ±2^23 keep |q − zeroPoint| below 2^24, where float32 is exact. */
const MAX_ZERO_POINT = 2 ** 23;

/** channelMaxAbs: max |w| per channel; undefined beyond MAX_CHANNELS channels. */
export function simdChannelMaxAbs(
  simd: SimdKernels,
  weights: Float32Array,
  channels: number,
): Float64Array | undefined {
  if (channels > MAX_CHANNELS) return undefined;
  const width = channels === 1 ? FLAT_WIDTH : channels;
  const acc = CHANNELS_A / 4;
  simd.i32.fill(0, acc, acc + width);
  const words = new Uint32Array(weights.buffer, weights.byteOffset, weights.length);
  eachChunk(words.length, width, (start, rows, rowWidth) => {
    simd.u32.set(words.subarray(start, start + rows * rowWidth), INPUT / 4);
    simd.run.maxAbs(INPUT, rows, rowWidth, CHANNELS_A);
  });
  if (channels > 1) return Float64Array.from(simd.f32.subarray(acc, acc + channels));
  let largest = 0;
  for (let c = acc; c < acc + width; c++) largest = Math.max(largest, simd.i32[c]!);
  return Float64Array.of(new Float32Array(Int32Array.of(largest).buffer)[0]!);
}

/** roundSymmetric: out = round(w × inverse[c]), no clamp; false beyond MAX_CHANNELS. */
export function simdRoundSymmetric(
  simd: SimdKernels,
  weights: Float32Array,
  inverse: Float64Array,
  out: Int8Array,
): boolean {
  const channels = inverse.length;
  if (channels > MAX_CHANNELS) return false;
  const width = channels === 1 ? FLAT_WIDTH : channels;
  if (channels === 1) simd.f64.fill(inverse[0]!, CHANNELS_A / 8, CHANNELS_A / 8 + width);
  else simd.f64.set(inverse, CHANNELS_A / 8);
  const words = new Uint32Array(weights.buffer, weights.byteOffset, weights.length);
  eachChunk(words.length, width, (start, rows, rowWidth) => {
    const count = rows * rowWidth;
    simd.u32.set(words.subarray(start, start + count), INPUT / 4);
    const at = outputFor(OUTPUT, out.byteOffset + start);
    simd.run.roundSymmetric(INPUT, rows, rowWidth, CHANNELS_A, at);
    out.set(simd.i8.subarray(at, at + count), start);
  });
  return true;
}

/**
 * scaleBack: out = scale[c] × (q − zeroPoint[c]) as float32; false beyond
 * MAX_CHANNELS or with a zero point outside ±2^23.
 */
export function simdScaleBack(
  simd: SimdKernels,
  values: Int8Array,
  scales: Float32Array,
  zeroPoints: Int32Array,
  out: Float32Array,
): boolean {
  const channels = scales.length;
  if (channels > MAX_CHANNELS) return false;
  if (zeroPoints.some((zeroPoint) => Math.abs(zeroPoint) > MAX_ZERO_POINT)) return false;
  const width = channels === 1 ? FLAT_WIDTH : channels;
  const scaleAt = CHANNELS_A / 4;
  const zeroPointAt = CHANNELS_B / 4;
  if (channels === 1) {
    // Through the float32 view, so a NaN scale keeps its bits.
    simd.f32.set(scales, scaleAt);
    simd.u32.fill(simd.u32[scaleAt]!, scaleAt, scaleAt + width);
    simd.i32.fill(zeroPoints[0]!, zeroPointAt, zeroPointAt + width);
  } else {
    simd.f32.set(scales, scaleAt);
    simd.i32.set(zeroPoints, zeroPointAt);
  }
  eachChunk(values.length, width, (start, rows, rowWidth) => {
    const count = rows * rowWidth;
    simd.i8.set(values.subarray(start, start + count), INPUT);
    const at = outputFor(OUTPUT, out.byteOffset + 4 * start);
    simd.run.scaleBack(INPUT, rows, rowWidth, CHANNELS_A, CHANNELS_B, at);
    out.set(simd.f32.subarray(at / 4, at / 4 + count), start);
  });
  return true;
}
