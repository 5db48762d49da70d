/**
 * Decoding of the encodings written by `encode.ts` (layout in
 * `encode-format.ts`): the bytes alone say what they hold. Malformed input
 * (unknown version or tag, truncated or trailing bytes, out-of-range indices)
 * throws a RangeError that says what was wrong.
 */

import { indexWidth, unpackBits, unpackInt4 } from './bits.js';
import type { EncodableTensor } from './encode.js';
import {
  ByteReader,
  checkLittleEndian,
  csrDimensions,
  DEPTHWISE_FORMAT_VERSION,
  FLAG_ASYMMETRIC,
  FLAG_DEPTHWISE,
  FLAG_PER_CHANNEL,
  FORMAT_VERSION,
  KIND_TAGS,
  LAYOUT_TAGS,
  type Layout,
} from './encode-format.js';
import { fromFloat16Bits } from './fp16.js';
import type { QuantizedTensor } from './quantize.js';
import { elementCount, outputChannels } from './shape.js';

/** What `decode` returns: a tensor in its layout, or a clustering. */
export type DecodedTensor =
  | { readonly layout: Layout; readonly tensor: EncodableTensor }
  | {
      readonly layout: 'clustered';
      readonly shape: readonly number[];
      readonly centroids: Float32Array;
      readonly assignments: Uint8Array | Uint16Array;
    };

type Kind = keyof typeof KIND_TAGS;

/** Decodes bytes written by `encode` or `encodeClustered`. */
export function decode(bytes: Uint8Array): DecodedTensor {
  checkLittleEndian();
  const input = new ByteReader(bytes);
  const version = input.u8('version');
  if (version !== FORMAT_VERSION && version !== DEPTHWISE_FORMAT_VERSION)
    throw new RangeError(
      `encoding version(=${version}) is not ${FORMAT_VERSION} or ${DEPTHWISE_FORMAT_VERSION}`,
    );
  const layout = tagName(LAYOUT_TAGS, input.u8('layout'), 'layout');
  const kind = tagName(KIND_TAGS, input.u8('value kind'), 'value kind');
  const rank = input.u8('rank');
  const shape = Array.from({ length: rank }, () => input.u32('shape'));
  const decoded =
    layout === 'clustered'
      ? decodeClustered(input, shape)
      : decodeTensor(input, layout, kind, shape, version);
  if (input.offset !== bytes.length)
    throw new RangeError(`encoding has ${bytes.length - input.offset} trailing bytes`);
  return decoded;
}

function decodeTensor(
  input: ByteReader,
  layout: Layout,
  kind: Kind,
  shape: number[],
  version: number,
): DecodedTensor {
  const n = elementCount(shape);
  const params =
    kind === 'int8' || kind === 'int4' ? readParameters(input, shape, version) : undefined;
  const stored = layout === 'dense' ? undefined : readStructure(input, layout, shape);
  const count = stored === undefined ? n : countStored(stored);
  if (params === undefined) {
    const values = readFloats(input, kind === 'fp16', count);
    const tensor = {
      precision: kind === 'fp16' ? ('fp16' as const) : ('fp32' as const),
      shape,
      values: stored === undefined ? values : scatterFloats(values, stored),
    };
    return { layout, tensor };
  }
  const packed = new Int8Array(count);
  if (kind === 'int8') input.raw(packed, 'int8 values');
  else {
    input.need(Math.ceil(count / 2), 'int4 values');
    unpackInt4(input.bytes, input.offset, packed);
    input.offset += Math.ceil(count / 2);
  }
  const values = stored === undefined ? packed : scatterIntegers(packed, stored, params.zeroPoints);
  const tensor: QuantizedTensor = { bits: kind === 'int8' ? 8 : 4, shape, values, ...params };
  return { layout, tensor };
}

type Parameters = Pick<
  QuantizedTensor,
  'scheme' | 'granularity' | 'layout' | 'scales' | 'zeroPoints'
>;

