/**
 * ResNet-50, 224x224x3 input, 1000 ImageNet classes.
 *
 * He, Zhang, Ren, Sun. "Deep Residual Learning for Image Recognition." CVPR
 * 2016 (arXiv:1512.03385), Table 1, bottleneck blocks [3, 4, 6, 3].
 *
 * Variant `v1.5` (default; torchvision's `resnet50` and the model MLPerf
 * Inference benchmarks) puts a down-sampling block's stride on its 3x3
 * convolution; `v1` (the paper, Caffe, `keras.applications.ResNet50`) puts it
 * on the first 1x1. Parameters are the same; v1.5 does about 6% more MACs.
 *
 * Published: 25,557,032 parameters (torchvision: convolutions without bias,
 * BN scale and shift, the classifier with bias); 3.8 G multiply-adds for v1
 * (paper, "FLOPs"), 4.09 G for v1.5 (torchvision model card, "GFLOPS").
 * `depth: 101` stacks [3, 4, 23, 3] blocks (Table 1): torchvision's
 * `resnet101`, 44,549,160 parameters and 7.80 G multiply-adds. `depth: 152`
 * stacks [3, 8, 36, 3] (Table 1): torchvision's `resnet152` (pytorch/vision
 * torchvision/models/resnet.py at f50e776b051ddf007b90d7bc8f70b0708c12d008:
 * `_resnet('resnet152', Bottleneck, [3, 8, 36, 3], ...)`), 60,192,808
 * parameters and 11,513,626,624 multiply-adds: `ResNet152_Weights.IMAGENET1K_V1`
 * has `num_params` 60192808 and `_ops` 11.514 (the weights' meta, read in an
 * indexed copy of the current resnet.py whose commit was not given; the model
 * page, pytorch.org/vision/stable/models/generated/torchvision.models.resnet152.html,
 * shows 60192808 and GFLOPS 11.51). `widen: 2` is
 * Wide ResNet-50-2 (Zagoruyko and Komodakis, BMVC 2016, arXiv:1605.07146, as
 * torchvision's `wide_resnet50_2` builds it: each bottleneck's 1x1 and 3x3
 * twice as wide, its output unchanged), 68,883,240 parameters and 11.40 G.
 * `groups` splits each bottleneck's 3x3 into that many channel groups:
 * ResNeXt (Xie et al., CVPR 2017, arXiv:1611.05431), as torchvision builds
 * it (torchvision/models/resnet.py: `Bottleneck` width = planes x
 * width_per_group / 64 x groups, `conv2` with `groups`), so `resnext50_32x4d`
 * is `groups: 32, widen: 2` and `resnext101_32x8d` is `depth: 101, groups: 32,
 * widen: 4`: 25,028,904 and 88,791,336 parameters, 4.23 G and 16.41 G
 * multiply-adds (torchvision's `num_params` and `_ops` for their weights).
 * Layer names follow Keras (`conv2_block1_1_conv`, `conv2_block1_add`).
 */
import type { CostCard } from '../card.js';
import { type Block, block, residual, sequential } from '../graph.js';
import { dense, globalAvgPool, maxPool } from '../layers.js';
import { type BatchNormMode, convBn, type ZooOptions } from './conv-bn.js';

/** Options for `resNet50`. */
export interface ResNet50Options extends ZooOptions {
  /** Where a down-sampling block strides; default `v1.5`. */
  variant?: 'v1' | 'v1.5';
  /** Input side in pixels; default 224 (Coral's benchmark runs 299). */
  resolution?: number;
  /** 50 (default), 101 or 152 layers: see `BLOCKS`. */
  depth?: 50 | 101 | 152;
  /** Width of each bottleneck's inner convolutions, as a multiple; default 1. */
  widen?: number;
  /** Channel groups of each bottleneck's 3x3 convolution (ResNeXt's cardinality); default 1. */
  groups?: number;
}

