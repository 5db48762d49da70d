/**
 * The byte layout of encoded tensors (see `encode.ts`) and its size formulas.
 *
 * Every multi-byte number is little-endian. An encoding is:
 *
 *   header      u8 version (1, or 2 when the depthwise flag is set)
 *               u8 layout (1 dense, 2 bitmask, 3 csr, 4 clustered)
 *               u8 value kind (1 fp32, 2 fp16, 3 int8, 4 int4; clustered: 1)
 *               u8 rank r, then r × u32 dimensions           4 + 4r bytes
 *               (so dense fp32 and fp16 values start 4-byte aligned)
 *   parameters  int8/int4 only: u8 flags (bit 0 asymmetric, bit 1 per-channel,
 *               bit 2 depthwise: version 2 only), c × f32 scales, then c × i8
 *               zero points if asymmetric (c = 1 per tensor; per channel, the
 *               size of the last axis, or with the depthwise flag the product
 *               of the last two, in × multiplier of [kh, kw, in, multiplier])
 *   structure   dense: none
 *               bitmask: ⌈n / 8⌉ bytes; bit i (byte ⌊i/8⌋, bit i mod 8, LSB
 *                 first) is 1 when element i is stored
 *               csr: the tensor viewed as rows × cols, cols = the last axis,
 *                 rows = the product of the others; u8 widths (low nibble:
 *                 bytes per row pointer, high nibble: bytes per column index,
 *                 each the smallest of 1, 2, 4 that holds nnz, resp. cols − 1),
 *                 rows + 1 row pointers, then nnz column indices
 *               clustered: u32 k, then k × f32 centroids
 *   values      the stored values in index order: n of them when dense, nnz
 *               when sparse; fp32 4 bytes, fp16 2 bytes (IEEE half bits),
 *               int8 1 byte, int4 two per byte (low nibble first, 4-bit two's
 *               complement), clustered ⌈n × b / 8⌉ bytes of b = ⌈log2 k⌉-bit
 *               indices, LSB first
 *
 * "Stored" means nonzero: a float other than ±0 (so −0 decodes as +0), or an
 * integer other than its channel's zero point (the integer that means 0.0).
 */

import { indexWidth, packedSizeBytes } from './bits.js';
import type { QuantGranularity, QuantScheme } from './quantize.js';
import { channelCount, elementCount, type KernelLayout, outputChannels } from './shape.js';

/** How the positions of the values are stored. */
export type Layout = 'dense' | 'bitmask' | 'csr';

/** How each stored value is written. */
export type ValueFormat =
  | { readonly kind: 'fp32' }
  | { readonly kind: 'fp16' }
  | {
      readonly kind: 'int8' | 'int4';
      readonly scheme: QuantScheme;
      readonly granularity: QuantGranularity;
      readonly layout?: KernelLayout;
    };

/** Version of encodings without the depthwise flag (what readers of version 1 can read). */
export const FORMAT_VERSION = 1;
/** Version of encodings with the depthwise flag (per-channel over the last two axes). */
export const DEPTHWISE_FORMAT_VERSION = 2;
export const LAYOUT_TAGS = { dense: 1, bitmask: 2, csr: 3, clustered: 4 } as const;
export const KIND_TAGS = { fp32: 1, fp16: 2, int8: 3, int4: 4 } as const;
export const FLAG_ASYMMETRIC = 1;
export const FLAG_PER_CHANNEL = 2;
export const FLAG_DEPTHWISE = 4;

/** Bytes of the common header for a tensor of rank `rank`. */
export function headerSizeBytes(rank: number): number {
  return 4 + 4 * rank;
}

/** Bytes of the quantization parameters (0 for float formats). */
export function parametersSizeBytes(format: ValueFormat, shape: readonly number[]): number {
  if (format.kind === 'fp32' || format.kind === 'fp16') return 0;
  const channels =
    format.granularity === 'per-channel' ? outputChannels(shape, format.layout ?? 'standard') : 1;
  return 1 + 4 * channels + (format.scheme === 'asymmetric' ? channels : 0);
}

/** Bytes of `count` values in `format`. */
export function valuesSizeBytes(format: ValueFormat, count: number): number {
  switch (format.kind) {
    case 'fp32':
      return 4 * count;
    case 'fp16':
      return 2 * count;
    case 'int8':
      return count;
    case 'int4':
      return packedSizeBytes(count, 4);
  }
}

