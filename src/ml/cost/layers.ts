import { elements } from './card.js';
import type { Block, LayerShapeCost } from './graph.js';

/**
 * Layer builders for `sequential`. Each infers its output shape from its
 * input shape (batch 1, HWC for spatial layers, flat for `dense`) and counts
 * its cost by the conventions in `card.ts`. Invalid options or shapes throw,
 * naming the layer, the field and the value.
 */

/** `same` keeps ceil(size / stride); `valid` uses no padding; a number pads that many on each side. */
export type Padding = 'same' | 'valid' | number;

/** Options every layer takes. */
export interface LayerOptions {
  /** Layer name (default: its kind, made unique Keras-style: `conv2d_1`). */
  name?: string;
}

/** Options of layers that may carry a fused activation. */
export interface FusedOptions extends LayerOptions {
  /** Activation fused into the layer (`relu`, `relu6`, `softmax`); costs nothing, recorded on the card. */
  activation?: string;
  /** Whether the layer has a bias per output channel (default true: batch norm folded in). */
  bias?: boolean;
}

export interface Conv2dOptions extends FusedOptions {
  filters: number;
  /** Kernel size, square or `[height, width]`. */
  kernel: number | [number, number];
  /** Stride, square or `[height, width]` (default 1). */
  stride?: number | [number, number];
  /** Default `same`. */
  padding?: Padding;
  /**
   * Channel groups (default 1): each group's filters see only its share of
   * the input channels, as in ResNeXt, so MACs and weights are 1/groups of a
   * full convolution's. Input channels and filters must divide by it, and
   * one channel a group is a depthwise convolution (`depthwiseConv2d`, which
   * the latency model times as its own class). The latency model times a
   * grouped convolution as a standard one with a shallower reduction, and a
   * grouped 1x1 as a pointwise one.
   */
  groups?: number;
}

export interface DepthwiseConv2dOptions extends FusedOptions {
  kernel: number | [number, number];
  stride?: number | [number, number];
  padding?: Padding;
  /** Output channels per input channel (default 1). */
  depthMultiplier?: number;
}

export interface DenseOptions extends FusedOptions {
  units: number;
}

export interface PoolOptions extends LayerOptions {
  /** Window size, square or `[height, width]`. */
  pool: number | [number, number];
  /** Default: the window size. */
  stride?: number | [number, number];
  /** Default `valid`. */
  padding?: Padding;
}

/** 2-D convolution: `kernel x kernel x inChannels x filters` weights. */
export function conv2d(options: Conv2dOptions): Block {
  return leaf(options, (shape) => {
    const [h, w, cin] = spatial('conv2d', shape);
    const [kh, kw] = pair('conv2d', 'kernel', options.kernel);
    const filters = positiveInt('conv2d', 'filters', options.filters);
    const groups = positiveInt('conv2d', 'groups', options.groups ?? 1);
    if (cin % groups !== 0 || filters % groups !== 0) {
      throw new RangeError(
        `conv2d: ${cin} input channels and ${filters} filters must both divide into ${groups} groups`,
      );
    }
    if (groups > 1 && groups === cin) {
      throw new RangeError(
        `conv2d: ${groups} groups of one input channel each is a depthwise convolution; use depthwiseConv2d`,
      );
    }
    const [oh, ow] = window(
      'conv2d',
      [h, w],
      [kh, kw],
      options.stride ?? 1,
      options.padding ?? 'same',
    );
    const macs = (oh * ow * filters * kh * kw * cin) / groups;
    const bias = options.bias === false ? 0 : filters;
    return fused(options, {
      kind: 'conv2d',
      flops: 2 * macs,
      params: (kh * kw * cin * filters) / groups + bias,
      inputElements: h * w * cin,
      outputElements: oh * ow * filters,
      outputShape: [oh, ow, filters],
      kernel: [kh, kw],
    });
  });
}

/** Depthwise 2-D convolution: one `kernel x kernel` filter per input channel (times `depthMultiplier`). */
export function depthwiseConv2d(options: DepthwiseConv2dOptions): Block {
  return leaf(options, (shape) => {
    const [h, w, cin] = spatial('depthwiseConv2d', shape);
    const [kh, kw] = pair('depthwiseConv2d', 'kernel', options.kernel);
    const cout =
      cin * positiveInt('depthwiseConv2d', 'depthMultiplier', options.depthMultiplier ?? 1);
    const [oh, ow] = window(
      'depthwiseConv2d',
      [h, w],
      [kh, kw],
      options.stride ?? 1,
      options.padding ?? 'same',
    );
    const bias = options.bias === false ? 0 : cout;
    return fused(options, {
      kind: 'depthwiseConv2d',
      flops: 2 * oh * ow * cout * kh * kw,
      params: kh * kw * cout + bias,
      inputElements: h * w * cin,
      outputElements: oh * ow * cout,
      outputShape: [oh, ow, cout],
      kernel: [kh, kw],
    });
  });
}

