/**
 * Cost cards read off a real TF.js Layers model: its layers walked in order,
 * each counted by the conventions of `card.ts` (the same counts the
 * hand-written builders of `layers.ts` give), so a zoo or user model and its
 * layer table agree.
 *
 * Mapping of Keras layer classes to card layers:
 * - `Dense`, `Conv2D`, `DepthwiseConv2D`: one MAC layer each, flops = 2 x MACs;
 * - `SeparableConv2D`: two layers, `<name>_depthwise` (depthwiseConv2d, no
 *   bias) and `<name>_pointwise` (1x1 conv2d with the bias and activation);
 * - `MaxPooling2D`, `AveragePooling2D`: `pool`, one op per window element read;
 *   `GlobalAveragePooling2D`, `GlobalMaxPooling2D`: `pool`, one op per input element;
 * - `Flatten`, `Reshape`: `reshape`, free;
 * - `Activation`, `ReLU`, `Softmax`, `LeakyReLU`, `ELU`: `activation`, one op per element;
 * - `BatchNormalization`: `batchNorm`, 2 ops per element and 2 params per
 *   channel (scale and shift; the moving statistics fold into them);
 * - `Add`: one op per element per extra operand; `Concatenate`: free copy;
 * - `Dropout` and the other noise layers, and `InputLayer`: identities at
 *   inference, left out of the card (a layer reading one reads its input).
 * Any other class is an error naming it.
 *
 * Sparsity: with `sparsityByLayer`, a MAC layer whose kernel has a fraction s
 * of zero weights costs (1 - s) of its dense FLOPs ("effective FLOPs", as
 * if zero weights were skipped, which unstructured sparse kernels approach
 * only at high sparsity); params stay the dense count, since storage is the
 * compression encoder's business. {@link measuredSparsity} reads s off the
 * model's weights.
 */
import type { tf } from '../runtime.js';
import { type CostCard, elements, type LayerCost, MAC_KINDS, makeCard } from './card.js';

/** Options of {@link costCardFromModel}. */
export interface CostFromModelOptions {
  /**
   * Fraction of zero kernel weights per card layer name, in [0, 1]; scales
   * that MAC layer's FLOPs by 1 - s. Names must be MAC layers of the card.
   */
  readonly sparsityByLayer?: Readonly<Record<string, number>>;
}

/** A card layer before its place in the graph is known. */
type Part = Omit<LayerCost, 'inputs'>;

/** A layer's Keras config, loosely typed: the fields the counters read. */
interface LayerConfig {
  activation?: string;
  poolSize?: number | number[];
  pool_size?: number | number[];
  kernelSize?: number | number[];
  kernel_size?: number | number[];
  depthMultiplier?: number;
  depth_multiplier?: number;
  useBias?: boolean;
  use_bias?: boolean;
}

/** Walks `model`'s layers and builds its cost card named `name` (batch 1). Throws for an unsupported layer class. */
export function costCardFromModel(
  model: tf.LayersModel,
  name: string,
  options: CostFromModelOptions = {},
): CostCard {
  const inputShape = concrete(model.inputs[0]?.shape.slice(1) ?? [], `${name}: model input`);
  const layers: LayerCost[] = [];
  const outputIndex = new Map<tf.layers.Layer, number>();
  for (const layer of model.layers) {
    const inbound = inboundLayers(layer);
    const from = inbound.map((l) => outputIndex.get(l) ?? -1);
    if (IDENTITIES.has(layer.getClassName())) {
      outputIndex.set(layer, from[0] ?? -1);
      continue;
    }
    for (const [i, part] of layerParts(layer).entries()) {
      const inputs = i === 0 ? from : [layers.length - 1];
      const sequentialInput = inputs.length === 1 && inputs[0] === layers.length - 1;
      layers.push(sequentialInput ? part : { ...part, inputs });
    }
    outputIndex.set(layer, layers.length - 1);
  }
  return makeCard(name, inputShape, applySparsity(layers, options.sparsityByLayer ?? {}));
}

/**
 * Fraction of exactly-zero kernel weights of each MAC layer of the card, by
 * card layer name (a separable conv's two kernels under `_depthwise` and
 * `_pointwise`); biases are not counted. Feed it to `sparsityByLayer`.
 */
