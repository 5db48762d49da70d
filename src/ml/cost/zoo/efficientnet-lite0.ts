/**
 * EfficientNet-Lite0, 224x224x3 input, 1000 ImageNet classes.
 *
 * Tan, Le. "EfficientNet: Rethinking Model Scaling for Convolutional Neural
 * Networks." ICML 2019 (arXiv:1905.11946), Table 1 (the B0 blocks). The Lite
 * variant is tensorflow/tpu `models/official/efficientnet/lite/`
 * (README.md, commit 07e173cc1597883918f5d1229b771b96f1c4c211): no
 * squeeze-and-excitation, ReLU6 instead of swish, and a stem (32 filters) and
 * head (1280) that do not scale; Lite0 is width and depth 1.0 at 224. Each
 * MBConv block: a 1x1 expansion (absent when the ratio is 1), a depthwise
 * convolution, a linear 1x1 projection, and a residual add when the stride is
 * 1 and the channels match. Convolutions have no bias; BN follows each.
 * Dropout before the classifier costs nothing at inference.
 *
 * Published: 4.7M parameters and 407M multiply-adds (lite README table).
 * The card counts 4,652,008 parameters with BN kept separate (4,631,000
 * folded) and 385,187,552 multiply-accumulates in its convolutions and
 * classifier, 5.4% under the README's figure; what the README's tool counted
 * beyond those is not stated there (an unverified guess: element-wise work).
 * Layer names follow the TF implementation's scopes (`stem_conv2d`,
 * `blocks_1_conv2d` for an expansion, `blocks_1_depthwise_conv2d`,
 * `blocks_1_conv2d_1` for its projection, `head_conv2d`, `head_dense`).
 */
import type { CostCard } from '../card.js';
import { type Block, block, residual, sequential } from '../graph.js';
import { dense, globalAvgPool } from '../layers.js';
import { type BatchNormMode, convBn, depthwiseBn, type ZooOptions } from './conv-bn.js';

/**
 * The B0 stages (Table 1): repeats, kernel, first stride, expansion ratio,
 * output channels; the stem gives the first stage 32 input channels.
 * Shared with `efficientnet-b0.ts`.
 */
export const B0_STAGES: readonly {
  repeats: number;
  kernel: number;
  stride: number;
  expand: number;
  filters: number;
}[] = [
  { repeats: 1, kernel: 3, stride: 1, expand: 1, filters: 16 },
  { repeats: 2, kernel: 3, stride: 2, expand: 6, filters: 24 },
  { repeats: 2, kernel: 5, stride: 2, expand: 6, filters: 40 },
  { repeats: 3, kernel: 3, stride: 2, expand: 6, filters: 80 },
  { repeats: 3, kernel: 5, stride: 1, expand: 6, filters: 112 },
  { repeats: 4, kernel: 5, stride: 2, expand: 6, filters: 192 },
  { repeats: 1, kernel: 3, stride: 1, expand: 6, filters: 320 },
];

/** The EfficientNet-Lite0 cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function efficientNetLite0(options: ZooOptions = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const blocks: Block[] = [];
  let channels = 32;
  for (const { repeats, kernel, stride, expand, filters } of B0_STAGES) {
    for (let i = 0; i < repeats; i++) {
      const s = i === 0 ? stride : 1;
      blocks.push(mbConv(blocks.length, channels, { kernel, stride: s, expand, filters }, mode));
      channels = filters;
    }
  }
  return sequential(
    'efficientnet-lite0',
    [224, 224, 3],
    [
      ...convBn(
        { name: 'stem_conv2d', filters: 32, kernel: 3, stride: 2, activation: 'relu6' },
        mode,
      ),
      ...blocks,
      ...convBn({ name: 'head_conv2d', filters: 1280, kernel: 1, activation: 'relu6' }, mode),
      globalAvgPool({ name: 'head_global_average_pooling2d' }),
      dense({ name: 'head_dense', units: 1000, activation: 'softmax' }),
    ],
  );
}

/** Expand (1x1, ReLU6) -> depthwise (ReLU6) -> project (1x1, linear), plus the input when shapes match. */
function mbConv(
  index: number,
  inChannels: number,
  spec: { kernel: number; stride: number; expand: number; filters: number },
  mode: BatchNormMode,
): Block {
  const { kernel, stride, expand, filters } = spec;
  const expanded = expand !== 1;
  const body = [
    ...(expanded
      ? convBn(
          { name: 'conv2d', filters: inChannels * expand, kernel: 1, activation: 'relu6' },
          mode,
        )
      : []),
    ...depthwiseBn({ name: 'depthwise_conv2d', kernel, stride, activation: 'relu6' }, mode),
    ...convBn({ name: expanded ? 'conv2d_1' : 'conv2d', filters, kernel: 1 }, mode),
  ];
  const skip = stride === 1 && inChannels === filters;
  return block(`blocks_${index}`, skip ? [residual(body, { name: 'add' })] : body);
}
