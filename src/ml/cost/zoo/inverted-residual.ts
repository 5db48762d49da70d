/**
 * The inverted residual of torchvision's MobileNetV3 and EfficientNet
 * (`InvertedResidual`, `MBConv`): a 1x1 expansion (absent when it would not
 * widen), a depthwise convolution, squeeze-and-excitation when given, a
 * linear 1x1 projection, and the input added back when the stride is 1 and
 * the channels match. Convolutions carry batch norm (folded or separate) and
 * the block's activation; layers are named `expand`, `depthwise`, `se_*`,
 * `project` under `prefix`.
 */
import { type Block, block, residual } from '../graph.js';
import { type BatchNormMode, convBn, depthwiseBn } from './conv-bn.js';
import { type SqueezeExcitationOptions, squeezeExcitation } from './squeeze-excitation.js';

/** One block's shape. */
export interface InvertedResidualSpec {
  /** Channels in. */
  input: number;
  /** Channels after the expansion (equal to `input`: no expansion layer). */
  expanded: number;
  /** Channels out. */
  filters: number;
  kernel: number;
  stride: number;
  /** Fused into the expansion and the depthwise convolution (`relu`, `hardswish`, `silu`). */
  activation: string;
  /** Squeeze-and-excitation on the depthwise output; absent = none. */
  se?: SqueezeExcitationOptions;
}

/** The block under `prefix` (see the file comment). */
export function invertedResidual(
  prefix: string,
  spec: InvertedResidualSpec,
  mode: BatchNormMode,
): Block {
  const { input, expanded, filters, kernel, stride, activation, se } = spec;
  const body = [
    ...(expanded === input
      ? []
      : convBn({ name: 'expand', filters: expanded, kernel: 1, activation }, mode)),
    ...depthwiseBn({ name: 'depthwise', kernel, stride, activation }, mode),
    ...(se === undefined ? [] : [squeezeExcitation(se)]),
    ...convBn({ name: 'project', filters, kernel: 1 }, mode),
  ];
  const skip = stride === 1 && input === filters;
  return block(prefix, skip ? [residual(body)] : body);
}
