/**
 * ResNet-18, 224x224x3 input, 1000 ImageNet classes.
 *
 * He, Zhang, Ren, Sun. "Deep Residual Learning for Image Recognition." CVPR
 * 2016 (arXiv:1512.03385), Table 1: basic blocks of two 3x3 convolutions,
 * [2, 2, 2, 2] of them at 64, 128, 256 and 512 filters; a stage's first
 * block strides by 2 on its first 3x3 and projects its shortcut with a
 * strided 1x1 (conv3-conv5).
 *
 * Variant `torchvision` (default; pytorch/vision `torchvision/models/resnet.py`)
 * projects only where the shape changes. Variant `caffe`, the model of ncnn's
 * benchmark (Tencent/ncnn `benchmark/models/resnet18.param`, layers
 * `res2a_branch1` ... `fc1000`), projects conv2's first block too (a 1x1 of 64
 * to 64 filters: 4,160 parameters and 12.8 M multiply-adds more).
 *
 * Published: 11,689,512 parameters (torchvision, BN scale and shift,
 * convolutions without bias) and 1.81 G multiply-adds (torchvision's model
 * card, "GFLOPS"); the card matches both with `batchNorm: 'separate'`.
 *
 * `depth: 34` stacks [3, 4, 6, 3] basic blocks (Table 1): torchvision's
 * `resnet34` (pytorch/vision torchvision/models/resnet.py at
 * f50e776b051ddf007b90d7bc8f70b0708c12d008: `_resnet('resnet34', BasicBlock,
 * [3, 4, 6, 3], ...)`), 21,797,672 parameters with BN separate and
 * 3,663,761,408 multiply-adds: `ResNet34_Weights.IMAGENET1K_V1` has
 * `num_params` 21797672 and `_ops` 3.664 (the weights' meta, read in an
 * indexed copy of the current resnet.py whose commit was not given; the model
 * page, pytorch.org/vision/stable/models/generated/torchvision.models.resnet34,
 * shows 21797672 and GFLOPS 3.66).
 */
import type { CostCard } from '../card.js';
import { type Block, block, residual } from '../graph.js';
import { type BatchNormMode, convBn, type ZooOptions } from './conv-bn.js';
import { resNet } from './resnet-50.js';

/** Options for `resNet18`. */
export interface ResNet18Options extends ZooOptions {
  /** Which shortcuts are projected; default `torchvision`. */
  variant?: 'torchvision' | 'caffe';
  /** 18 (default) or 34 layers: see `BLOCKS`. */
  depth?: 18 | 34;
}

/** Filters of conv2..conv5. */
const WIDTHS = [64, 128, 256, 512] as const;

/** Basic blocks in conv2..conv5 for each depth (the paper's Table 1). */
const BLOCKS: Readonly<Record<18 | 34, readonly number[]>> = {
  18: [2, 2, 2, 2],
  34: [3, 4, 6, 3],
};

/** The ResNet-18 (or -34) cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function resNet18(options: ResNet18Options = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const caffe = options.variant === 'caffe';
  const depth = options.depth ?? 18;
  const counts = BLOCKS[depth];
  if (counts === undefined) throw new RangeError(`resNet18: depth must be 18 or 34 (got ${depth})`);
  const blocks: Block[] = WIDTHS.flatMap((width, s) =>
    Array.from({ length: counts[s] ?? 0 }, (_, i) => {
      const stride = i === 0 && s > 0 ? 2 : 1;
      const project = i === 0 && (s > 0 || caffe);
      return basic(`conv${s + 2}_block${i + 1}`, width, stride, project, mode);
    }),
  );
  return resNet(`resnet-${depth}${caffe ? '-caffe' : ''}`, 224, blocks, mode);
}

/** 3x3 -> 3x3, added to the input (projected by a 1x1 where asked), then ReLU. */
function basic(
  name: string,
  width: number,
  stride: number,
  project: boolean,
  mode: BatchNormMode,
): Block {
  const main = [
    ...convBn(
      { name: '1_conv', filters: width, kernel: 3, stride, padding: 1, activation: 'relu' },
      mode,
    ),
    ...convBn({ name: '2_conv', filters: width, kernel: 3, padding: 1 }, mode),
  ];
  const shortcut = project
    ? convBn({ name: '0_conv', filters: width, kernel: 1, stride, padding: 0 }, mode)
    : [];
  return block(name, [residual(main, { shortcut, name: 'add', activation: 'relu' })]);
}
