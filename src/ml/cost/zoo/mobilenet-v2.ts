/**
 * MobileNetV2, width multiplier 1.0, 224x224x3 input, 1000 ImageNet classes.
 *
 * Sandler, Howard, Zhu, Zhmoginov, Chen. "MobileNetV2: Inverted Residuals and
 * Linear Bottlenecks." CVPR 2018 (arXiv:1801.04381), Table 2. Layer names and
 * layout follow `keras.applications.MobileNetV2`: the first block has no
 * expansion conv, convolutions are ReLU6 except the linear projections, and
 * a residual add joins blocks whose input and output shapes match.
 *
 * Published: 3.4M parameters and 300M multiply-adds (paper); Keras reports
 * 3,504,872 trainable parameters (convolutions without bias, BN scale and
 * shift, the classifier with bias).
 */
import type { CostCard } from '../card.js';
import { type Block, block, residual, sequential } from '../graph.js';
import { dense, globalAvgPool } from '../layers.js';
import { type BatchNormMode, convBn, depthwiseBn, type ZooOptions } from './conv-bn.js';

/** Table 2 rows after the first conv: expansion t, output channels c, repeats n, first stride s. */
const BOTTLENECKS: readonly { t: number; c: number; n: number; s: number }[] = [
  { t: 1, c: 16, n: 1, s: 1 },
  { t: 6, c: 24, n: 2, s: 2 },
  { t: 6, c: 32, n: 3, s: 2 },
  { t: 6, c: 64, n: 4, s: 2 },
  { t: 6, c: 96, n: 3, s: 1 },
  { t: 6, c: 160, n: 3, s: 2 },
  { t: 6, c: 320, n: 1, s: 1 },
];

/** The MobileNetV2 cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function mobileNetV2(options: ZooOptions = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const blocks: Block[] = [];
  let channels = 32;
  let index = 0;
  for (const { t, c, n, s } of BOTTLENECKS) {
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      blocks.push(invertedResidual(index, channels, { expansion: t, filters: c, stride }, mode));
      channels = c;
      index++;
    }
  }
  return sequential(
    'mobilenet-v2',
    [224, 224, 3],
    [
      ...convBn({ name: 'Conv1', filters: 32, kernel: 3, stride: 2, activation: 'relu6' }, mode),
      ...blocks,
      ...convBn({ name: 'Conv_1', filters: 1280, kernel: 1, activation: 'relu6' }, mode),
      globalAvgPool({ name: 'global_average_pooling2d' }),
      dense({ name: 'predictions', units: 1000, activation: 'softmax' }),
    ],
  );
}

/** Expand (1x1, ReLU6) -> depthwise 3x3 (ReLU6) -> project (1x1, linear), plus the input when shapes match. */
function invertedResidual(
  index: number,
  inChannels: number,
  { expansion, filters, stride }: { expansion: number; filters: number; stride: number },
  mode: BatchNormMode,
): Block {
  const expand =
    expansion === 1
      ? []
      : convBn(
          { name: 'expand', filters: inChannels * expansion, kernel: 1, activation: 'relu6' },
          mode,
        );
  const body = [
    ...expand,
    ...depthwiseBn({ name: 'depthwise', kernel: 3, stride, activation: 'relu6' }, mode),
    ...convBn({ name: 'project', filters, kernel: 1 }, mode),
  ];
  const prefix = index === 0 ? 'expanded_conv' : `block_${index}`;
  const hasShortcut = stride === 1 && inChannels === filters;
  return block(prefix, hasShortcut ? [residual(body)] : body);
}
