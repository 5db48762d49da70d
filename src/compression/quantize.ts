/**
 * Uniform affine quantization of weights to int8 and int4: real = scale × (q − zeroPoint).
 *
 * Jacob et al., "Quantization and Training of Neural Networks for Efficient
 * Integer-Arithmetic-Only Inference", CVPR 2018; per-channel and symmetric vs
 * asymmetric as in Krishnamoorthi, "Quantizing deep convolutional networks for
 * efficient inference: A whitepaper", arXiv:1806.08342, 2018.
 *
 * - Integer ranges. Symmetric: −(2^(b−1) − 1) .. 2^(b−1) − 1 (int8 −127..127,
 *   int4 −7..7), zero point 0: the restricted range TFLite uses for weights, so
 *   the grid is the same on both sides of 0. Asymmetric: −2^(b−1) .. 2^(b−1) − 1
 *   (int8 −128..127, int4 −8..7).
 * - Scales. Symmetric: max|w| / qmax. Asymmetric: the range [min(lo, 0), max(hi, 0)]
 *   over qmax − qmin steps, zeroPoint = qmin − round(lo / scale); 0 is then the
 *   integer zeroPoint exactly. A channel of zeros (or an empty one) gets scale 1.
 * - Scales are stored as float32, rounded UP so that the range always fits
 *   the grid, and quantization uses the stored value, so
 *   |dequantize(quantize(w)) − w| ≤ scale / 2, plus one float32 rounding of the output.
 * - Rounding: w × (1 / scale) in float64, to nearest with ties to even (as
 *   tf.round and numpy.round), clamped to the integer range (symmetric needs
 *   no clamp: its rounded-up scale keeps |w / scale| ≤ qmax).
 * - Per-channel means per output channel: per index of the last axis for
 *   standard kernels (TF.js layouts dense [in, out], conv2d [kh, kw, in, out]),
 *   and for depthwise kernels [kh, kw, in, multiplier] (`layout: 'depthwise'`)
 *   per index of the last two axes together, in × multiplier + m, as TFLite
 *   quantizes depthwise weights per output channel (Krishnamoorthi 2018, §2.3).
 *   Per multiplier alone would be per tensor for the usual multiplier 1.
 */

import { roundToFloat16 } from './fp16.js';
import {
  channelMaxAbs,
  channelMinMax,
  roundClamped,
  roundEven,
  roundSymmetric,
  scaleBack,
} from './quantize-kernels.js';
import { checkShape, type KernelLayout, outputChannels } from './shape.js';
import { simdFor } from './simd/instance.js';
import { simdChannelMaxAbs, simdRoundSymmetric, simdScaleBack } from './simd/quantize.js';

/** Integer widths: 8 and 4 bits. fp16 (16) is a float format, see {@link fakeQuantize}. */
export type QuantBits = 4 | 8;
/** Symmetric: zero point 0, range ±max|w|. Asymmetric: range [min, max] ∪ {0}, any zero point. */
export type QuantScheme = 'symmetric' | 'asymmetric';
/** One scale for the whole tensor, or one per index of the last axis. */
export type QuantGranularity = 'per-tensor' | 'per-channel';

/** How to quantize. */
export interface QuantizeOptions {
  readonly bits: QuantBits;
  readonly scheme: QuantScheme;
  readonly granularity: QuantGranularity;
  /** Where the output channels lie, for per-channel (default `standard`: the last axis). */
  readonly layout?: KernelLayout;
}

/** A quantized tensor: one integer per element, with scales and zero points per channel. */
export interface QuantizedTensor {
  readonly bits: QuantBits;
  readonly scheme: QuantScheme;
  readonly granularity: QuantGranularity;
  /** `depthwise` when per-channel runs over the last two axes; absent (standard) otherwise. */
  readonly layout?: KernelLayout;
  readonly shape: readonly number[];
  /** One integer per element, in the range of `bits` and `scheme`. */
  readonly values: Int8Array;
  /** One scale (real units per integer step) per channel, or one for per-tensor. */
  readonly scales: Float32Array;
  /** Integer that stands for 0.0, per channel; all 0 when symmetric. */
  readonly zeroPoints: Int32Array;
}

