/**
 * The inner loops of quantization (`quantize.ts`), written for V8: typed
 * arrays only, no allocation per element, a flat loop when there is one
 * channel, and rows × channels loops (channel = last axis) otherwise.
 *
 * Rounding is to nearest, ties to even, by adding and subtracting 1.5 × 2^52
 * (exact for |x| < 2^51): four times faster than Math.round here, and the
 * rounding tf.round and numpy.round use.
 *
 * Math.min and Math.max propagate NaN, so a NaN weight makes its channel's
 * range NaN, which the caller rejects before any rounding.
 *
 * The hottest loops (the bench's symmetric path) are unrolled by four: V8
 * (Node 20) re-checks each typed array's map and bounds on every access and
 * hoists none of it, so unrolling amortises the loop overhead (measured 30%
 * faster here). Constants are copied into locals: V8's code for a loop re-read
 * a top-level const, with a hole check, on every use.
 *
 * channelMaxAbs, roundSymmetric and scaleBack have WebAssembly SIMD twins
 * (`simd/quantize.ts`) that give the same bits several times faster;
 * `quantize.ts` runs those where it can. These stay the reference the twins
 * are tested against and the path everywhere else.
 */

const ROUND_MAGIC = 6755399441055744;

/** x rounded to the nearest integer, ties to even (|x| < 2^51). */
export function roundEven(x: number): number {
  const magic = ROUND_MAGIC;
  return x + magic - magic;
}

/** max |w| per channel (NaN if the channel holds a NaN; 0 if it is empty). */
export function channelMaxAbs(weights: Float32Array, channels: number): Float64Array {
  if (channels === 1) return Float64Array.of(maxAbs(weights));
  // On the bits of |w| (sign cleared), which order like the magnitudes with NaN
  // above Infinity: integer compares, measured faster here than Math.max on doubles.
  const words = new Int32Array(weights.buffer, weights.byteOffset, weights.length);
  const largest = new Int32Array(channels);
  const unrolled = channels - (channels % 4);
  for (let row = 0; row < words.length; row += channels) {
    let c = 0;
    for (; c < unrolled; c += 4) {
      const i = row + c;
      const m0 = words[i]! & 0x7fffffff;
      const m1 = words[i + 1]! & 0x7fffffff;
      const m2 = words[i + 2]! & 0x7fffffff;
      const m3 = words[i + 3]! & 0x7fffffff;
      if (m0 > largest[c]!) largest[c] = m0;
      if (m1 > largest[c + 1]!) largest[c + 1] = m1;
      if (m2 > largest[c + 2]!) largest[c + 2] = m2;
      if (m3 > largest[c + 3]!) largest[c + 3] = m3;
    }
    for (; c < channels; c++) {
      const magnitude = words[row + c]! & 0x7fffffff;
      if (magnitude > largest[c]!) largest[c] = magnitude;
    }
  }
  return Float64Array.from(new Float32Array(largest.buffer));
}

/** [min, max] per channel (NaN if the channel holds a NaN; [+∞, −∞] if it is empty). */
export function channelMinMax(
  weights: Float32Array,
  channels: number,
): [Float64Array, Float64Array] {
  const lo = new Float64Array(channels).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(channels).fill(Number.NEGATIVE_INFINITY);
  if (channels === 1) {
    [lo[0], hi[0]] = minMax(weights);
    return [lo, hi];
  }
  for (let row = 0; row < weights.length; row += channels) {
    for (let c = 0; c < channels; c++) {
      const w = weights[row + c]!;
      lo[c] = Math.min(lo[c]!, w);
      hi[c] = Math.max(hi[c]!, w);
    }
  }
  return [lo, hi];
}

/**
 * q = round(w × inverse[c]) with no clamping: only for symmetric scales made
 * from these very weights, rounded up, so that |w × inverse| ≤ qmax.
 */
export function roundSymmetric(weights: Float32Array, inverse: Float64Array, out: Int8Array): void {
  const magic = ROUND_MAGIC;
  const channels = inverse.length;
  if (channels === 1) {
    const k = inverse[0]!;
    const unrolled = weights.length - (weights.length % 4);
    let i = 0;
    for (; i < unrolled; i += 4) {
      const q0 = weights[i]! * k + magic - magic;
      const q1 = weights[i + 1]! * k + magic - magic;
      const q2 = weights[i + 2]! * k + magic - magic;
      const q3 = weights[i + 3]! * k + magic - magic;
      out[i] = q0;
      out[i + 1] = q1;
      out[i + 2] = q2;
      out[i + 3] = q3;
    }
    for (; i < weights.length; i++) out[i] = weights[i]! * k + magic - magic;
    return;
  }
  const unrolled = channels - (channels % 4);
  for (let row = 0; row < weights.length; row += channels) {
    let c = 0;
    for (; c < unrolled; c += 4) {
      const i = row + c;
      const q0 = weights[i]! * inverse[c]! + magic - magic;
      const q1 = weights[i + 1]! * inverse[c + 1]! + magic - magic;
      const q2 = weights[i + 2]! * inverse[c + 2]! + magic - magic;
      const q3 = weights[i + 3]! * inverse[c + 3]! + magic - magic;
      out[i] = q0;
      out[i + 1] = q1;
      out[i + 2] = q2;
      out[i + 3] = q3;
    }
    for (; c < channels; c++) out[row + c] = weights[row + c]! * inverse[c]! + magic - magic;
  }
}

