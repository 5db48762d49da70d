/**
 * Inception v3, 299x299x3 input, 1000 ImageNet classes, as torchvision builds
 * it for inference: `inception_v3(weights=IMAGENET1K_V1, transform_input=False)`
 * in eval mode.
 *
 * Szegedy, Vanhoucke, Ioffe, Shlens, Wojna. "Rethinking the Inception
 * Architecture for Computer Vision." CVPR 2016 (arXiv:1512.00567). The layer
 * graph is torchvision's, read from pytorch/vision
 * `torchvision/models/inception.py` (commit d100828ed41ab7c3861e0a350e0340d83986fbde):
 * a stem of five BasicConv2d and two 3x3 stride-2 max pools (299 -> 149 ->
 * 147 -> 147 -> 73 -> 73 -> 71 -> 35), three InceptionA modules at 35x35
 * (Mixed_5b-d), an InceptionB reduction to 17x17 (Mixed_6a), four InceptionC
 * modules with factorised 1x7 / 7x1 convolutions (Mixed_6b-e), an InceptionD
 * reduction to 8x8 (Mixed_7a), two InceptionE modules whose 1x3 and 3x1
 * convolutions run side by side and are concatenated (Mixed_7b, 7c), an
 * adaptive average pool, dropout and a 2048 -> 1000 linear layer. Every
 * BasicConv2d is a convolution without bias, batch norm (eps 0.001) and ReLU;
 * branches are concatenated in torchvision's order. Layer names are
 * torchvision's module names (`Mixed_6b_branch7x7dbl_3`).
 *
 * Left out, as they do nothing at inference: the AuxLogits branch (run only
 * `if self.training`; its 3,326,696 parameters are in torchvision's
 * `num_params`, see the test) and dropout. `transform_input=False`, so no
 * input rescaling layer.
 *
 * Paddings: each convolution takes torchvision's explicit padding (0 by
 * default, 1 on the 3x3s and 2 on the 5x5s that keep the map size; `valid`
 * written out where torchvision strides or shrinks without padding). The
 * builder's numeric padding is the same on both axes, so the factorised
 * convolutions' per-axis paddings (1x7 (0, 3), 7x1 (3, 0), 1x3 (0, 1), 3x1
 * (1, 0)) are written `same`, which at stride 1 pads (k - 1) / 2 on each side
 * of each axis: the same padding, so the same shapes and costs; no new layer
 * option is needed. The average-pool branches (`F.avg_pool2d`, 3x3, stride 1,
 * padding 1, `count_include_pad` left at its default True) keep the map size
 * too; the pool layer counts one operation per window element, padded or not,
 * whatever the divisor.
 *
 * Published: 27,161,264 parameters (`num_params` of
 * `Inception_V3_Weights.IMAGENET1K_V1`, torchvision docs,
 * pytorch.org/vision/stable/models/generated/torchvision.models.inception_v3.html),
 * which count the aux branch, and 5.713 GFLOPS (`_ops` in the same meta, added
 * by pytorch/vision PR #6936; read in a copy of the newer inception.py, as
 * the stored d100828e predates the weights API), which torchvision counts as
 * multiply-adds (as its ResNet-18 figure, 1.81, shows). The figure leaves the
 * aux branch out, as eval mode does: the card's count rounds to 5.713 G;
 * the aux branch's 5,683,200 multiply-adds would make it 5.719 G.
 * With `batchNorm: 'separate'` the card has 23,834,568 parameters (27,161,264
 * less the aux branch's 3,326,696); folded, 23,817,352 (one bias instead of
 * two BN parameters for each of the 17,216 output channels of its 94
 * BasicConv2d). It does 5,713,216,096 multiply-adds.
 */
import type { CostCard } from '../card.js';
import { type Block, block, parallel, sequential } from '../graph.js';
import { avgPool, dense, globalAvgPool, maxPool, type Padding } from '../layers.js';
import { type BatchNormMode, convBn, type ZooOptions } from './conv-bn.js';

/** torchvision's BasicConv2d: conv (no bias) + BN + ReLU, with BN folded or separate. */
type BasicConv = (
  name: string,
  filters: number,
  kernel: number | [number, number],
  padding?: Padding,
  stride?: number,
) => Block[];

/** Options for `inceptionV3`. */
export interface InceptionV3Options extends ZooOptions {
  /**
   * Input height and width (default 299, the paper's and torchvision's
   * weights'). The network runs at any size from 75 up; Qualcomm AI Hub
   * times it at 224 (its `inception_v3` info.yaml: "Input resolution:
   * 224x224"), which gives maps of 25, 12 and 5 instead of 35, 17 and 8.
   */
  resolution?: number;
}

/** The Inception v3 cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function inceptionV3(options: InceptionV3Options = {}): CostCard {
  const conv = basicConv(options.batchNorm ?? 'folded');
  const resolution = options.resolution ?? 299;
  return sequential(
    resolution === 299 ? 'inception-v3' : `inception-v3-${resolution}`,
    [resolution, resolution, 3],
    [
      ...conv('Conv2d_1a_3x3', 32, 3, 'valid', 2),
      ...conv('Conv2d_2a_3x3', 32, 3, 'valid'),
      ...conv('Conv2d_2b_3x3', 64, 3, 1),
      maxPool({ name: 'maxpool1', pool: 3, stride: 2 }),
      ...conv('Conv2d_3b_1x1', 80, 1),
      ...conv('Conv2d_4a_3x3', 192, 3, 'valid'),
      maxPool({ name: 'maxpool2', pool: 3, stride: 2 }),
      inceptionA('Mixed_5b', 32, conv),
      inceptionA('Mixed_5c', 64, conv),
      inceptionA('Mixed_5d', 64, conv),
      inceptionB('Mixed_6a', conv),
      inceptionC('Mixed_6b', 128, conv),
      inceptionC('Mixed_6c', 160, conv),
      inceptionC('Mixed_6d', 160, conv),
      inceptionC('Mixed_6e', 192, conv),
      inceptionD('Mixed_7a', conv),
      inceptionE('Mixed_7b', conv),
      inceptionE('Mixed_7c', conv),
      globalAvgPool({ name: 'avgpool' }),
      dense({ name: 'fc', units: 1000 }),
    ],
  );
}

/** BasicConv2d in the given BN mode; padding defaults to 0, as torchvision's does. */
function basicConv(mode: BatchNormMode): BasicConv {
  return (name, filters, kernel, padding = 0, stride = 1) =>
    convBn({ name, filters, kernel, stride, padding, activation: 'relu' }, mode);
}

