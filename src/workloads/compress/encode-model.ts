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
import type { ValueRange } from '../../compression/quantize.js';
import type { ModelHandle } from '../../ml/models/handle.js';
import { getFlatWeights, setFlatWeights, weightLayout } from '../../ml/models/weights.js';
import { tf } from '../../ml/runtime.js';
import { meanCentroids, type Variant, withLayout } from './variant.js';

/**
 * A compressed model as bytes: everything needed to rebuild it and compute
 * what the variant computes, in a container (little-endian):
 *
 *   version 2 (written):
 *   "EDGM" | u32 version (2) | u32 metadata length | metadata (UTF-8 JSON) |
 *   u32 tensor count | per tensor: u16 name length | name (UTF-8) |
 *   u32 byte length | encoded tensor
 *
 *   version 1 (read, weights only): "EDGM" | u32 version (1) | u32 tensor count | tensors as above
 *
 * The metadata ({@link ModelMetadata}) holds the architecture (the TF.js
 * Layers class and config, so structurally pruned models rebuild at their
 * pruned widths), whether the model outputs logits or probabilities, and the
 * calibrated activation ranges when activations are integer. A tensor is
 * written clustered when the variant clusters it; otherwise in its value
 * format (int8 or int4 kernels under integer quantization, everything fp16
 * under fp16, else fp32) and in the smallest of dense, bitmask and CSR. The
 * model's size is the length of these bytes, and {@link loadEncodedModel}
 * gives back a model that computes exactly what the variant computes.
 */

const MAGIC = 'EDGM';
/** The version written. */
export const MODEL_CONTAINER_VERSION = 2;
const WEIGHTS_ONLY_VERSION = 1;

/** What a version 2 container says beside its tensors. */
export interface ModelMetadata {
  /** TF.js Layers class (`Sequential` or `Model`) and its `getConfig()`. */
  readonly architecture: { readonly className: string; readonly config: unknown };
  /** What the model's last layer gives: `logits` or `probabilities`. */
  readonly outputs: ModelHandle['outputs'];
  /**
   * Integer activations (post-training quantization, as measured): each
   * activation fake-quantized per tensor, asymmetric, to `bits` in its
   * calibrated range (model input first, then each layer's output); null when
   * activations stay float32.
   */
  readonly activations: {
    readonly bits: 8;
    readonly scheme: 'asymmetric';
    readonly ranges: readonly ValueRange[];
  } | null;
}

/** One tensor's share of an encoded model. */
export interface EncodedTensor {
  readonly name: string;
  /** `dense`, `bitmask`, `csr` or `clustered`. */
  readonly layout: string;
  /** `fp32`, `fp16`, `int8`, `int4` or `clustered`. */
  readonly format: string;
  readonly bytes: Uint8Array;
}

/** Encodes the variant; returns the container, each tensor's encoding, and the metadata's length. */
export function encodeModel(variant: Variant): {
  bytes: Uint8Array;
  tensors: EncodedTensor[];
  metadataBytes: number;
} {
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
  const metadata = new TextEncoder().encode(JSON.stringify(metadataOf(variant)));
  return { bytes: container(metadata, tensors), tensors, metadataBytes: metadata.length };
}

function metadataOf(variant: Variant): ModelMetadata {
  const { model, outputs } = variant.handle;
  const ranges = variant.activationRanges;
  return {
    architecture: { className: model.getClassName(), config: model.getConfig() },
    outputs,
    activations:
      ranges === null
        ? null
        : { bits: 8, scheme: 'asymmetric', ranges: ranges.map(({ min, max }) => ({ min, max })) },
  };
}