export function measuredSparsity(model: tf.LayersModel): Record<string, number> {
  const out: Record<string, number> = {};
  for (const layer of model.layers) {
    const separable = layer.getClassName() === 'SeparableConv2D';
    for (const weight of layer.weights) {
      const short = weight.originalName.slice(weight.originalName.lastIndexOf('/') + 1);
      if (!short.endsWith('kernel')) continue;
      const values = weight.read().dataSync();
      let zeros = 0;
      for (const v of values) if (v === 0) zeros++;
      const key = separable ? `${layer.name}_${short.replace('_kernel', '')}` : layer.name;
      out[key] = values.length === 0 ? 0 : zeros / values.length;
    }
  }
  return out;
}

/** Layers that are the identity at inference. */
const IDENTITIES = new Set([
  'InputLayer',
  'Dropout',
  'SpatialDropout1D',
  'GaussianDropout',
  'GaussianNoise',
  'AlphaDropout',
]);

type Counter = (layer: tf.layers.Layer, inputs: number[][], output: number[]) => Part[];

const ACTIVATION_CLASSES: Readonly<Record<string, string>> = {
  ReLU: 'relu',
  Softmax: 'softmax',
  LeakyReLU: 'leakyRelu',
  ELU: 'elu',
};

const COUNTERS: Readonly<Record<string, Counter>> = {
  Dense: (layer, [input = []], output) => {
    const units = output[output.length - 1] ?? 0;
    const macs = (elements(output) / Math.max(1, units)) * (input[input.length - 1] ?? 0) * units;
    return [mac(layer, 'dense', 2 * macs, input, output)];
  },
  Conv2D: (layer, [input = []], output) => {
    const [kh, kw] = window(configOf(layer).kernelSize ?? configOf(layer).kernel_size);
    const cost = mac(
      layer,
      'conv2d',
      2 * elements(output) * kh * kw * (input[2] ?? 0),
      input,
      output,
    );
    return [{ ...cost, kernel: [kh, kw] }];
  },
  DepthwiseConv2D: (layer, [input = []], output) => {
    const [kh, kw] = window(configOf(layer).kernelSize ?? configOf(layer).kernel_size);
    const cost = mac(layer, 'depthwiseConv2d', 2 * elements(output) * kh * kw, input, output);
    return [{ ...cost, kernel: [kh, kw] }];
  },
  SeparableConv2D: separable,
  MaxPooling2D: pooling,
  AveragePooling2D: pooling,
  GlobalAveragePooling2D: globalPooling,
  GlobalMaxPooling2D: globalPooling,
  Flatten: reshape,
  Reshape: reshape,
  Activation: (layer, [input = []], output) => [
    activation(layer, configOf(layer).activation ?? 'linear', input, output),
  ],
  BatchNormalization: (layer, [input = []], output) => [
    part(
      layer,
      'batchNorm',
      2 * elements(input),
      2 * (input[input.length - 1] ?? 0),
      input,
      output,
    ),
  ],
  Add: (layer, inputs, output) => [
    {
      ...part(layer, 'add', (inputs.length - 1) * elements(output), 0, [], output),
      inputElements: inputs.length * elements(output),
    },
  ],
  Concatenate: (layer, _inputs, output) => [part(layer, 'concat', 0, 0, output, output)],
};

function layerParts(layer: tf.layers.Layer): Part[] {
  const className = layer.getClassName();
  const inputs = nodeShapes(layer, 'inputShapes');
  const [output = []] = nodeShapes(layer, 'outputShapes');
  const activationName = ACTIVATION_CLASSES[className];
  if (activationName !== undefined)
    return [activation(layer, activationName, inputs[0] ?? [], output)];
  const counter = COUNTERS[className];
  if (counter === undefined) {
    throw new RangeError(
      `cost card: layer ${JSON.stringify(layer.name)} has class ${className}, which has no cost rule (supported: ${[...Object.keys(COUNTERS), ...Object.keys(ACTIVATION_CLASSES), ...IDENTITIES].join(', ')})`,
    );
  }
  return counter(layer, inputs, output);
}

function separable(layer: tf.layers.Layer, [input = []]: number[][], output: number[]): Part[] {
  const config = configOf(layer);
  const [kh, kw] = window(config.kernelSize ?? config.kernel_size);
  const multiplier = config.depthMultiplier ?? config.depth_multiplier ?? 1;
  const inChannels = input[2] ?? 0;
  const mid = [output[0] ?? 0, output[1] ?? 0, inChannels * multiplier];
  const filters = output[2] ?? 0;
  const bias = (config.useBias ?? config.use_bias ?? true) ? filters : 0;
  const depthwise: Part = {
    name: `${layer.name}_depthwise`,
    kind: 'depthwiseConv2d',
    flops: 2 * elements(mid) * kh * kw,
    params: kh * kw * inChannels * multiplier,
    inputElements: elements(input),
    outputElements: elements(mid),
    outputShape: mid,
    kernel: [kh, kw],
  };
  const pointwise = withActivation(layer, {
    name: `${layer.name}_pointwise`,
    kind: 'conv2d',
    flops: 2 * elements(output) * (mid[2] ?? 0),
    params: (mid[2] ?? 0) * filters + bias,
    inputElements: elements(mid),
    outputElements: elements(output),
    outputShape: output,
    kernel: [1, 1],
  });
  return [depthwise, pointwise];
}

