/**
 * Real byte encodings of weight tensors; the size of a model is the length of
 * these bytes. Dense fp32, fp16, int8 and int4 (with float32 scales and int8
 * zero points), sparse bitmask and CSR (Saad, "Iterative Methods for Sparse
 * Linear Systems", 2003, §3.4) over any of those value formats, and clustered
 * (centroids + ⌈log2 k⌉-bit indices, Han et al., Deep Compression, 2016).
 * The layout is documented in `encode-format.ts`; `decode` in `decode.ts`
 * needs nothing but the bytes.
 */

import { indexWidth, packBits, packInt4 } from './bits.js';
import type { Clustering } from './cluster.js';
import {
  ByteWriter,
  checkLittleEndian,
  clusteredSizeBytes,
  csrDimensions,
  DEPTHWISE_FORMAT_VERSION,
  encodedSizeBytes,
  FLAG_ASYMMETRIC,
  FLAG_DEPTHWISE,
  FLAG_PER_CHANNEL,
  FORMAT_VERSION,
  indexBytes,
  KIND_TAGS,
  LAYOUT_TAGS,
  type Layout,
  type ValueFormat,
} from './encode-format.js';
import { toFloat16Bits } from './fp16.js';
import type { QuantizedTensor } from './quantize.js';
import { checkShape } from './shape.js';

/** Float weights to encode as fp32, or rounded to fp16. */
export interface FloatTensor {
  readonly precision: 'fp32' | 'fp16';
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** Anything `encode` takes: float weights or a quantized tensor. */
export type EncodableTensor = FloatTensor | QuantizedTensor;

/** True for a quantized tensor. */
export function isQuantized(tensor: EncodableTensor): tensor is QuantizedTensor {
  return 'scales' in tensor;
}

/** The value format a tensor is written in. */
export function valueFormatOf(tensor: EncodableTensor): ValueFormat {
  if (!isQuantized(tensor)) return { kind: tensor.precision };
  const kind = tensor.bits === 8 ? 'int8' : 'int4';
  const { scheme, granularity } = tensor;
  return isDepthwise(tensor)
    ? { kind, scheme, granularity, layout: 'depthwise' }
    : { kind, scheme, granularity };
}

/** True for a tensor quantized per output channel of a depthwise kernel. */
function isDepthwise(tensor: QuantizedTensor): boolean {
  return tensor.granularity === 'per-channel' && tensor.layout === 'depthwise';
}

/** 1 where an element is stored by a sparse layout: nonzero floats, integers ≠ their zero point. */
export function storedMask(tensor: EncodableTensor): Uint8Array {
  const n = tensor.values.length;
  const stored = new Uint8Array(n);
  if (!isQuantized(tensor)) {
    const values = tensor.values;
    for (let i = 0; i < n; i++) stored[i] = values[i] === 0 ? 0 : 1;
    return stored;
  }
  const { values, zeroPoints } = tensor;
  const channels = zeroPoints.length;
  for (let i = 0; i < n; i++) stored[i] = values[i] === zeroPoints[i % channels] ? 0 : 1;
  return stored;
}

/** Exact byte length of `encode(tensor, layout)`, without encoding. */
export function encodedSizeOf(tensor: EncodableTensor, layout: Layout): number {
  const nnz = layout === 'dense' ? 0 : countOnes(storedMask(tensor));
  return encodedSizeBytes(layout, tensor.shape, nnz, valueFormatOf(tensor));
}

/** The smallest of dense, bitmask and CSR for this tensor (ties prefer that order). */
export function pickSparseEncoding(tensor: EncodableTensor): { layout: Layout; sizeBytes: number } {
  const nnz = countOnes(storedMask(tensor));
  const format = valueFormatOf(tensor);
  let best: { layout: Layout; sizeBytes: number } | undefined;
  for (const layout of ['dense', 'bitmask', 'csr'] as const) {
    const sizeBytes = encodedSizeBytes(layout, tensor.shape, nnz, format);
    if (best === undefined || sizeBytes < best.sizeBytes) best = { layout, sizeBytes };
  }
  return best!;
}

/**
 * Encodes a tensor in `layout`; the result's length is {@link encodedSizeOf}.
 * `out`, if given, must be exactly that long and receives the bytes.
 */
export function encode(
  tensor: EncodableTensor,
  layout: Layout = 'dense',
  out?: Uint8Array,
): Uint8Array {
  checkLittleEndian();
  checkShape(tensor.values.length, tensor.shape);
  const format = valueFormatOf(tensor);
  const stored = layout === 'dense' ? undefined : storedMask(tensor);
  const nnz = stored === undefined ? tensor.values.length : countOnes(stored);
  const writer = new ByteWriter(encodedSizeBytes(layout, tensor.shape, nnz, format), out);
  const version =
    isQuantized(tensor) && isDepthwise(tensor) ? DEPTHWISE_FORMAT_VERSION : FORMAT_VERSION;
  writeHeader(writer, LAYOUT_TAGS[layout], KIND_TAGS[format.kind], tensor.shape, version);
  if (isQuantized(tensor)) writeParameters(writer, tensor);
  if (stored !== undefined && layout === 'bitmask')
    writer.offset = packBits(stored, 1, writer.bytes, writer.offset);
  if (stored !== undefined && layout === 'csr') writeCsr(writer, stored, tensor.shape, nnz);
  writeValues(writer, tensor, stored, nnz);
  return finished(writer);
}

/** Encodes a clustering of a tensor of `shape`: fp32 centroids and packed indices. */
export function encodeClustered(
  shape: readonly number[],
  clustering: Pick<Clustering, 'centroids' | 'assignments'>,
): Uint8Array {
  checkLittleEndian();
  const { centroids, assignments } = clustering;
  checkShape(assignments.length, shape);
  const k = centroids.length;
  for (let i = 0; i < assignments.length; i++)
    if (assignments[i]! >= k)
      throw new RangeError(`assignments[${i}](=${assignments[i]}) has no centroid (k = ${k})`);
  const out = new ByteWriter(clusteredSizeBytes(shape, k));
  writeHeader(out, LAYOUT_TAGS.clustered, KIND_TAGS.fp32, shape);
  out.u32(k);
  out.raw(centroids);
  out.offset = packBits(assignments, indexWidth(k), out.bytes, out.offset);
  return finished(out);
}

/** Number of ones in a 0/1 array. */
export function countOnes(flags: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < flags.length; i++) count += flags[i]!;
  return count;
}