function container(metadata: Uint8Array, tensors: readonly EncodedTensor[]): Uint8Array {
  const names = tensors.map((t) => new TextEncoder().encode(t.name));
  const size =
    16 +
    metadata.length +
    tensors.reduce((sum, t, i) => sum + 6 + names[i]!.length + t.bytes.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, MODEL_CONTAINER_VERSION, true);
  view.setUint32(8, metadata.length, true);
  out.set(metadata, 12);
  view.setUint32(12 + metadata.length, tensors.length, true);
  let offset = 16 + metadata.length;
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

/** What a container holds: its version, its weights by tensor name, and (version 2) its metadata. */
export interface DecodedModel {
  readonly version: number;
  /** Weights as float32 (dequantized, clusters expanded), by tensor name, in container order. */
  readonly weights: Map<string, Float32Array>;
  /** null in a version 1 container, which holds weights only. */
  readonly metadata: ModelMetadata | null;
}

/**
 * Reads a container of version 1 or 2. Throws RangeError on bytes that are
 * not a container, an unknown version, or malformed contents.
 */
export function decodeModelFile(bytes: Uint8Array): DecodedModel {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (bytes.length < 12 || magic !== MAGIC)
    throw new RangeError(`not an edgesim model container (magic "${magic}")`);
  const version = view.getUint32(4, true);
  if (version !== WEIGHTS_ONLY_VERSION && version !== MODEL_CONTAINER_VERSION)
    throw new RangeError(
      `model container version(=${version}) is not ${WEIGHTS_ONLY_VERSION} or ${MODEL_CONTAINER_VERSION}`,
    );
  let offset = 8;
  let metadata: ModelMetadata | null = null;
  if (version === MODEL_CONTAINER_VERSION) {
    const length = view.getUint32(offset, true);
    const end = offset + 4 + length;
    if (end > bytes.length) throw new RangeError('model container truncated in its metadata');
    try {
      metadata = JSON.parse(new TextDecoder().decode(bytes.subarray(offset + 4, end)));
    } catch (error) {
      throw new RangeError(`model container metadata is not JSON: ${(error as Error).message}`);
    }
    offset = end;
  }
  const count = view.getUint32(offset, true);
  offset += 4;
  const weights = new Map<string, Float32Array>();
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
  return { version, weights, metadata };
}

/** The weights a container (version 1 or 2) holds, by tensor name, as float32 (dequantized, clusters expanded). */
export function decodeModel(bytes: Uint8Array): Map<string, Float32Array> {
  return decodeModelFile(bytes).weights;
}

/** A model rebuilt from a container, with the activation ranges it computes with. */
export interface EncodedModel {
  /** The caller owns (and disposes) the model. */
  readonly handle: ModelHandle;
  /** Calibrated ranges when activations are integer (see {@link ModelMetadata}), else null. */
  readonly activationRanges: ValueRange[] | null;
}

/**
 * Rebuilds the model a version 2 container holds, from the container alone:
 * its architecture, its deployed weights and its activation ranges. Throws
 * RangeError on a version 1 container (weights only: it cannot be rebuilt)
 * or on weights that do not fit the architecture.
 */
export function loadEncodedModel(bytes: Uint8Array): EncodedModel {
  const { version, weights, metadata } = decodeModelFile(bytes);
  if (metadata === null)
    throw new RangeError(
      `model container version ${version} holds weights only, without the architecture and activation ranges needed to rebuild the model; run edgesim compress again to write version ${MODEL_CONTAINER_VERSION}`,
    );
  const { className, config } = metadata.architecture;
  const ctor = className === 'Sequential' ? tf.Sequential : tf.LayersModel;
  if (className !== 'Sequential' && className !== 'Model')
    throw new RangeError(`architecture class(=${className}) must be Sequential or Model`);
  const model = ctor.fromConfig(ctor, config as tf.serialization.ConfigDict) as tf.LayersModel;
  try {
    setFlatWeights(model, flatFromNames(model, weights));
  } catch (error) {
    model.dispose();
    throw error;
  }
  const ranges = metadata.activations?.ranges.map(({ min, max }) => ({ min, max })) ?? null;
  return { handle: { model, outputs: metadata.outputs }, activationRanges: ranges };
}

/** The model's flat weight vector from weights by name; every name must be there, and no other. */
function flatFromNames(model: tf.LayersModel, weights: Map<string, Float32Array>): Float32Array {
  const layout = weightLayout(model);
  const flat = new Float32Array(layout.length);
  for (const entry of layout.entries) {
    const values = weights.get(entry.name);
    if (values === undefined || values.length !== entry.length)
      throw new RangeError(
        `weight ${entry.name} (${entry.length} values) is ${values === undefined ? 'missing' : `${values.length} values`} in the container`,
      );
    flat.set(values, entry.offset);
  }
  if (weights.size !== layout.entries.length)
    throw new RangeError(
      `the container holds ${weights.size} weights; the architecture has ${layout.entries.length}`,
    );
  return flat;
}