/** A scale and the integer that represents 0. */
export interface QuantParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** A closed interval of real values. */
export interface ValueRange {
  readonly min: number;
  readonly max: number;
}

/** Bits accepted anywhere a precision is chosen: int4, int8 and fp16. */
export const SUPPORTED_BITS: readonly number[] = [4, 8, 16];

/** Checks that `bits` is 4, 8 or 16. */
export function checkBits(bits: number): asserts bits is 4 | 8 | 16 {
  if (bits !== 4 && bits !== 8 && bits !== 16)
    throw new RangeError(`bits(=${bits}) must be one of ${SUPPORTED_BITS.join(', ')}`);
}

/** The integer range [qmin, qmax] of a width and scheme (see the file header). */
export function integerRange(bits: QuantBits, scheme: QuantScheme): { qmin: number; qmax: number } {
  checkIntegerBits(bits);
  const qmax = 2 ** (bits - 1) - 1;
  return { qmin: scheme === 'symmetric' ? -qmax : -qmax - 1, qmax };
}

/** Scale and zero point that cover [min, max] (extended to include 0). */
export function quantParams(range: ValueRange, bits: QuantBits, scheme: QuantScheme): QuantParams {
  const { min, max } = range;
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max)
    throw new RangeError(`range [${min}, ${max}] must be finite with min <= max`);
  const { qmin, qmax } = integerRange(bits, scheme);
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (scheme === 'symmetric')
    return { scale: positiveScale(Math.max(-lo, hi) / qmax), zeroPoint: 0 };
  const scale = positiveScale((hi - lo) / (qmax - qmin));
  return { scale, zeroPoint: qmin - roundEven(lo / scale) };
}

/**
 * Quantizes `weights` (row-major, of `shape`). Throws RangeError on a NaN or
 * infinite weight, a shape that does not match, or bits other than 4 and 8.
 * `out`, if given, receives the integers (and becomes `values`).
 */
export function quantize(
  weights: Float32Array,
  shape: readonly number[],
  options: QuantizeOptions,
  out: Int8Array = new Int8Array(weights.length),
): QuantizedTensor {
  const { bits, scheme, granularity } = options;
  checkIntegerBits(bits);
  checkShape(weights.length, shape);
  checkOut(out.length, weights.length);
  const depthwise = granularity === 'per-channel' && options.layout === 'depthwise';
  const channels =
    granularity === 'per-channel' ? outputChannels(shape, options.layout ?? 'standard') : 1;
  const scales = new Float32Array(channels);
  const zeroPoints = new Int32Array(channels);
  const inverse = new Float64Array(channels);
  channelRanges(weights, channels, scheme).forEach((range, c) => {
    const params = quantParams(range, bits, scheme);
    scales[c] = params.scale;
    zeroPoints[c] = params.zeroPoint;
    inverse[c] = 1 / params.scale;
  });
  if (scheme === 'symmetric') {
    const simd = simdFor(weights.length);
    if (simd === undefined || !simdRoundSymmetric(simd, weights, inverse, out))
      roundSymmetric(weights, inverse, out);
  } else roundClamped(weights, inverse, zeroPoints, integerRange(bits, scheme), out);
  return {
    bits,
    scheme,
    granularity,
    ...(depthwise ? { layout: 'depthwise' as const } : {}),
    shape: [...shape],
    values: out,
    scales,
    zeroPoints,
  };
}

/**
 * Quantizes `values` per tensor with a fixed range (such as one calibrated by
 * `activationRange`); values outside the range clamp to its ends.
 */
export function quantizeWithRange(
  values: Float32Array,
  shape: readonly number[],
  range: ValueRange,
  options: { readonly bits: QuantBits; readonly scheme: QuantScheme },
): QuantizedTensor {
  checkShape(values.length, shape);
  const { scale, zeroPoint } = quantParams(range, options.bits, options.scheme);
  const scales = Float32Array.of(scale);
  const zeroPoints = Int32Array.of(zeroPoint);
  const out = new Int8Array(values.length);
  const inverse = Float64Array.of(1 / scale);
  roundClamped(values, inverse, zeroPoints, integerRange(options.bits, options.scheme), out);
  return {
    ...options,
    granularity: 'per-tensor',
    shape: [...shape],
    values: out,
    scales,
    zeroPoints,
  };
}

