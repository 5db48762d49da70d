/**
 * RegNetX-3.2GF as torchvision builds it (`tv_models.regnet_x_3_2gf`, the
 * model Qualcomm AI Hub benchmarks as `regnet`), 224x224x3 input, 1000
 * ImageNet classes.
 *
 * Radosavovic et al. "Designing Network Design Spaces." CVPR 2020
 * (arXiv:2003.13678). torchvision/models/regnet.py (pytorch/vision):
 * `regnet_x_3_2gf` is `BlockParams.from_init_params(depth=25, w_0=88,
 * w_a=26.31, w_m=2.25, group_width=48)`, which quantizes the widths
 * w_0 x w_m^round(log(u_j / w_0) / log w_m), u_j = w_0 + w_a j, to multiples of
 * 8 (88, 200, 448, 1000 for blocks 0-1, 2-7, 8-22, 23-24), so four stages of
 * 2, 6, 15 and 2 blocks, and `_adjust_widths_groups_compatibilty` rounds each
 * width to a multiple of its group width 48: 96, 192, 432, 1008 (the
 * arithmetic is in test/ml/cost/zoo-more-cards.test.ts). The stem is a 3x3
 * stride-2 convolution to 32 (`SimpleStemIN`); each `ResBottleneckBlock` is
 * a 1x1 to the stage width, a 3x3 in width / 48 groups carrying the stage's
 * stride (first block only), a 1x1 without activation, a projection (1x1 at
 * the stride) when the width or the stride changes, the add, then ReLU
 * (bottleneck multiplier 1, no squeeze-and-excitation in the X family); the
 * head is global average pooling and Linear(1008, 1000). Convolutions have no
 * bias and are followed by batch norm.
 *
 * Published (`RegNet_X_3_2GF_Weights.IMAGENET1K_V1`, the same file):
 * `num_params` 15,296,552 and `_ops` 3.177. The card counts 15,296,552
 * parameters with BN kept separate and 3,176,621,952 multiply-accumulates.
 * Layer names follow torchvision's module paths: `trunk_output.block2.block2-0`
 * is `block2_0`, its 3x3 `block2_0_f_b`.
 */
import type { CostCard } from '../card.js';
import { type Block, block, residual, sequential } from '../graph.js';
import { dense, globalAvgPool } from '../layers.js';
import { type BatchNormMode, convBn, type ZooOptions } from './conv-bn.js';

/** Each stage's width and blocks, after torchvision's quantization and group adjustment. */
const STAGES: readonly { width: number; blocks: number }[] = [
  { width: 96, blocks: 2 },
  { width: 192, blocks: 6 },
  { width: 432, blocks: 15 },
  { width: 1008, blocks: 2 },
];

/** Channels a group of each 3x3 convolution sees. */
const GROUP_WIDTH = 48;

const STEM = 32;

/** The RegNetX-3.2GF cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function regNetX32gf(options: ZooOptions = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const blocks = STAGES.flatMap(({ width, blocks: count }, s) =>
    Array.from({ length: count }, (_, i) => {
      const input = i > 0 ? width : (STAGES[s - 1]?.width ?? STEM);
      return bottleneck(`block${s + 1}_${i}`, input, width, i === 0 ? 2 : 1, mode);
    }),
  );
  return sequential(
    'regnet-x-3.2gf',
    [224, 224, 3],
    [
      ...convBn({ name: 'stem', filters: STEM, kernel: 3, stride: 2, activation: 'relu' }, mode),
      ...blocks,
      globalAvgPool({ name: 'avgpool' }),
      dense({ name: 'fc', units: 1000 }),
    ],
  );
}

/** `ResBottleneckBlock`: 1x1, grouped 3x3 at the stride, 1x1, added to the input (projected when its shape changes), then ReLU. */
function bottleneck(
  name: string,
  input: number,
  width: number,
  stride: number,
  mode: BatchNormMode,
): Block {
  const main = [
    ...convBn({ name: 'f_a', filters: width, kernel: 1, activation: 'relu' }, mode),
    ...convBn(
      {
        name: 'f_b',
        filters: width,
        kernel: 3,
        stride,
        groups: width / GROUP_WIDTH,
        activation: 'relu',
      },
      mode,
    ),
    ...convBn({ name: 'f_c', filters: width, kernel: 1 }, mode),
  ];
  const shortcut =
    input !== width || stride !== 1
      ? convBn({ name: 'proj', filters: width, kernel: 1, stride }, mode)
      : [];
  return block(name, [residual(main, { shortcut, name: 'add', activation: 'relu' })]);
}
