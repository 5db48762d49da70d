import {
  clusteredValues,
  decode,
  dequantize,
  type EncodableTensor,
  encode,
  encodeClustered,
  isQuantized,
  pickSparseEncoding,
  quantize,
} from '../../compression/index.js';
import { getFlatWeights, weightLayout } from '../../ml/models/weights.js';
import { meanCentroids, type Variant, withLayout } from './variant.js';

/**
 * A compressed model as bytes: every trainable tensor in its encoding
 * (`compression/encode.ts`), in a container:
 *
 *   "EDGM" | u32 version (1) | u32 tensor count |
 *   per tensor: u16 name length | name (UTF-8) | u32 byte length | encoded tensor
 *
 * (little-endian). A tensor is written clustered when the variant clusters
 * it; otherwise in its value format (int8 or int4 kernels under integer
 * quantization, everything fp16 under fp16, else fp32) and in the smallest of
 * dense, bitmask and CSR. The model's size is the length of these bytes, and
 * {@link decodeModel} gives back exactly the weights the variant computes with.
 */

const MAGIC = 'EDGM';
const VERSION = 1;

/** One tensor's share of an encoded model. */
export interface EncodedTensor {
  readonly name: string;
  /** `dense`, `bitmask`, `csr` or `clustered`. */
  readonly layout: string;
  /** `fp32`, `fp16`, `int8`, `int4` or `clustered`. */
  readonly format: string;
  readonly bytes: Uint8Array;
}

/** Encodes the variant's weights; returns the container and each tensor's encoding. */
export function encodeModel(variant: Variant): { bytes: Uint8Array; tensors: EncodedTensor[] } {
  const deployed = getFlatWeights(variant.handle.model);
  const float = variant.float ?? deployed;
  const tensors = weightLayout(variant.handle.model).entries.map((entry): EncodedTensor => {
    const slice = (flat: Float32Array) => flat.subarray(entry.offset, entry.offset + entry.length);
    const clusters = variant.clusters.get(entry.name);
    if (clusters !== undefined) {
      const bytes = encodeClustered(entry.shape, meanCentroids(slice(deployed), clusters));
      return { name: entry.name, layout: 'clustered', format: 'clustered', bytes };
    }
    const quant = variant.quant;
    let tensor: EncodableTensor = {
      precision: 'fp32',
      shape: entry.shape,
      values: slice(deployed),
    };
    if (quant?.bits === 16)
      tensor = { precision: 'fp16', shape: entry.shape, values: slice(float) };
    else if (quant !== null && entry.role === 'kernel')
      tensor = quantize(slice(float), entry.shape, withLayout(quant, entry));
    const { layout } = pickSparseEncoding(tensor);
    const format = isQuantized(tensor) ? `int${tensor.bits}` : tensor.precision;
    return { name: entry.name, layout, format, bytes: encode(tensor, layout) };
  });
  return { bytes: container(tensors), tensors };
}

function container(tensors: readonly EncodedTensor[]): Uint8Array {
  const names = tensors.map((t) => new TextEncoder().encode(t.name));
  const size = 12 + tensors.reduce((sum, t, i) => sum + 6 + names[i]!.length + t.bytes.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, tensors.length, true);
  let offset = 12;
  tensors.forEach((t, i) => {
    view.setUint16(offset, names[i]!.length, true);
    out.set(names[i]!, offset + 2);
    offset += 2 + names[i]!.length;
    view.setUint32(offset, t.bytes.length, true);
    out.set(t.bytes, offset + 4);
    offset += 4 + t.bytes.length;
  });
  return out;
}

/** The weights a container holds, by tensor name, as float32 (dequantized, clusters expanded). */
export function decodeModel(bytes: Uint8Array): Map<string, Float32Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC || view.getUint32(4, true) !== VERSION)
    throw new RangeError(`not an edgesim model container (magic "${magic}")`);
  const count = view.getUint32(8, true);
  const weights = new Map<string, Float32Array>();
  let offset = 12;
  for (let i = 0; i < count; i++) {
    const nameLength = view.getUint16(offset, true);
    const name = new TextDecoder().decode(bytes.subarray(offset + 2, offset + 2 + nameLength));
    offset += 2 + nameLength;
    const length = view.getUint32(offset, true);
    const decoded = decode(bytes.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
    if (decoded.layout === 'clustered') weights.set(name, clusteredValues(decoded));
    else if (isQuantized(decoded.tensor)) weights.set(name, dequantize(decoded.tensor));
    else weights.set(name, decoded.tensor.values);
  }
  if (offset !== bytes.length)
    throw new RangeError(`model container has ${bytes.length - offset} trailing bytes`);
  return weights;
}
