/**
 * RegNetX-3.2GF and RegNetY-800MF as torchvision builds them
 * (`tv_models.regnet_x_3_2gf`, the model Qualcomm AI Hub benchmarks as
 * `regnet`, and `tv_models.regnet_y_800mf`, its `regnet_y_800mf`), 224x224x3
 * input, 1000 ImageNet classes.
 *
 * Radosavovic et al. "Designing Network Design Spaces." CVPR 2020
 * (arXiv:2003.13678). torchvision/models/regnet.py (pytorch/vision, read at
 * 07a929e8b851242b1c75c9016ee06a8e502961d8): each model is
 * `BlockParams.from_init_params(depth, w_0, w_a, w_m, group_width[, se_ratio])`,
 * which quantizes the widths w_0 x w_m^round(log(u_j / w_0) / log w_m),
 * u_j = w_0 + w_a j, to multiples of 8, makes a stage of each run of equal
 * widths, and `_adjust_widths_groups_compatibilty` rounds each stage width
 * with `_make_divisible` to a multiple of its group width.
 * - `regnet_x_3_2gf`: depth 25, w_0 88, w_a 26.31, w_m 2.25, group width 48:
 *   88, 200, 448, 1000 for blocks 0-1, 2-7, 8-22, 23-24, so stages of 2, 6,
 *   15 and 2 blocks, 96, 192, 432, 1008 wide (`stagesOf` below; worked by
 *   hand in test/ml/cost/zoo-more-cards.test.ts).
 * - `regnet_y_800mf`: depth 14, w_0 56, w_a 38.84, w_m 2.4, group width 16,
 *   se_ratio 0.25: 56, 136, 320, 776 for blocks 0, 1-3, 4-11, 12-13, so
 *   stages of 1, 3, 8 and 2 blocks, 64, 144, 320, 784 wide (`stagesOf`;
 *   worked in test/ml/cost/zoo-efficientnet-regnet-y.test.ts).
 * The stem is a 3x3 stride-2 convolution to 32 (`SimpleStemIN`); each
 * `ResBottleneckBlock` is a 1x1 to the stage width, a 3x3 in width / group
 * width groups carrying the stage's stride (first block only), in the Y
 * family squeeze-and-excitation on its output (`f.se`: squeeze channels
 * round(se_ratio x the block's INPUT width), ReLU inside, sigmoid gate), a 1x1
 * without activation, a projection (1x1 at the stride) when the width or the
 * stride changes, the add, then ReLU (bottleneck multiplier 1); the head is
 * global average pooling and Linear(last width, 1000). Convolutions have no
 * bias and are followed by batch norm.
 *
 * Published (`RegNet_X_3_2GF_Weights.IMAGENET1K_V1`, the same file):
 * `num_params` 15,296,552 and `_ops` 3.177. The card counts 15,296,552
 * parameters with BN kept separate and 3,176,621,952 multiply-accumulates.
 * `RegNet_Y_800MF_Weights.IMAGENET1K_V1`: `num_params` 6,432,512 and `_ops`
 * 0.834 (in the newer regnet.py; 0.8 at 07a929e8). The card counts 6,432,512
 * parameters with BN kept separate (6,417,296 folded) and 833,856,256
 * multiply-adds, 840,576 of them in the SE convolutions.
 * Layer names follow torchvision's module paths: `trunk_output.block2.block2-0`
 * is `block2_0`, its 3x3 `block2_0_f_b`, its SE's fc1 `block2_0_f_se_fc1`.
 */
import type { CostCard } from '../card.js';
import { type Block, block, residual, sequential } from '../graph.js';
import { dense, globalAvgPool } from '../layers.js';
import { type BatchNormMode, convBn, makeDivisible, type ZooOptions } from './conv-bn.js';
import { squeezeExcitation } from './squeeze-excitation.js';

/** A RegNet's design parameters: torchvision's `BlockParams.from_init_params` arguments. */
interface RegNetDesign {
  name: string;
  /** Blocks in all (`depth`). */
  depth: number;
  /** Initial width, slope and multiplier of the linear widths (`w_0`, `w_a`, `w_m`). */
  w0: number;
  wa: number;
  wm: number;
  /** Channels a group of each 3x3 convolution sees. */
  groupWidth: number;
  /** SE squeeze as a fraction of each block's input width (RegNetY); absent: no SE (RegNetX). */
  seRatio?: number;
}

