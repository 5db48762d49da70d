/**
 * Seeded weight initialisation. TF.js initialisers draw from `Math.random`
 * unless each is given a seed, so edgesim draws every weight itself from its
 * own streams: layer i's variables come from `streams.stream('init', i)`, in
 * the layer's variable order.
 *
 * Kernels are Glorot-uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut))
 * (Glorot and Bengio, "Understanding the difficulty of training deep
 * feedforward neural networks", AISTATS 2010), with the Keras fans: for a
 * kernel of shape [..., in, out], fanIn = in x receptive field and
 * fanOut = out x receptive field, the receptive field being the product of
 * the leading (spatial) dimensions. Biases are zero; batch-norm gammas one
 * and betas zero.
 */
import { type RandomStream, RandomStreams } from '../../engine/random.js';
import type { tf } from '../runtime.js';
import { setFlatWeights, type WeightEntry, weightLayout } from './weights.js';

/** Overwrites every trainable weight of `model` with seeded draws (see the module comment). */
export function initializeWeights(model: tf.LayersModel, seed: number): void {
  const streams = new RandomStreams(seed);
  const layout = weightLayout(model);
  const flat = new Float32Array(layout.length);
  const layerIndex = new Map(model.layers.map((layer, i) => [layer.name, i]));
  let stream: RandomStream | undefined;
  let streamLayer = '';
  for (const entry of layout.entries) {
    if (stream === undefined || streamLayer !== entry.layer) {
      stream = streams.stream('init', layerIndex.get(entry.layer) ?? -1);
      streamLayer = entry.layer;
    }
    fillEntry(flat, entry, stream);
  }
  setFlatWeights(model, flat);
}

function fillEntry(flat: Float32Array, entry: WeightEntry, stream: RandomStream): void {
  const values = flat.subarray(entry.offset, entry.offset + entry.length);
  if (entry.role === 'kernel') {
    const limit = glorotLimit(entry.shape);
    for (let i = 0; i < values.length; i++) values[i] = stream.uniform(-limit, limit);
  } else if (entry.name.endsWith('gamma')) {
    values.fill(1);
  }
}

/** sqrt(6 / (fanIn + fanOut)) with the Keras fans for `shape`. */
export function glorotLimit(shape: readonly number[]): number {
  const [fanIn, fanOut] = fans(shape);
  return Math.sqrt(6 / Math.max(1, fanIn + fanOut));
}

function fans(shape: readonly number[]): [number, number] {
  if (shape.length < 2) {
    const n = shape[0] ?? 1;
    return [n, n];
  }
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = (shape[shape.length - 2] ?? 1) * receptive;
  const fanOut = (shape[shape.length - 1] ?? 1) * receptive;
  return [fanIn, fanOut];
}
