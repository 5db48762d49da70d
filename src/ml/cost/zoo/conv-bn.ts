import type { Block } from '../graph.js';
import {
  batchNorm,
  type Conv2dOptions,
  conv2d,
  type DepthwiseConv2dOptions,
  depthwiseConv2d,
} from '../layers.js';

/**
 * How a zoo model's batch normalisation is described:
 * - `folded` (default, what inference engines run): each BN is folded into
 *   the convolution before it, which gains a bias per output channel; no BN
 *   layer remains.
 * - `separate` (as the model is trained and as Keras / PyTorch count
 *   parameters): convolutions without bias, each followed by a `batchNorm`
 *   layer with a scale and a shift per channel (2 params per channel; the
 *   running mean and variance are buffers, not parameters).
 */
export type BatchNormMode = 'folded' | 'separate';

/** Options shared by the zoo's model builders. */
export interface ZooOptions {
  /** Default `folded`. */
  batchNorm?: BatchNormMode;
}

/** A convolution followed by batch norm (and its activation), in the given mode. */
export function convBn(options: Conv2dOptions & { name: string }, mode: BatchNormMode): Block[] {
  return withBn((o) => conv2d(o), options, mode);
}

/** A depthwise convolution followed by batch norm (and its activation), in the given mode. */
export function depthwiseBn(
  options: DepthwiseConv2dOptions & { name: string },
  mode: BatchNormMode,
): Block[] {
  return withBn((o) => depthwiseConv2d(o), options, mode);
}

/**
 * A layer followed by batch norm: folded, the layer with a bias; separate,
 * the layer (with its own bias only when `keepBias`, as reference models that
 * keep a bias before batch norm do) and then the BN layer.
 */
export function withBn<O extends { name: string; activation?: string; bias?: boolean }>(
  layer: (options: O) => Block,
  options: O,
  mode: BatchNormMode,
  keepBias = false,
): Block[] {
  if (mode === 'folded') return [layer({ ...options, bias: true })];
  // The activation moves to the BN layer, which is where it runs when BN is not folded.
  return [
    layer({ ...options, bias: keepBias, activation: undefined }),
    batchNorm({ name: `${options.name}_bn`, activation: options.activation }),
  ];
}

/**
 * torchvision's `_make_divisible(v, divisor)`: the multiple of `divisor`
 * nearest `v` (at least `divisor`), raised by `divisor` when that falls more
 * than 10% below `v` (pytorch/vision `torchvision/models/mobilenetv2.py`,
 * commit 9173b13b7ed3f9cc2426fe84aa15b47969a69828; `regnet.py` and
 * `efficientnet.py` use the same function).
 */
export function makeDivisible(v: number, divisor: number): number {
  const rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

/** `_make_divisible(v, 8)`, the channel rounding of MobileNetV3 and EfficientNet. */
export function makeDivisible8(v: number): number {
  return makeDivisible(v, 8);
}