function pooling(layer: tf.layers.Layer, [input = []]: number[][], output: number[]): Part[] {
  const [kh, kw] = window(configOf(layer).poolSize ?? configOf(layer).pool_size);
  return [part(layer, 'pool', elements(output) * kh * kw, 0, input, output)];
}

function globalPooling(layer: tf.layers.Layer, [input = []]: number[][], output: number[]): Part[] {
  return [part(layer, 'pool', elements(input), 0, input, output)];
}

function reshape(layer: tf.layers.Layer, _inputs: number[][], output: number[]): Part[] {
  return [{ ...part(layer, 'reshape', 0, 0, [], output), inputElements: 0, outputElements: 0 }];
}

function activation(layer: tf.layers.Layer, fn: string, input: number[], output: number[]): Part {
  return { ...part(layer, 'activation', elements(input), 0, input, output), activation: fn };
}

/** A MAC layer: params from the model, the fused activation recorded. */
function mac(
  layer: tf.layers.Layer,
  kind: string,
  flops: number,
  input: number[],
  output: number[],
): Part {
  return withActivation(layer, part(layer, kind, flops, layer.countParams(), input, output));
}

function part(
  layer: tf.layers.Layer,
  kind: string,
  flops: number,
  params: number,
  input: number[],
  output: number[],
): Part {
  return {
    name: layer.name,
    kind,
    flops,
    params,
    inputElements: elements(input),
    outputElements: elements(output),
    outputShape: output,
  };
}

function withActivation(layer: tf.layers.Layer, cost: Part): Part {
  const fn = configOf(layer).activation;
  return fn === undefined || fn === 'linear' ? cost : { ...cost, activation: fn };
}

function applySparsity(
  layers: LayerCost[],
  sparsity: Readonly<Record<string, number>>,
): LayerCost[] {
  const byName = new Map(layers.map((l) => [l.name, l]));
  for (const [name, s] of Object.entries(sparsity)) {
    const layer = byName.get(name);
    if (layer === undefined || !MAC_KINDS.includes(layer.kind)) {
      throw new RangeError(
        `sparsityByLayer: ${JSON.stringify(name)} is not a dense or convolution layer of the model`,
      );
    }
    if (!(s >= 0 && s <= 1))
      throw new RangeError(`sparsityByLayer.${name}(=${s}) must be in [0, 1]`);
  }
  return layers.map((l) => {
    const s = sparsity[l.name];
    return s === undefined ? l : { ...l, flops: l.flops * (1 - s) };
  });
}

function configOf(layer: tf.layers.Layer): LayerConfig {
  return layer.getConfig() as LayerConfig;
}

function window(size: number | number[] | undefined): [number, number] {
  if (size === undefined) return [1, 1];
  if (typeof size === 'number') return [size, size];
  return [size[0] ?? 1, size[1] ?? size[0] ?? 1];
}

function inboundLayers(layer: tf.layers.Layer): tf.layers.Layer[] {
  return layer.inboundNodes[0]?.inboundLayers ?? [];
}

/** The concrete (batch-free) input or output shapes of the layer's first call. */
function nodeShapes(layer: tf.layers.Layer, which: 'inputShapes' | 'outputShapes'): number[][] {
  const shape = (layer.inboundNodes[0]?.[which] ?? []) as (number | null)[] | (number | null)[][];
  const shapes = Array.isArray(shape[0])
    ? (shape as (number | null)[][])
    : [shape as (number | null)[]];
  const what = `layer ${layer.name} ${which === 'inputShapes' ? 'input' : 'output'}`;
  return shapes.map((s) => concrete(s.slice(1), what));
}

function concrete(shape: readonly (number | null)[], what: string): number[] {
  if (!shape.every((d): d is number => typeof d === 'number')) {
    throw new RangeError(
      `cost card: ${what} shape [${shape.join(', ')}] must be fully known (batch aside)`,
    );
  }
  return [...shape];
}