const X_3_2GF: RegNetDesign = {
  name: 'regnet-x-3.2gf',
  depth: 25,
  w0: 88,
  wa: 26.31,
  wm: 2.25,
  groupWidth: 48,
};

const Y_800MF: RegNetDesign = {
  name: 'regnet-y-800mf',
  depth: 14,
  w0: 56,
  wa: 38.84,
  wm: 2.4,
  groupWidth: 16,
  seRatio: 0.25,
};

/**
 * The stages `from_init_params` makes: block j's width u_j = w_0 + w_a j,
 * quantized to w_0 x w_m^round(log(u_j / w_0) / log w_m) and to a multiple
 * of 8; each run of equal widths is a stage, whose width
 * `_adjust_widths_groups_compatibilty` rounds to a multiple of the group
 * width (bottleneck multiplier 1). numpy rounds halves to even where
 * Math.round rounds them up; neither design meets a half.
 */
function stagesOf(design: RegNetDesign): { width: number; blocks: number }[] {
  const { depth, w0, wa, wm, groupWidth } = design;
  const stages: { width: number; blocks: number }[] = [];
  for (let j = 0; j < depth; j++) {
    const k = Math.round(Math.log((w0 + wa * j) / w0) / Math.log(wm));
    const width = 8 * Math.round((w0 * wm ** k) / 8);
    const last = stages.at(-1);
    if (last?.width === width) last.blocks++;
    else stages.push({ width, blocks: 1 });
  }
  return stages.map(({ width, blocks }) => ({
    width: makeDivisible(width, Math.min(groupWidth, width)),
    blocks,
  }));
}

const STEM = 32;

/** The RegNetX-3.2GF cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function regNetX32gf(options: ZooOptions = {}): CostCard {
  return regNet(X_3_2GF, options);
}

/** The RegNetY-800MF cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function regNetY800mf(options: ZooOptions = {}): CostCard {
  return regNet(Y_800MF, options);
}

function regNet(design: RegNetDesign, options: ZooOptions): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const stages = stagesOf(design);
  const blocks = stages.flatMap(({ width, blocks: count }, s) =>
    Array.from({ length: count }, (_, i) => {
      const input = i > 0 ? width : (stages[s - 1]?.width ?? STEM);
      return bottleneck(`block${s + 1}_${i}`, input, width, i === 0 ? 2 : 1, design, mode);
    }),
  );
  return sequential(
    design.name,
    [224, 224, 3],
    [
      ...convBn({ name: 'stem', filters: STEM, kernel: 3, stride: 2, activation: 'relu' }, mode),
      ...blocks,
      globalAvgPool({ name: 'avgpool' }),
      dense({ name: 'fc', units: 1000 }),
    ],
  );
}

/** `ResBottleneckBlock`: 1x1, grouped 3x3 at the stride, [SE,] 1x1, added to the input (projected when its shape changes), then ReLU. */
function bottleneck(
  name: string,
  input: number,
  width: number,
  stride: number,
  design: RegNetDesign,
  mode: BatchNormMode,
): Block {
  const { groupWidth, seRatio } = design;
  // torchvision's `f.se`, nested so its layers are named `f_se_*`.
  const se =
    seRatio === undefined
      ? []
      : [
          block('f', [
            squeezeExcitation({
              channels: width,
              squeeze: Math.round(seRatio * input),
              activation: 'relu',
              gate: 'sigmoid',
            }),
          ]),
        ];
  const main = [
    ...convBn({ name: 'f_a', filters: width, kernel: 1, activation: 'relu' }, mode),
    ...convBn(
      {
        name: 'f_b',
        filters: width,
        kernel: 3,
        stride,
        groups: width / groupWidth,
        activation: 'relu',
      },
      mode,
    ),
    ...se,
    ...convBn({ name: 'f_c', filters: width, kernel: 1 }, mode),
  ];
  const shortcut =
    input !== width || stride !== 1
      ? convBn({ name: 'proj', filters: width, kernel: 1, stride }, mode)
      : [];
  return block(name, [residual(main, { shortcut, name: 'add', activation: 'relu' })]);
}
