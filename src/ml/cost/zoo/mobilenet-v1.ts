/**
 * MobileNetV1 at any width multiplier, resolution and class count.
 *
 * Howard, Zhu, Chen, Kalenichenko, Wang, Weyand, Andreetto, Adam.
 * "MobileNets: Efficient Convolutional Neural Networks for Mobile Vision
 * Applications." arXiv:1704.04861 (2017), Table 1: a 3x3 convolution, then
 * 13 depthwise-separable blocks (3x3 depthwise, 1x1 pointwise), average
 * pooling and a fully connected classifier. The width multiplier alpha scales
 * every layer's channels (`int(channels * alpha)`, as Keras does).
 *
 * Published for alpha 1.0 at 224x224, 1000 classes: 4.2M parameters and 569M
 * multiply-adds (paper, Table 8). `keras.applications.MobileNet` (the
 * `keras` reference here: convolutions without bias, BN, ReLU6, a 1x1
 * convolution `conv_preds` as the classifier) has 4,231,976 trainable
 * parameters: 4,253,864 in total less 21,888 BN moving means and variances
 * (2 x 10,944 BN channels).
 *
 * The `mlperf-tiny` reference is the MLPerf Tiny visual-wake-words model
 * (mlcommons/tiny `benchmark/training/visual_wake_words/vww_model.py`,
 * commit bceb91c5ad2e2deb295547d81505721d3a87d578, from Silicon Labs'
 * `mobilenet_v1_eembc.py`): alpha 0.25 at 96x96x3 with 2 classes, ReLU instead
 * of ReLU6, convolutions that keep their bias before each BN, and
 * `AveragePooling2D` + `Flatten` + `Dense` as the head. Its int8 file
 * (`trained_models/vww_96_int8.tflite`) holds 210,850 weights and biases
 * with BN folded. Layer names follow Keras's MobileNet in both (`conv1`,
 * `conv_dw_1`, `conv_pw_1`, ..., `conv_pw_13`).
 */
import type { CostCard } from '../card.js';
import { type Block, block, sequential } from '../graph.js';
import { avgPool, conv2d, dense, flatten } from '../layers.js';
import { convBiasBn, depthwiseBiasBn } from './bias-bn.js';
import { convBn, depthwiseBn, type ZooOptions } from './conv-bn.js';

/** Options for `mobileNetV1`. */
export interface MobileNetV1Options extends ZooOptions {
  /** Width multiplier (default 1.0). */
  alpha?: number;
  /** Square input side in pixels (default 224). */
  resolution?: number;
  /** Output classes (default 1000). */
  classes?: number;
  /** Which implementation's layout to follow (default `keras`); see the file header. */
  reference?: 'keras' | 'mlperf-tiny';
}

/** Table 1 after the first conv: pointwise output channels (alpha 1.0) and depthwise stride of each block. */
export const MOBILENET_V1_BLOCKS: readonly { filters: number; stride: number }[] = [
  { filters: 64, stride: 1 },
  { filters: 128, stride: 2 },
  { filters: 128, stride: 1 },
  { filters: 256, stride: 2 },
  { filters: 256, stride: 1 },
  { filters: 512, stride: 2 },
  { filters: 512, stride: 1 },
  { filters: 512, stride: 1 },
  { filters: 512, stride: 1 },
  { filters: 512, stride: 1 },
  { filters: 512, stride: 1 },
  { filters: 1024, stride: 2 },
  { filters: 1024, stride: 1 },
];

/** The MobileNetV1 cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function mobileNetV1(options: MobileNetV1Options = {}): CostCard {
  const alpha = options.alpha ?? 1;
  const resolution = options.resolution ?? 224;
  const classes = options.classes ?? 1000;
  const reference = options.reference ?? 'keras';
  if (!(alpha > 0)) throw new RangeError(`mobileNetV1: alpha must be > 0 (got ${alpha})`);
  const mode = options.batchNorm ?? 'folded';
  const tiny = reference === 'mlperf-tiny';
  const act = tiny ? 'relu' : 'relu6';
  const conv = tiny ? convBiasBn : convBn;
  const depthwise = tiny ? depthwiseBiasBn : depthwiseBn;
  const width = (channels: number) => Math.floor(channels * alpha);
  const blocks: Block[] = MOBILENET_V1_BLOCKS.map(({ filters, stride }, i) =>
    block('conv', [
      ...depthwise({ name: `dw_${i + 1}`, kernel: 3, stride, activation: act }, mode),
      ...conv({ name: `pw_${i + 1}`, filters: width(filters), kernel: 1, activation: act }, mode),
    ]),
  );
  // The last feature map is ceil(resolution / 32) on a side (five stride-2 layers, 'same' padding).
  const side = Math.ceil(resolution / 32);
  const head: Block[] = tiny
    ? [
        avgPool({ name: 'average_pooling2d', pool: side }),
        flatten({ name: 'flatten' }),
        dense({ name: 'dense', units: classes, activation: 'softmax' }),
      ]
    : [
        // Keras pools keeping the 1x1 spatial dimensions, then classifies with a 1x1 convolution.
        avgPool({ name: 'global_average_pooling2d', pool: side }),
        conv2d({ name: 'conv_preds', filters: classes, kernel: 1, activation: 'softmax' }),
      ];
  const name =
    alpha === 1 && resolution === 224 ? 'mobilenet-v1' : `mobilenet-v1-${alpha}-${resolution}`;
  return sequential(
    name,
    [resolution, resolution, 3],
    [
      ...conv({ name: 'conv1', filters: width(32), kernel: 3, stride: 2, activation: act }, mode),
      ...blocks,
      ...head,
    ],
  );
}
