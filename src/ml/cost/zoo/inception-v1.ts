/**
 * Inception v1 (GoogLeNet), 224x224x3 input, ImageNet.
 *
 * Szegedy, Liu, Jia, Sermanet, Reed, Anguelov, Erhan, Vanhoucke, Rabinovich.
 * "Going Deeper with Convolutions." CVPR 2015 (arXiv:1409.4842), Table 1: a
 * 7x7 stride-2 convolution, max pool, 1x1 and 3x3 convolutions, max pool,
 * nine inception modules (3a, 3b, pool, 4a-4e, pool, 5a, 5b), 7x7 average
 * pool and a linear classifier. Each module runs four branches on its input
 * (1x1; 1x1 reduce then 3x3; 1x1 reduce then 5x5; 3x3 max pool then a 1x1
 * projection) and concatenates them along the channels. Published: about
 * 6.8M parameters and 1.5G multiply-adds (the sums of Table 1's columns).
 *
 * `variant: 'paper'` (default) follows Table 1: convolutions with bias, no
 * batch norm (so the `batchNorm` option changes nothing), 1000 classes. The
 * paper's two local response normalisations are left out (no builder layer
 * for them; element-wise, a few operations per element), as are dropout
 * and the auxiliary classifiers, which run only in training.
 * `variant: 'tf-slim'` follows tensorflow/models `research/slim/nets/inception_v1.py`
 * (the network behind the TFLite and Coral `inception_v1_224_quant` files):
 * batch norm after every convolution, 3x3 instead of 5x5 kernels in the third
 * branch, a 2x2 max pool before Mixed_5b, and a 1x1 convolution to 1001
 * classes (background first). torchvision's `googlenet` is the same network
 * with 1000 classes: pytorch/vision `torchvision/models/googlenet.py`
 * (commit 8f19c7dcb5eb239a47836416770cb36475345203) reports 6,624,904
 * parameters (BN scale and shift, convolutions without bias) and 1.498
 * G operations, which it counts as multiply-adds; the card matches both at
 * `classes: 1000`. (Slim's own BN has no scale, so a slim checkpoint stores one
 * parameter per channel fewer.)
 *
 * Table 1's first row (34M operations) is far below what its 7x7 convolution
 * does (112 x 112 x 64 x 147 = 118M multiply-adds); the card counts 118M, so
 * the paper variant comes to 1.583 G multiply-adds and 6,998,552 parameters
 * against the table's 1.5 G and 6.8M. Layer names follow slim in both variants
 * (`Conv2d_1a_7x7`, `Mixed_3b_Branch_1_Conv2d_0b_3x3`, ...), so the paper's
 * module 3a is `Mixed_3b` here.
 */
import type { CostCard } from '../card.js';
import { type Block, block, parallel, sequential } from '../graph.js';
import { avgPool, conv2d, dense, flatten, maxPool } from '../layers.js';
import { convBn, type ZooOptions } from './conv-bn.js';

/** Options for `inceptionV1`. */
export interface InceptionV1Options extends ZooOptions {
  /** Default `paper`; see the file header. */
  variant?: 'paper' | 'tf-slim';
  /** Output classes (default 1000 for `paper`, 1001 for `tf-slim`). */
  classes?: number;
}

/** Table 1's filters per module: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj. */
type ModuleFilters = readonly [number, number, number, number, number, number];

const MIXED_3: readonly ModuleFilters[] = [
  [64, 96, 128, 16, 32, 32],
  [128, 128, 192, 32, 96, 64],
];
const MIXED_4: readonly ModuleFilters[] = [
  [192, 96, 208, 16, 48, 64],
  [160, 112, 224, 24, 64, 64],
  [128, 128, 256, 24, 64, 64],
  [112, 144, 288, 32, 64, 64],
  [256, 160, 320, 32, 128, 128],
];
const MIXED_5: readonly ModuleFilters[] = [
  [256, 160, 320, 32, 128, 128],
  [384, 192, 384, 48, 128, 128],
];

/** The Inception v1 cost card. */
export function inceptionV1(options: InceptionV1Options = {}): CostCard {
  const slim = options.variant === 'tf-slim';
  const mode = options.batchNorm ?? 'folded';
  const conv = (name: string, filters: number, kernel: number, stride = 1): Block[] =>
    slim
      ? convBn({ name, filters, kernel, stride, activation: 'relu' }, mode)
      : [conv2d({ name, filters, kernel, stride, activation: 'relu' })];
  const modules = (stage: number, table: readonly ModuleFilters[]): Block[] =>
    table.map((filters, i) =>
      inception(`Mixed_${stage}${String.fromCharCode(98 + i)}`, filters, slim ? 3 : 5, conv),
    );
  const classes = options.classes ?? (slim ? 1001 : 1000);
  const head: Block[] = slim
    ? [conv2d({ name: 'Logits_Conv2d_0c_1x1', filters: classes, kernel: 1, activation: 'softmax' })]
    : [
        flatten({ name: 'Flatten' }),
        dense({ name: 'Logits', units: classes, activation: 'softmax' }),
      ];
  return sequential(
    slim ? 'inception-v1-tf-slim' : 'inception-v1',
    [224, 224, 3],
    [
      ...conv('Conv2d_1a_7x7', 64, 7, 2),
      maxPool({ name: 'MaxPool_2a_3x3', pool: 3, stride: 2, padding: 'same' }),
      ...conv('Conv2d_2b_1x1', 64, 1),
      ...conv('Conv2d_2c_3x3', 192, 3),
      maxPool({ name: 'MaxPool_3a_3x3', pool: 3, stride: 2, padding: 'same' }),
      ...modules(3, MIXED_3),
      maxPool({ name: 'MaxPool_4a_3x3', pool: 3, stride: 2, padding: 'same' }),
      ...modules(4, MIXED_4),
      slim
        ? maxPool({ name: 'MaxPool_5a_2x2', pool: 2, stride: 2 })
        : maxPool({ name: 'MaxPool_5a_3x3', pool: 3, stride: 2, padding: 'same' }),
      ...modules(5, MIXED_5),
      avgPool({ name: 'AvgPool_0a_7x7', pool: 7 }),
      ...head,
    ],
  );
}

/** One inception module: four branches on the same input, concatenated along the channels. */
function inception(
  name: string,
  [f1, r3, f3, r5, f5, proj]: ModuleFilters,
  wideKernel: number,
  conv: (name: string, filters: number, kernel: number) => Block[],
): Block {
  const wide = `Branch_2_Conv2d_0b_${wideKernel}x${wideKernel}`;
  return block(name, [
    parallel(
      [
        conv('Branch_0_Conv2d_0a_1x1', f1, 1),
        [...conv('Branch_1_Conv2d_0a_1x1', r3, 1), ...conv('Branch_1_Conv2d_0b_3x3', f3, 3)],
        [...conv('Branch_2_Conv2d_0a_1x1', r5, 1), ...conv(wide, f5, wideKernel)],
        [
          maxPool({ name: 'Branch_3_MaxPool_0a_3x3', pool: 3, stride: 1, padding: 'same' }),
          ...conv('Branch_3_Conv2d_0b_1x1', proj, 1),
        ],
      ],
      'concat',
    ),
  ]);
}
