/**
 * The wire format of sparse updates (top-k and random-k), and the count k.
 *
 * - k = max(1, round(ratio × n)) of n parameters, ratio in (0, 1].
 * - Indices (top-k only; random-k's are the round's shared mask and are not
 *   sent): ascending, each in w = ⌈log2 n⌉ bits (0 bits when n = 1), packed
 *   least significant bit first (bit j of the stream is bit j mod 8 of byte
 *   ⌊j / 8⌋, as compression/bits.ts), the last byte zero-padded:
 *   ⌈k·w / 8⌉ bytes. For n = 1,000,000 that is 20 bits an index, not 32.
 * - Values, in index order: float32 (4 bytes each, exact) or fp16 (2 bytes,
 *   rounded to nearest even, see compression/fp16.ts), little-endian.
 */
import { fromFloat16Bits, toFloat16Bits } from '../../../compression/fp16.js';
import { bytesOf, checkParameters } from './codec.js';

/** How sparse values travel: float32 (exact) or fp16 (half the bytes). */
export type ValuePrecision = 'float32' | 'fp16';

/** Bytes of one value at `precision`. */
export function valueBytes(precision: ValuePrecision): number {
  return precision === 'float32' ? 4 : 2;
}

/** Checks that `ratio` is a number in (0, 1]. */
export function checkRatio(ratio: number): number {
  if (!(typeof ratio === 'number' && ratio > 0 && ratio <= 1))
    throw new RangeError(`ratio(=${ratio}) must be in (0, 1]`);
  return ratio;
}

/** k for `ratio` of `parameters`: max(1, round(ratio × n)). */
export function sparseCount(ratio: number, parameters: number): number {
  checkParameters(parameters);
  return Math.max(1, Math.round(checkRatio(ratio) * parameters));
}

/** Bits per index among `parameters`: ⌈log2 n⌉. */
export function indexBits(parameters: number): number {
  return parameters <= 1 ? 0 : Math.ceil(Math.log2(parameters));
}

/** Bytes of `k` packed indices among `parameters`. */
export function indexBytes(k: number, parameters: number): number {
  return Math.ceil((k * indexBits(parameters)) / 8);
}

/**
 * Writes `indices` (each < 2^width, width ≤ 32) into `out` from byte
 * `offset`, `width` bits each; returns the offset after the last byte.
 */
export function packIndices(
  indices: Uint32Array,
  width: number,
  out: Uint8Array,
  offset: number,
): number {
  if (width === 0) return offset;
  // acc stays below 2^40, exact in a double; 32-bit integer ops would overflow.
  let acc = 0;
  let held = 0;
  let at = offset;
  for (let i = 0; i < indices.length; i++) {
    acc += indices[i]! * 2 ** held;
    held += width;
    while (held >= 8) {
      const byte = acc % 256;
      out[at++] = byte;
      acc = (acc - byte) / 256;
      held -= 8;
    }
  }
  if (held > 0) out[at++] = acc;
  return at;
}

/** Reads `count` indices of `width` bits from `bytes` at `offset`. */
export function unpackIndices(
  bytes: Uint8Array,
  offset: number,
  width: number,
  count: number,
): Uint32Array {
  const out = new Uint32Array(count);
  if (width === 0) return out;
  const limit = 2 ** width;
  let acc = 0;
  let scale = 1;
  let at = offset;
  for (let i = 0; i < count; i++) {
    while (scale < limit) {
      acc += bytes[at++]! * scale;
      scale *= 256;
    }
    const index = acc % limit;
    out[i] = index;
    acc = (acc - index) / limit;
    scale /= limit;
  }
  return out;
}

/** Writes `values` at `precision` into `out` at `offset`; returns the offset after them. */
export function writeValues(
  values: Float32Array,
  precision: ValuePrecision,
  out: Uint8Array,
  offset: number,
): number {
  const raw = precision === 'float32' ? values : toFloat16Bits(values);
  if (precision === 'fp16') checkHalves(raw as Uint16Array, values);
  out.set(bytesOf(raw), offset);
  return offset + raw.byteLength;
}

/** Reads `count` values at `precision` from `bytes` at `offset`. */
export function readValues(
  bytes: Uint8Array,
  offset: number,
  count: number,
  precision: ValuePrecision,
): Float32Array {
  const end = offset + count * valueBytes(precision);
  // slice() copies into a fresh, aligned buffer.
  const copy = bytes.slice(offset, end).buffer;
  return precision === 'float32' ? new Float32Array(copy) : fromFloat16Bits(new Uint16Array(copy));
}

/** Refuses values fp16 cannot carry: a non-finite input or |x| ≥ 65520 (rounds to Infinity). */
export function checkHalves(halves: Uint16Array, values: Float32Array): void {
  for (let i = 0; i < halves.length; i++)
    if ((halves[i]! & 0x7c00) === 0x7c00)
      throw new RangeError(
        `value ${values[i]} at index ${i} does not fit fp16 (finite, |x| < 65520)`,
      );
}

/** Refuses a non-finite value (float32 carries them, but the sum they join would be lost). */
export function checkFinite(values: Float32Array): void {
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i]!))
      throw new RangeError(`value ${values[i]} at index ${i} must be finite`);
}