function writeHeader(
  out: ByteWriter,
  layout: number,
  kind: number,
  shape: readonly number[],
  version: number = FORMAT_VERSION,
): void {
  if (shape.length > 255) throw new RangeError(`rank(=${shape.length}) must be <= 255`);
  out.u8(version);
  out.u8(layout);
  out.u8(kind);
  out.u8(shape.length);
  for (const dim of shape) {
    if (dim > 0xffffffff) throw new RangeError(`dimension(=${dim}) must be < 2^32`);
    out.u32(dim);
  }
}

function writeParameters(out: ByteWriter, tensor: QuantizedTensor): void {
  const asymmetric = tensor.scheme === 'asymmetric';
  out.u8(
    (asymmetric ? FLAG_ASYMMETRIC : 0) |
      (tensor.granularity === 'per-channel' ? FLAG_PER_CHANNEL : 0) |
      (isDepthwise(tensor) ? FLAG_DEPTHWISE : 0),
  );
  out.raw(tensor.scales);
  if (!asymmetric) return;
  for (const zeroPoint of tensor.zeroPoints) out.u8(zeroPoint & 0xff);
}

function writeCsr(
  out: ByteWriter,
  stored: Uint8Array,
  shape: readonly number[],
  nnz: number,
): void {
  const { rows, cols } = csrDimensions(shape);
  const rowWidth = indexBytes(nnz);
  const colWidth = indexBytes(Math.max(cols - 1, 0));
  out.u8(rowWidth | (colWidth << 4));
  let count = 0;
  out.uint(0, rowWidth);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) count += stored[r * cols + c]!;
    out.uint(count, rowWidth);
  }
  for (let i = 0; i < stored.length; i++) if (stored[i] === 1) out.uint(i % cols, colWidth);
}

function writeValues(
  out: ByteWriter,
  tensor: EncodableTensor,
  stored: Uint8Array | undefined,
  nnz: number,
): void {
  if (isQuantized(tensor)) {
    const values = stored === undefined ? tensor.values : gather(tensor.values, stored, nnz);
    if (tensor.bits === 8) out.raw(values);
    else out.offset = packInt4(values, out.bytes, out.offset);
    return;
  }
  const values = stored === undefined ? tensor.values : gather(tensor.values, stored, nnz);
  if (tensor.precision === 'fp32') out.raw(values);
  else if ((out.bytes.byteOffset + out.offset) % 2 === 0) {
    const at = out.bytes.byteOffset + out.offset;
    toFloat16Bits(values, new Uint16Array(out.bytes.buffer, at, values.length));
    out.offset += 2 * values.length;
  } else out.raw(toFloat16Bits(values));
}

function gather<T extends Float32Array | Int8Array>(values: T, stored: Uint8Array, nnz: number): T {
  const out = new (values.constructor as new (length: number) => T)(nnz);
  let at = 0;
  for (let i = 0; i < values.length; i++) if (stored[i] === 1) out[at++] = values[i]!;
  return out;
}

function finished(out: ByteWriter): Uint8Array {
  if (out.offset !== out.bytes.length)
    throw new Error(`encoder wrote ${out.offset} bytes, size formula says ${out.bytes.length}`);
  return out.bytes;
}
