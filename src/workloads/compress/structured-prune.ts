import { selectUnits, type UnitNorm, unitNorms } from '../../compression/structured.js';
import { tf } from '../../ml/runtime.js';

/**
 * Structured pruning of a Sequential model: remove the hidden units (dense
 * neurons, conv2d filters) of smallest norm from every layer with weights
 * except the last, and the matching input rows of whatever reads them, so the
 * model really shrinks (Li et al., "Pruning Filters for Efficient ConvNets",
 * ICLR 2017). With ReLU-like activations (f(0) = 0) the smaller model
 * computes exactly what the original computes with those units zeroed
 * ({@link maskUnits}).
 *
 * Supported layers: Dense and Conv2D (pruned); DepthwiseConv2D (follows its
 * input's channels); and layers that keep channels or only reshape them:
 * pooling, Flatten, Activation, ReLU, Dropout. Any other layer is an error
 * naming it.
 */

const CHANNEL_PRESERVING = new Set([
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Activation',
  'ReLU',
  'Dropout',
]);

/** The units kept in each pruned layer, by layer name. */
export type KeptUnits = ReadonlyMap<string, Int32Array>;

/** The units to keep: in each Dense/Conv2D layer but the last, all but round(fraction x n) of smallest norm. */
export function chooseUnits(model: tf.Sequential, fraction: number, norm: UnitNorm): KeptUnits {
  const layers = weightedLayers(model);
  const kept = new Map<string, Int32Array>();
  for (const layer of layers.slice(0, -1)) {
    if (!isPrunable(layer)) continue;
    const kernel = layer.getWeights()[0]!;
    const norms = unitNorms(kernel.dataSync() as Float32Array, kernel.shape, undefined, norm);
    kept.set(layer.name, selectUnits(norms, fraction));
  }
  return kept;
}

/** A copy of `model` without the removed units: fewer parameters, fewer FLOPs. */
export function removeUnits(model: tf.Sequential, kept: KeptUnits): tf.Sequential {
  const config = model.getConfig() as unknown as { name: string; layers: LayerJson[] };
  const weights: Float32Array[][] = [];
  const shapes: number[][][] = [];
  let channels: Int32Array | null = null; // kept channels of the current activation (null: all)
  model.layers.forEach((layer, i) => {
    const json = config.layers[i]!;
    const className = layer.getClassName();
    const current = layer
      .getWeights()
      .map((w) => ({ values: w.dataSync() as Float32Array, shape: w.shape }));
    if (className === 'Dense' || className === 'Conv2D') {
      const inAxis = className === 'Dense' ? 0 : 2;
      let [kernel, bias] = current as [Slice, Slice | undefined];
      if (channels !== null) kernel = take(kernel, inAxis, channels);
      const out = kept.get(layer.name);
      if (out !== undefined) {
        kernel = take(kernel, kernel.shape.length - 1, out);
        if (bias !== undefined) bias = take(bias, 0, out);
        json.config[className === 'Dense' ? 'units' : 'filters'] = out.length;
      }
      channels = out ?? null;
      const parts = bias === undefined ? [kernel] : [kernel, bias];
      weights.push(parts.map((p) => p.values));
      shapes.push(parts.map((p) => p.shape));
    } else if (className === 'DepthwiseConv2D') {
      let [kernel, bias] = current as [Slice, Slice | undefined];
      if (channels !== null) {
        if (kernel.shape[3] !== 1)
          throw new RangeError(`layer ${layer.name}: structured pruning needs depthMultiplier 1`);
        kernel = take(kernel, 2, channels);
        if (bias !== undefined) bias = take(bias, 0, channels);
      }
      const parts = bias === undefined ? [kernel] : [kernel, bias];
      weights.push(parts.map((p) => p.values));
      shapes.push(parts.map((p) => p.shape));
    } else if (className === 'Flatten') {
      if (channels !== null)
        channels = flattenedIndices((layer.input as tf.SymbolicTensor).shape as number[], channels);
      weights.push([]);
      shapes.push([]);
    } else if (
      CHANNEL_PRESERVING.has(className) ||
      (current.length === 0 && className === 'InputLayer')
    ) {
      weights.push([]);
      shapes.push([]);
    } else {
      throw new RangeError(
        `structured pruning does not support layer "${layer.name}" (${className}); supported: Dense, Conv2D, DepthwiseConv2D, Flatten, pooling, activations, Dropout`,
      );
    }
  });
  const smaller = tf.Sequential.fromConfig(
    tf.Sequential,
    config as unknown as tf.serialization.ConfigDict,
  ) as tf.Sequential;
  smaller.layers.forEach((layer, i) => {
    if (weights[i]!.length === 0) return;
    const tensors = weights[i]!.map((values, j) => tf.tensor(values, shapes[i]![j]!));
    layer.setWeights(tensors);
    tf.dispose(tensors);
  });
  return smaller;
}

/** Sets the removed units' incoming weights and biases to zero, in place: the masked equivalent of {@link removeUnits}. */
export function maskUnits(model: tf.Sequential, kept: KeptUnits): void {
  for (const layer of model.layers) {
    const units = kept.get(layer.name);
    if (units === undefined) continue;
    const keep = new Set(units);
    const masked = layer.getWeights().map((w) => {
      const values = (w.dataSync() as Float32Array).slice();
      const n = w.shape[w.shape.length - 1]!;
      for (let j = 0; j < values.length; j++) if (!keep.has(j % n)) values[j] = 0;
      return tf.tensor(values, w.shape);
    });
    layer.setWeights(masked);
    tf.dispose(masked);
  }
}

interface LayerJson {
  className: string;
  config: Record<string, unknown>;
}

interface Slice {
  values: Float32Array;
  shape: number[];
}

function weightedLayers(model: tf.Sequential): tf.layers.Layer[] {
  return model.layers.filter((l) => l.getWeights().length > 0);
}

function isPrunable(layer: tf.layers.Layer): boolean {
  const name = layer.getClassName();
  return name === 'Dense' || name === 'Conv2D';
}

/** The entries of `tensor` whose index along `axis` is in `keep` (ascending). */
function take(tensor: Slice, axis: number, keep: Int32Array): Slice {
  const { values, shape } = tensor;
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const size = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(outer * keep.length * inner);
  let o = 0;
  for (let a = 0; a < outer; a++)
    for (const k of keep) {
      const start = (a * size + k) * inner;
      out.set(values.subarray(start, start + inner), o);
      o += inner;
    }
  const outShape = shape.slice();
  outShape[axis] = keep.length;
  return { values: out, shape: outShape };
}

/** Positions kept after flattening an [batch, h, w, c] activation of which only channels `keep` remain. */
function flattenedIndices(inputShape: number[], keep: Int32Array): Int32Array {
  const dims = inputShape.slice(1);
  const c = dims[dims.length - 1]!;
  const positions = dims.slice(0, -1).reduce((a, b) => a * b, 1);
  const out = new Int32Array(positions * keep.length);
  let o = 0;
  for (let p = 0; p < positions; p++) for (const k of keep) out[o++] = p * c + k;
  return out;
}
