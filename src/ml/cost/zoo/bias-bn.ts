import type { Block } from '../graph.js';
import {
  type Conv2dOptions,
  conv2d,
  type DenseOptions,
  type DepthwiseConv2dOptions,
  dense,
  depthwiseConv2d,
} from '../layers.js';
import { type BatchNormMode, withBn } from './conv-bn.js';

/**
 * Layers that keep their bias and are then batch-normalised: Keras's
 * `Conv2D`, `DepthwiseConv2D` and `Dense` default to `use_bias=True`, and the
 * MLPerf Tiny reference models leave it on before each `BatchNormalization`.
 * Folded, such a layer is the same as in `conv-bn.ts` (one bias per output
 * channel). Separate, it keeps that bias and the BN layer adds a scale and a
 * shift per channel, which is what `model.summary()` counts as trainable.
 */

/** A convolution with bias followed by batch norm (and its activation), in the given mode. */
export function convBiasBn(
  options: Conv2dOptions & { name: string },
  mode: BatchNormMode,
): Block[] {
  return withBn((o) => conv2d(o), options, mode, true);
}

/** A depthwise convolution with bias followed by batch norm (and its activation), in the given mode. */
export function depthwiseBiasBn(
  options: DepthwiseConv2dOptions & { name: string },
  mode: BatchNormMode,
): Block[] {
  return withBn((o) => depthwiseConv2d(o), options, mode, true);
}

/** A dense layer with bias followed by batch norm (and its activation), in the given mode. */
export function denseBiasBn(
  options: DenseOptions & { name: string },
  mode: BatchNormMode,
): Block[] {
  return withBn((o) => dense(o), options, mode, true);
}