/** Smallest of 1, 2 or 4 bytes that holds the unsigned integer `max`. */
export function indexBytes(max: number): 1 | 2 | 4 {
  if (max <= 0xff) return 1;
  return max <= 0xffff ? 2 : 4;
}

/** Rows and columns of the CSR view: cols = the last axis, rows = the rest. */
export function csrDimensions(shape: readonly number[]): { rows: number; cols: number } {
  return { rows: elementCount(shape.slice(0, -1)), cols: channelCount(shape) };
}

/** Bytes of the positional structure of `layout` (0 for dense). */
export function structureSizeBytes(layout: Layout, shape: readonly number[], nnz: number): number {
  if (layout === 'dense') return 0;
  if (layout === 'bitmask') return Math.ceil(elementCount(shape) / 8);
  const { rows, cols } = csrDimensions(shape);
  return 1 + (rows + 1) * indexBytes(nnz) + nnz * indexBytes(Math.max(cols - 1, 0));
}

/**
 * Exact byte length of an encoding: header + parameters + structure + values,
 * where a sparse layout stores `nnz` values and dense stores all of them.
 */
export function encodedSizeBytes(
  layout: Layout,
  shape: readonly number[],
  nnz: number,
  format: ValueFormat,
): number {
  const stored = layout === 'dense' ? elementCount(shape) : nnz;
  return (
    headerSizeBytes(shape.length) +
    parametersSizeBytes(format, shape) +
    structureSizeBytes(layout, shape, nnz) +
    valuesSizeBytes(format, stored)
  );
}

/** Exact byte length of a clustered encoding with k fp32 centroids. */
export function clusteredSizeBytes(shape: readonly number[], k: number): number {
  return (
    headerSizeBytes(shape.length) + 4 + 4 * k + packedSizeBytes(elementCount(shape), indexWidth(k))
  );
}

/** Little-endian writer over a buffer of known size. */
export class ByteWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  offset = 0;

  /** Writes into `out` (exactly `sizeBytes` long) if given, else into a new buffer. */
  constructor(sizeBytes: number, out?: Uint8Array) {
    if (out !== undefined && out.length !== sizeBytes)
      throw new RangeError(`out.length(=${out.length}) must be the encoded size ${sizeBytes}`);
    this.bytes = out ?? new Uint8Array(sizeBytes);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  u8(value: number): void {
    this.view.setUint8(this.offset, value);
    this.offset += 1;
  }

  u32(value: number): void {
    this.view.setUint32(this.offset, value, true);
    this.offset += 4;
  }

  /** Unsigned integer of 1, 2 or 4 bytes. */
  uint(value: number, width: 1 | 2 | 4): void {
    if (width === 1) this.view.setUint8(this.offset, value);
    else if (width === 2) this.view.setUint16(this.offset, value, true);
    else this.view.setUint32(this.offset, value, true);
    this.offset += width;
  }

  f32(value: number): void {
    this.view.setFloat32(this.offset, value, true);
    this.offset += 4;
  }

  /** Copies the bytes of a typed array (host order, which {@link checkLittleEndian} makes LE). */
  raw(data: ArrayBufferView): void {
    this.bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), this.offset);
    this.offset += data.byteLength;
  }
}

/** Little-endian reader that names what it was reading when the bytes run out. */
export class ByteReader {
  private readonly view: DataView;
  offset = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws RangeError unless `count` more bytes remain. */
  need(count: number, what: string): void {
    if (this.offset + count > this.bytes.length)
      throw new RangeError(
        `encoding truncated: ${what} needs ${count} bytes at offset ${this.offset}, have ${this.bytes.length}`,
      );
  }

  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.offset++);
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  uint(width: number, what: string): number {
    this.need(width, what);
    const at = this.offset;
    this.offset += width;
    if (width === 1) return this.view.getUint8(at);
    return width === 2 ? this.view.getUint16(at, true) : this.view.getUint32(at, true);
  }

  f32(what: string): number {
    this.need(4, what);
    const value = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return value;
  }

  /** Copies the next `target.byteLength` bytes into `target` (host order). */
  raw(target: ArrayBufferView, what: string): void {
    this.need(target.byteLength, what);
    const dest = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
    dest.set(this.bytes.subarray(this.offset, this.offset + target.byteLength));
    this.offset += target.byteLength;
  }
}

/** Throws on a big-endian host, where raw typed-array copies would not be little-endian. */
export function checkLittleEndian(): void {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1)
    throw new Error('edgesim encodings need a little-endian host');
}