/**
 * The real values a quantized tensor stands for: scale × (q − zeroPoint), as
 * float32, into `out` if given.
 */
export function dequantize(
  q: QuantizedTensor,
  out: Float32Array = new Float32Array(q.values.length),
): Float32Array {
  checkOut(out.length, q.values.length);
  const channels = q.scales.length;
  if (q.values.length % channels !== 0 || q.zeroPoints.length !== channels)
    throw new RangeError(
      `${q.values.length} values, ${channels} scales and ${q.zeroPoints.length} zero points do not fit`,
    );
  const simd = simdFor(out.length);
  if (simd === undefined || !simdScaleBack(simd, q.values, q.scales, q.zeroPoints, out))
    scaleBack(q.values, q.scales, q.zeroPoints, out);
  return out;
}

/** Options of {@link fakeQuantize}: an integer format, or `{bits: 16}` for fp16. */
export type FakeQuantizeOptions = QuantizeOptions | { readonly bits: 16 };

/**
 * Quantize then dequantize: the float32 values a model would compute with at
 * that precision (for quantization-aware training and for measuring accuracy).
 * `bits: 16` rounds to the nearest fp16.
 */
export function fakeQuantize(
  weights: Float32Array,
  shape: readonly number[],
  options: FakeQuantizeOptions,
): Float32Array {
  checkBits(options.bits);
  if (options.bits === 16) {
    checkShape(weights.length, shape);
    return roundToFloat16(weights);
  }
  return dequantize(quantize(weights, shape, options as QuantizeOptions));
}

function checkIntegerBits(bits: number): asserts bits is QuantBits {
  checkBits(bits);
  if (bits === 16)
    throw new RangeError(
      'bits(=16) is fp16, which has no integer form: use toFloat16Bits or fakeQuantize',
    );
}

/** A float32 scale ≥ `scale` (so the range fits the grid) and > 0; 1 for a zero range. */
function positiveScale(scale: number): number {
  if (scale === 0) return 1;
  let rounded = Math.fround(scale);
  if (rounded < scale) rounded = nextFloat32Up(rounded);
  return Math.max(rounded, 2 ** -149);
}

/** The next float32 above a non-negative finite float32. */
function nextFloat32Up(x: number): number {
  const bits = new Uint32Array(Float32Array.of(x).buffer);
  bits[0] = bits[0]! + 1;
  return new Float32Array(bits.buffer)[0]!;
}

/** Per-channel ranges (an empty channel gets [0, 0]); a NaN or infinite weight throws. */
function channelRanges(weights: Float32Array, channels: number, scheme: QuantScheme): ValueRange[] {
  const ranges: ValueRange[] = [];
  if (scheme === 'symmetric') {
    const simd = simdFor(weights.length);
    const maxima =
      (simd && simdChannelMaxAbs(simd, weights, channels)) ?? channelMaxAbs(weights, channels);
    for (const m of maxima) ranges.push({ min: -m, max: m });
  } else {
    const [lo, hi] = channelMinMax(weights, channels);
    for (let c = 0; c < channels; c++) {
      const empty = lo[c]! === Number.POSITIVE_INFINITY && hi[c]! === Number.NEGATIVE_INFINITY;
      ranges.push(empty ? { min: 0, max: 0 } : { min: lo[c]!, max: hi[c]! });
    }
  }
  ranges.forEach((range, c) => {
    if (!Number.isFinite(range.min) || !Number.isFinite(range.max))
      throw new RangeError(
        `weights must be finite; channel ${c} spans [${range.min}, ${range.max}]`,
      );
  });
  return ranges;
}

function checkOut(outLength: number, length: number): void {
  if (outLength !== length) throw new RangeError(`out.length(=${outLength}) must be ${length}`);
}