/** Stages conv2..conv5: bottleneck width and stride of the first block. */
const STAGES: readonly { width: number; stride: number }[] = [
  { width: 64, stride: 1 },
  { width: 128, stride: 2 },
  { width: 256, stride: 2 },
  { width: 512, stride: 2 },
];

/** Bottlenecks in conv2..conv5 for each depth (the paper's Table 1). */
const BLOCKS: Readonly<Record<50 | 101 | 152, readonly number[]>> = {
  50: [3, 4, 6, 3],
  101: [3, 4, 23, 3],
  152: [3, 8, 36, 3],
};

/** The ResNet-50 cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function resNet50(options: ResNet50Options = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const variant = options.variant ?? 'v1.5';
  const depth = options.depth ?? 50;
  const widen = options.widen ?? 1;
  const groups = options.groups ?? 1;
  const network: Network = { variant, mode, groups };
  const blocks: Block[] = [];
  const counts = BLOCKS[depth];
  if (counts === undefined)
    throw new RangeError(`resNet50: depth must be 50, 101 or 152 (got ${depth})`);
  STAGES.forEach(({ width, stride }, s) => {
    for (let i = 0; i < (counts[s] ?? 0); i++) {
      const first = i === 0;
      const shape = { width: widen * width, out: 4 * width, stride: first ? stride : 1 };
      blocks.push(bottleneck(`conv${s + 2}_block${i + 1}`, { ...shape, project: first }, network));
    }
  });
  const name =
    groups > 1
      ? `resnext-${depth}-${groups}x${(64 * widen) / groups}d`
      : widen === 1
        ? `resnet-${depth}`
        : `wide-resnet-${depth}-${widen}`;
  return resNet(name, options.resolution ?? 224, blocks, mode);
}

/**
 * A ResNet around its blocks: the stem (7x7 stride-2 convolution, 3x3
 * stride-2 max pool) and the head (global average pool, 1000-way dense).
 */
export function resNet(
  name: string,
  side: number,
  blocks: readonly Block[],
  mode: BatchNormMode,
): CostCard {
  return sequential(
    name,
    [side, side, 3],
    [
      ...convBn(
        { name: 'conv1_conv', filters: 64, kernel: 7, stride: 2, padding: 3, activation: 'relu' },
        mode,
      ),
      maxPool({ name: 'pool1_pool', pool: 3, stride: 2, padding: 1 }),
      ...blocks,
      globalAvgPool({ name: 'avg_pool' }),
      dense({ name: 'predictions', units: 1000, activation: 'softmax' }),
    ],
  );
}

/** What every bottleneck of one network shares. */
interface Network {
  variant: 'v1' | 'v1.5';
  mode: BatchNormMode;
  /** Channel groups of the 3x3 convolution. */
  groups: number;
}

/** One bottleneck: its inner width, output channels, stride, and whether its shortcut projects. */
interface BottleneckShape {
  width: number;
  out: number;
  stride: number;
  project: boolean;
}

/** 1x1 reduce -> 3x3 (in `groups` channel groups) -> 1x1 expand to `out`, added to the input (projected by a 1x1 in a stage's first block), then ReLU. */
function bottleneck(
  name: string,
  { width, out, stride, project }: BottleneckShape,
  { variant, mode, groups }: Network,
): Block {
  const [stride1, stride3] = variant === 'v1' ? [stride, 1] : [1, stride];
  const main = [
    ...convBn(
      {
        name: '1_conv',
        filters: width,
        kernel: 1,
        stride: stride1,
        padding: 0,
        activation: 'relu',
      },
      mode,
    ),
    ...convBn(
      {
        name: '2_conv',
        filters: width,
        kernel: 3,
        stride: stride3,
        padding: 1,
        groups,
        activation: 'relu',
      },
      mode,
    ),
    ...convBn({ name: '3_conv', filters: out, kernel: 1, padding: 0 }, mode),
  ];
  const shortcut = project
    ? convBn({ name: '0_conv', filters: out, kernel: 1, stride, padding: 0 }, mode)
    : [];
  return block(name, [residual(main, { shortcut, name: 'add', activation: 'relu' })]);
}