/** Fully connected layer on a flat input (use `flatten()` or `globalAvgPool()` first). */
export function dense(options: DenseOptions): Block {
  return leaf(options, (shape) => {
    const n = shape[0];
    if (shape.length !== 1 || n === undefined) {
      throw new Error(
        `dense needs a flat input; add flatten() first (got shape [${shape.join(', ')}])`,
      );
    }
    const units = positiveInt('dense', 'units', options.units);
    const bias = options.bias === false ? 0 : units;
    return fused(options, {
      kind: 'dense',
      flops: 2 * n * units,
      params: n * units + bias,
      inputElements: n,
      outputElements: units,
      outputShape: [units],
    });
  });
}

/** Max pooling; counts one operation per window element read. */
export function maxPool(options: PoolOptions): Block {
  return pool({ name: 'max_pool', ...options });
}

/** Average pooling; counts one operation per window element read. */
export function avgPool(options: PoolOptions): Block {
  return pool({ name: 'avg_pool', ...options });
}

/** Global average pooling: `[h, w, c]` to `[c]`, one addition per input element. */
export function globalAvgPool(options: LayerOptions = {}): Block {
  return leaf(options, (shape) => {
    const [h, w, c] = spatial('globalAvgPool', shape);
    return {
      kind: 'pool',
      flops: h * w * c,
      params: 0,
      inputElements: h * w * c,
      outputElements: c,
      outputShape: [c],
    };
  });
}

/** Flattens to one dimension: a view, so it moves no memory and costs nothing. */
export function flatten(options: LayerOptions = {}): Block {
  return leaf(options, (shape) => ({
    kind: 'reshape',
    flops: 0,
    params: 0,
    inputElements: 0,
    outputElements: 0,
    outputShape: [elements(shape)],
  }));
}

/** Batch normalisation kept as its own layer (not folded): scale and shift per channel, 2 params and 2 ops per element. */
export function batchNorm(options: Omit<FusedOptions, 'bias'> = {}): Block {
  return leaf(options, (shape) => {
    const channels = shape[shape.length - 1] ?? 0;
    const n = elements(shape);
    return fused(options, {
      kind: 'batchNorm',
      flops: 2 * n,
      params: 2 * channels,
      inputElements: n,
      outputElements: n,
      outputShape: [...shape],
    });
  });
}

/** A stand-alone activation (`relu`, `softmax`, ...): one nominal operation per element. */
export function activation(fn: string, options: LayerOptions = {}): Block {
  return leaf(options, (shape) => {
    const n = elements(shape);
    return {
      kind: 'activation',
      flops: n,
      params: 0,
      inputElements: n,
      outputElements: n,
      outputShape: [...shape],
      activation: fn,
    };
  });
}

function pool(options: PoolOptions): Block {
  return leaf(options, (shape) => {
    const [h, w, c] = spatial('pool', shape);
    const [kh, kw] = pair('pool', 'pool', options.pool);
    const [oh, ow] = window(
      'pool',
      [h, w],
      [kh, kw],
      options.stride ?? [kh, kw],
      options.padding ?? 'valid',
    );
    return {
      kind: 'pool',
      flops: oh * ow * c * kh * kw,
      params: 0,
      inputElements: h * w * c,
      outputElements: oh * ow * c,
      outputShape: [oh, ow, c],
    };
  });
}

/** A block of one layer whose cost follows from its input shape. */
function leaf(options: LayerOptions, cost: (shape: readonly number[]) => LayerShapeCost): Block {
  return (input, graph) => graph.push(cost(input.shape), [input], options.name);
}

function fused(options: FusedOptions, cost: LayerShapeCost): LayerShapeCost {
  return options.activation === undefined ? cost : { ...cost, activation: options.activation };
}

function spatial(layer: string, shape: readonly number[]): [number, number, number] {
  const [h, w, c] = shape;
  if (shape.length !== 3 || h === undefined || w === undefined || c === undefined) {
    throw new Error(
      `${layer} needs an [height, width, channels] input (got shape [${shape.join(', ')}])`,
    );
  }
  return [h, w, c];
}

function pair(
  layer: string,
  field: string,
  value: number | readonly [number, number],
): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : value;
  return [positiveInt(layer, field, a), positiveInt(layer, field, b)];
}

function positiveInt(layer: string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${layer}: ${field} must be a positive integer (got ${value})`);
  }
  return value;
}

/** Output height and width of a sliding window. */
function window(
  layer: string,
  size: [number, number],
  kernel: [number, number],
  stride: number | [number, number],
  padding: Padding,
): [number, number] {
  const strides = pair(layer, 'stride', stride);
  if (typeof padding === 'number' && !(Number.isInteger(padding) && padding >= 0)) {
    throw new RangeError(
      `${layer}: padding must be 'same', 'valid' or a non-negative integer (got ${padding})`,
    );
  }
  const out = size.map((n, i) => {
    const k = kernel[i] ?? 1;
    const s = strides[i] ?? 1;
    if (padding === 'same') return Math.ceil(n / s);
    const pad = padding === 'valid' ? 0 : padding;
    return Math.floor((n + 2 * pad - k) / s) + 1;
  });
  const [oh = 0, ow = 0] = out;
  if (oh < 1 || ow < 1) {
    throw new Error(
      `${layer}: a ${kernel.join('x')} window with padding ${padding} does not fit a ${size.join('x')} input`,
    );
  }
  return [oh, ow];
}
