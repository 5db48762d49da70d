/**
 * ResNet-8 for CIFAR-10 (32x32x3, 10 classes): the MLPerf Tiny image
 * classification reference model.
 *
 * mlcommons/tiny `benchmark/training/image_classification/keras_model.py`,
 * `resnet_v1_eembc` (commit bceb91c5ad2e2deb295547d81505721d3a87d578): a 3x3
 * convolution with 16 filters, then three stacks of two 3x3 convolutions
 * (16, 32 and 64 filters; the second and third stacks stride 2 and project
 * their shortcut with a strided 1x1 convolution that has no BN), each joined
 * to its input by an add and a ReLU; an 8x8 average pool, flatten and a
 * dense softmax. A ResNet v1 (He et al. 2016, arXiv:1512.03385) cut to three
 * stacks. Every convolution keeps its bias before its BN (Keras's default).
 *
 * The benchmark's model file `trained_models/pretrainedResnet_quant.tflite`
 * (mlcommons/tiny commit 1afd2c9820f795965a6134facd0b4dfae41ef23f) holds
 * 77,706 weights and biases with BN folded (read from the file): the card
 * folded. Keras's `model.summary()` counts 78,186 trainable parameters (plus
 * 480 BN moving means and variances). Later revisions of `keras_model.py`
 * take the first stack's width as `conv_filters` (26 by default in 2026, and
 * 40 in `pretrainedResnet_large`); the benchmark file still has 16, the
 * default here. Layer names are Keras's automatic ones, in creation order.
 */
import type { CostCard } from '../card.js';
import { type Block, residual, sequential } from '../graph.js';
import { avgPool, conv2d, dense, flatten } from '../layers.js';
import { convBiasBn } from './bias-bn.js';
import type { BatchNormMode, ZooOptions } from './conv-bn.js';

/** Options for `resNet8`. */
export interface ResNet8Options extends ZooOptions {
  /** Filters of the first stack, doubled in each of the next two (default 16). */
  filters?: number;
}

/** The ResNet-8 cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function resNet8(options: ResNet8Options = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const filters = options.filters ?? 16;
  const names = new KerasNames();
  return sequential(
    'resnet-8',
    [32, 32, 3],
    [
      ...convBiasBn({ name: names.conv(), filters, kernel: 3, activation: 'relu' }, mode),
      stack(names, filters, 1, mode),
      stack(names, 2 * filters, 2, mode),
      stack(names, 4 * filters, 2, mode),
      avgPool({ name: 'average_pooling2d', pool: 8 }),
      flatten({ name: 'flatten' }),
      dense({ name: 'dense', units: 10, activation: 'softmax' }),
    ],
  );
}

/** Two 3x3 convolutions added to the input (projected by a strided 1x1 when the stack strides), then ReLU. */
function stack(names: KerasNames, filters: number, stride: number, mode: BatchNormMode): Block {
  const main = [
    ...convBiasBn({ name: names.conv(), filters, kernel: 3, stride, activation: 'relu' }, mode),
    ...convBiasBn({ name: names.conv(), filters, kernel: 3 }, mode),
  ];
  const shortcut = stride === 1 ? [] : [conv2d({ name: names.conv(), filters, kernel: 1, stride })];
  return residual(main, { shortcut, name: names.add(), activation: 'relu' });
}

/** Keras's automatic layer names: `conv2d`, `conv2d_1`, ...; `add`, `add_1`, ... */
class KerasNames {
  private convs = 0;
  private adds = 0;

  conv(): string {
    return suffixed('conv2d', this.convs++);
  }

  add(): string {
    return suffixed('add', this.adds++);
  }
}

function suffixed(base: string, n: number): string {
  return n === 0 ? base : `${base}_${n}`;
}
