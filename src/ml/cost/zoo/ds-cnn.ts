/**
 * DS-CNN (small) for keyword spotting: the MLPerf Tiny keyword spotting
 * reference model, on 49x10x1 MFCC features (49 frames of 10 coefficients:
 * 1 s at 16 kHz, 30 ms windows every 20 ms), 12 classes.
 *
 * Zhang, Suda, Lai, Chandra. "Hello Edge: Keyword Spotting on
 * Microcontrollers." arXiv:1711.07128 (2017). As built by mlcommons/tiny
 * `benchmark/training/keyword_spotting/keras_model.py`, `ds_cnn` (commit
 * bceb91c5ad2e2deb295547d81505721d3a87d578; input size from the defaults in
 * `kws_util.py`): a 10x4 stride-2 convolution with 64 filters, four
 * depthwise-separable blocks (3x3 depthwise, 1x1 pointwise, 64 channels), a
 * 24x5 average pool (`int(49 / 2)` by `int(10 / 2)`, over the 25x5 map), flatten and
 * a dense softmax; every layer keeps its bias before its BN, all ReLU.
 * Dropout costs nothing at inference and is left out.
 *
 * The benchmark's model file `trained_models/kws_ref_model.tflite`
 * (mlcommons/tiny commit 1afd2c9820f795965a6134facd0b4dfae41ef23f) holds
 * 22,604 weights and biases with BN folded (read from the file): the card
 * folded. Keras's `model.summary()` counts 23,756 trainable parameters (plus
 * 1,152 BN moving means and variances). The 38.6K parameters often quoted
 * are Hello Edge's own DS-CNN small, not this model. 2,656,768 MACs (counted
 * here; about 2.7 M).
 */
import type { CostCard } from '../card.js';
import { type Block, sequential } from '../graph.js';
import { avgPool, dense, flatten } from '../layers.js';
import { convBiasBn, depthwiseBiasBn } from './bias-bn.js';
import type { ZooOptions } from './conv-bn.js';

/** The DS-CNN cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function dsCnn(options: ZooOptions = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const filters = 64;
  const separable: Block[] = [];
  for (let i = 0; i < 4; i++) {
    separable.push(
      ...depthwiseBiasBn(
        { name: suffixed('depthwise_conv2d', i), kernel: 3, activation: 'relu' },
        mode,
      ),
      ...convBiasBn(
        { name: suffixed('conv2d', i + 1), filters, kernel: 1, activation: 'relu' },
        mode,
      ),
    );
  }
  return sequential(
    'ds-cnn',
    [49, 10, 1],
    [
      ...convBiasBn(
        { name: 'conv2d', filters, kernel: [10, 4], stride: 2, activation: 'relu' },
        mode,
      ),
      ...separable,
      avgPool({ name: 'average_pooling2d', pool: [24, 5] }),
      flatten({ name: 'flatten' }),
      dense({ name: 'dense', units: 12, activation: 'softmax' }),
    ],
  );
}

/** Keras's automatic names: `conv2d`, `conv2d_1`, ... */
function suffixed(base: string, n: number): string {
  return n === 0 ? base : `${base}_${n}`;
}