function readParameters(input: ByteReader, shape: readonly number[], version: number): Parameters {
  const flags = input.u8('flags');
  const perChannel = (flags & FLAG_PER_CHANNEL) !== 0;
  const asymmetric = (flags & FLAG_ASYMMETRIC) !== 0;
  const depthwise = (flags & FLAG_DEPTHWISE) !== 0;
  if (depthwise !== (version === DEPTHWISE_FORMAT_VERSION))
    throw new RangeError(
      `flags(=${flags}): the depthwise bit is set exactly in encoding version ${DEPTHWISE_FORMAT_VERSION} (this is version ${version})`,
    );
  if (depthwise && !perChannel)
    throw new RangeError(`flags(=${flags}): the depthwise bit needs the per-channel bit`);
  const channels = perChannel ? outputChannels(shape, depthwise ? 'depthwise' : 'standard') : 1;
  const scales = new Float32Array(channels);
  input.raw(scales, 'scales');
  const zeroPoints = new Int32Array(channels);
  if (asymmetric) {
    const raw = new Int8Array(channels);
    input.raw(raw, 'zero points');
    zeroPoints.set(raw);
  }
  return {
    scheme: asymmetric ? 'asymmetric' : 'symmetric',
    granularity: perChannel ? 'per-channel' : 'per-tensor',
    ...(depthwise ? { layout: 'depthwise' as const } : {}),
    scales,
    zeroPoints,
  };
}

/** The 0/1 stored flags of a sparse layout. */
function readStructure(input: ByteReader, layout: Layout, shape: readonly number[]): Uint8Array {
  const n = elementCount(shape);
  const stored = new Uint8Array(n);
  if (layout === 'bitmask') {
    input.need(Math.ceil(n / 8), 'bitmask');
    unpackBits(input.bytes, input.offset, 1, stored);
    input.offset += Math.ceil(n / 8);
    return stored;
  }
  const { rows, cols } = csrDimensions(shape);
  const widths = input.u8('csr index widths');
  const rowWidth = checkWidth(widths & 0xf);
  const colWidth = checkWidth(widths >> 4);
  const rowPointers = Array.from({ length: rows + 1 }, () => input.uint(rowWidth, 'row pointers'));
  for (let r = 0; r < rows; r++) {
    const [start, end] = [rowPointers[r]!, rowPointers[r + 1]!];
    if (end < start || (r === 0 && start !== 0))
      throw new RangeError(`csr row pointers must start at 0 and not decrease (row ${r})`);
    for (let j = start; j < end; j++) {
      const col = input.uint(colWidth, 'column indices');
      if (col >= cols) throw new RangeError(`csr column index(=${col}) must be < ${cols}`);
      stored[r * cols + col] = 1;
    }
  }
  return stored;
}

function checkWidth(width: number): 1 | 2 | 4 {
  if (width !== 1 && width !== 2 && width !== 4)
    throw new RangeError(`csr index width(=${width}) must be 1, 2 or 4`);
  return width;
}

function readFloats(input: ByteReader, half: boolean, count: number): Float32Array {
  if (!half) {
    const values = new Float32Array(count);
    input.raw(values, 'fp32 values');
    return values;
  }
  const bits = new Uint16Array(count);
  input.raw(bits, 'fp16 values');
  return fromFloat16Bits(bits);
}

function decodeClustered(input: ByteReader, shape: number[]): DecodedTensor {
  const k = input.u32('cluster count');
  if (k < 1 || k > 65536) throw new RangeError(`cluster count(=${k}) must be in [1, 65536]`);
  const centroids = new Float32Array(k);
  input.raw(centroids, 'centroids');
  const n = elementCount(shape);
  const assignments = k <= 256 ? new Uint8Array(n) : new Uint16Array(n);
  const width = indexWidth(k);
  const packedBytes = Math.ceil((n * width) / 8);
  input.need(packedBytes, 'cluster indices');
  unpackBits(input.bytes, input.offset, width, assignments);
  input.offset += packedBytes;
  for (let i = 0; i < n; i++)
    if (assignments[i]! >= k)
      throw new RangeError(`cluster index(=${assignments[i]}) must be < ${k}`);
  return { layout: 'clustered', shape, centroids, assignments };
}

function countStored(stored: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < stored.length; i++) count += stored[i]!;
  return count;
}

function scatterFloats(values: Float32Array, stored: Uint8Array): Float32Array {
  const out = new Float32Array(stored.length);
  let at = 0;
  for (let i = 0; i < stored.length; i++) if (stored[i] === 1) out[i] = values[at++]!;
  return out;
}

function scatterIntegers(values: Int8Array, stored: Uint8Array, zeroPoints: Int32Array): Int8Array {
  const out = new Int8Array(stored.length);
  const channels = zeroPoints.length;
  let at = 0;
  for (let i = 0; i < stored.length; i++)
    out[i] = stored[i] === 1 ? values[at++]! : zeroPoints[i % channels]!;
  return out;
}

function tagName<T extends Record<string, number>>(
  tags: T,
  tag: number,
  what: string,
): keyof T & string {
  const name = Object.keys(tags).find((key) => tags[key] === tag);
  if (name === undefined) throw new RangeError(`${what} tag(=${tag}) is unknown`);
  return name;
}