/**
 * q = round(clamp(w × inverse[c], qmin − zp[c], qmax − zp[c])) + zp[c]; throws
 * RangeError on NaN. For asymmetric scales and for fixed (calibrated) ranges.
 */
export function roundClamped(
  weights: Float32Array,
  inverse: Float64Array,
  zeroPoints: Int32Array,
  range: { qmin: number; qmax: number },
  out: Int8Array,
): void {
  const channels = inverse.length;
  if (channels === 1) {
    roundClampedFlat(weights, inverse[0]!, zeroPoints[0]!, range, out);
    return;
  }
  const magic = ROUND_MAGIC;
  const low = new Float64Array(channels);
  const high = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    low[c] = range.qmin - zeroPoints[c]!;
    high[c] = range.qmax - zeroPoints[c]!;
  }
  for (let row = 0; row < weights.length; row += channels) {
    for (let c = 0; c < channels; c++) {
      let x = weights[row + c]! * inverse[c]!;
      if (x > high[c]!) x = high[c]!;
      else if (!(x >= low[c]!)) x = clampLow(x, low[c]!, row + c);
      out[row + c] = x + magic - magic + zeroPoints[c]!;
    }
  }
}

/** out = scale[c] × (q − zp[c]), as float32. */
export function scaleBack(
  values: Int8Array,
  scales: Float32Array,
  zeroPoints: Int32Array,
  out: Float32Array,
): void {
  const channels = scales.length;
  if (channels === 1) {
    const scale = scales[0]!;
    const zeroPoint = zeroPoints[0]!;
    for (let i = 0; i < values.length; i++) out[i] = (values[i]! - zeroPoint) * scale;
    return;
  }
  const scale = Float64Array.from(scales);
  if (zeroPoints.every((zeroPoint) => zeroPoint === 0)) {
    scaleBackSymmetric(values, scale, out);
    return;
  }
  for (let row = 0; row < values.length; row += channels) {
    for (let c = 0; c < channels; c++) {
      out[row + c] = (values[row + c]! - zeroPoints[c]!) * scale[c]!;
    }
  }
}

/** out = scale[c] × q, per channel (zero points all 0). */
function scaleBackSymmetric(values: Int8Array, scale: Float64Array, out: Float32Array): void {
  const channels = scale.length;
  const unrolled = channels - (channels % 4);
  for (let row = 0; row < values.length; row += channels) {
    let c = 0;
    for (; c < unrolled; c += 4) {
      const i = row + c;
      const r0 = values[i]! * scale[c]!;
      const r1 = values[i + 1]! * scale[c + 1]!;
      const r2 = values[i + 2]! * scale[c + 2]!;
      const r3 = values[i + 3]! * scale[c + 3]!;
      out[i] = r0;
      out[i + 1] = r1;
      out[i + 2] = r2;
      out[i + 3] = r3;
    }
    for (; c < channels; c++) out[row + c] = values[row + c]! * scale[c]!;
  }
}

/** max |w|, with four accumulators so the max chains overlap. */
function maxAbs(w: Float32Array): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const end = w.length - (w.length % 4);
  for (let i = 0; i < end; i += 4) {
    a = Math.max(a, Math.abs(w[i]!));
    b = Math.max(b, Math.abs(w[i + 1]!));
    c = Math.max(c, Math.abs(w[i + 2]!));
    d = Math.max(d, Math.abs(w[i + 3]!));
  }
  for (let i = end; i < w.length; i++) a = Math.max(a, Math.abs(w[i]!));
  return Math.max(a, b, c, d);
}

/** [min, max], two accumulators each. */
function minMax(w: Float32Array): [number, number] {
  let lo0 = Number.POSITIVE_INFINITY;
  let lo1 = Number.POSITIVE_INFINITY;
  let hi0 = Number.NEGATIVE_INFINITY;
  let hi1 = Number.NEGATIVE_INFINITY;
  const end = w.length - (w.length % 2);
  for (let i = 0; i < end; i += 2) {
    lo0 = Math.min(lo0, w[i]!);
    hi0 = Math.max(hi0, w[i]!);
    lo1 = Math.min(lo1, w[i + 1]!);
    hi1 = Math.max(hi1, w[i + 1]!);
  }
  if (end < w.length) {
    lo0 = Math.min(lo0, w[end]!);
    hi0 = Math.max(hi0, w[end]!);
  }
  return [Math.min(lo0, lo1), Math.max(hi0, hi1)];
}

function roundClampedFlat(
  weights: Float32Array,
  inverse: number,
  zeroPoint: number,
  range: { qmin: number; qmax: number },
  out: Int8Array,
): void {
  const magic = ROUND_MAGIC;
  const low = range.qmin - zeroPoint;
  const high = range.qmax - zeroPoint;
  for (let i = 0; i < weights.length; i++) {
    let x = weights[i]! * inverse;
    if (x > high) x = high;
    else if (!(x >= low)) x = clampLow(x, low, i);
    out[i] = x + magic - magic + zeroPoint;
  }
}

function clampLow(x: number, low: number, index: number): number {
  if (Number.isNaN(x)) throw new RangeError(`values[${index}](=NaN) must be a number`);
  return low;
}