/** The 3x3 stride-1 average pool (padding 1) in front of a module's `branch_pool`. */
const avgPool3x3 = (): Block => avgPool({ name: 'avg_pool', pool: 3, stride: 1, padding: 1 });

/** 35x35: 1x1 | 1x1 -> 5x5 | 1x1 -> 3x3 -> 3x3 | avg pool -> 1x1; 224 + `poolFeatures` channels out. */
function inceptionA(name: string, poolFeatures: number, conv: BasicConv): Block {
  return block(name, [
    parallel(
      [
        conv('branch1x1', 64, 1),
        [...conv('branch5x5_1', 48, 1), ...conv('branch5x5_2', 64, 5, 2)],
        [
          ...conv('branch3x3dbl_1', 64, 1),
          ...conv('branch3x3dbl_2', 96, 3, 1),
          ...conv('branch3x3dbl_3', 96, 3, 1),
        ],
        [avgPool3x3(), ...conv('branch_pool', poolFeatures, 1)],
      ],
      'concat',
      { name: 'concat' },
    ),
  ]);
}

/** 35 -> 17: 3x3/2 | 1x1 -> 3x3 -> 3x3/2 | max pool 3x3/2; 384 + 96 + the input's channels out. */
function inceptionB(name: string, conv: BasicConv): Block {
  return block(name, [
    parallel(
      [
        conv('branch3x3', 384, 3, 'valid', 2),
        [
          ...conv('branch3x3dbl_1', 64, 1),
          ...conv('branch3x3dbl_2', 96, 3, 1),
          ...conv('branch3x3dbl_3', 96, 3, 'valid', 2),
        ],
        [maxPool({ name: 'max_pool', pool: 3, stride: 2 })],
      ],
      'concat',
      { name: 'concat' },
    ),
  ]);
}

/** 17x17 with 7x7 factorised into 1x7 and 7x1 at `c7` channels; 4 x 192 = 768 channels out. */
function inceptionC(name: string, c7: number, conv: BasicConv): Block {
  return block(name, [
    parallel(
      [
        conv('branch1x1', 192, 1),
        [
          ...conv('branch7x7_1', c7, 1),
          ...conv('branch7x7_2', c7, [1, 7], 'same'),
          ...conv('branch7x7_3', 192, [7, 1], 'same'),
        ],
        [
          ...conv('branch7x7dbl_1', c7, 1),
          ...conv('branch7x7dbl_2', c7, [7, 1], 'same'),
          ...conv('branch7x7dbl_3', c7, [1, 7], 'same'),
          ...conv('branch7x7dbl_4', c7, [7, 1], 'same'),
          ...conv('branch7x7dbl_5', 192, [1, 7], 'same'),
        ],
        [avgPool3x3(), ...conv('branch_pool', 192, 1)],
      ],
      'concat',
      { name: 'concat' },
    ),
  ]);
}

/** 17 -> 8: 1x1 -> 3x3/2 | 1x1 -> 1x7 -> 7x1 -> 3x3/2 | max pool 3x3/2; 320 + 192 + 768 = 1280 out. */
function inceptionD(name: string, conv: BasicConv): Block {
  return block(name, [
    parallel(
      [
        [...conv('branch3x3_1', 192, 1), ...conv('branch3x3_2', 320, 3, 'valid', 2)],
        [
          ...conv('branch7x7x3_1', 192, 1),
          ...conv('branch7x7x3_2', 192, [1, 7], 'same'),
          ...conv('branch7x7x3_3', 192, [7, 1], 'same'),
          ...conv('branch7x7x3_4', 192, 3, 'valid', 2),
        ],
        [maxPool({ name: 'max_pool', pool: 3, stride: 2 })],
      ],
      'concat',
      { name: 'concat' },
    ),
  ]);
}

/**
 * 8x8: 1x1 | 1x1 -> (1x3, 3x1) | 1x1 -> 3x3 -> (1x3, 3x1) | avg pool -> 1x1,
 * where each pair reads the same map and is concatenated (torchvision's inner
 * `torch.cat`); 320 + 768 + 768 + 192 = 2048 channels out.
 */
function inceptionE(name: string, conv: BasicConv): Block {
  const split = (branch: string, step: number): Block =>
    parallel(
      [
        conv(`${branch}_${step}a`, 384, [1, 3], 'same'),
        conv(`${branch}_${step}b`, 384, [3, 1], 'same'),
      ],
      'concat',
      { name: `${branch}_concat` },
    );
  return block(name, [
    parallel(
      [
        conv('branch1x1', 320, 1),
        [...conv('branch3x3_1', 384, 1), split('branch3x3', 2)],
        [
          ...conv('branch3x3dbl_1', 448, 1),
          ...conv('branch3x3dbl_2', 384, 3, 1),
          split('branch3x3dbl', 3),
        ],
        [avgPool3x3(), ...conv('branch_pool', 192, 1)],
      ],
      'concat',
      { name: 'concat' },
    ),
  ]);
}
