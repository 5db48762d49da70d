/**
 * ResNet V2 (pre-activation) as TF-slim builds it: `resnet_v2_50` and
 * `resnet_v2_152`, 299x299x3 input by default, 1001 classes.
 *
 * He, Zhang, Ren, Sun. "Identity Mappings in Deep Residual Networks." ECCV
 * 2016 (arXiv:1603.05027), Fig. 1(b) and the appendix. Read from
 * tensorflow/models `research/slim/nets/resnet_v2.py` (commit
 * 03cdc5fecfb6c7d30845e6990a6d346b3acbfeb8) and `resnet_utils.py` (commit
 * 48251730feb72808545efa5efe68f3f90261b3f0):
 * - root: `conv2d_same(net, 64, 7, stride=2)` with a bias and no batch norm
 *   or activation ("the first ResNet unit will perform these"), then a 3x3
 *   stride-2 max pool, padding 'SAME' (`resnet_arg_scope`);
 * - `resnet_v2_block` puts a block's stride on its LAST unit; blocks 1-3
 *   stride 2, block 4 stride 1; 50 is [3, 4, 6, 3] units of bottleneck width
 *   64, 128, 256, 512, 152 is [3, 8, 36, 3];
 * - `bottleneck`: `preact` = batch norm + ReLU of the unit's input. The
 *   shortcut is a 1x1 convolution of `preact` (with the unit's stride, a bias,
 *   no normalizer) when the output depth (4 x width) differs from the input's,
 *   which is in each block's first unit; otherwise `subsample` of the input
 *   (itself, or a 1x1 max pool with the stride). The residual is 1x1 (BN,
 *   ReLU), 3x3 `conv2d_same` with the unit's stride (BN, ReLU), 1x1 to the
 *   output depth with a bias and no normalizer; their sum is the output, with
 *   no activation;
 * - `postnorm` (batch norm + ReLU) after the last block, global average pool,
 *   and `logits`, a 1x1 convolution with a bias (here a dense layer: the map is
 *   1x1 then), softmax. TF-slim's ImageNet checkpoints have 1001 classes (its
 *   README: only "the VGG and ResNet V1 final layers have only 1000 outputs
 *   rather than 1001"; fine-tuning replaces "[2048 x 1001]" logits), and the
 *   README (research/slim/README.md at 6d14464e699184e7b0e0059edeb92a784eae1e92)
 *   says "ResNet V2 models use Inception pre-processing and input image size
 *   of 299". Coral's benchmark rows "ResNet-50 V2 (299x299)" and "ResNet-152
 *   V2 (299x299)" are these models; the Coral .tflite files were not read.
 *
 * Sides at 299: conv1 (7x7, stride 2, padded 3 each side) 150; pool1 (SAME)
 * 75; block 1 ends at 38, block 2 at 19, block 3 at 10; block 4 and the final
 * map 10x10x2048. At 224: 112, 56, 28, 14, 7, 7. A stride-2 `conv2d_same` pads
 * (k - 1) / 2 on each side before a VALID convolution, which the card writes as
 * that numeric padding (TFLite runs the pad as its own PAD op; the card does
 * not count it).
 *
 * Batch norm. The BN after each unit's conv1 and conv2 follows its convolution
 * directly and folds into it, as in `conv-bn.ts`. `preact` and `postnorm`
 * cannot fold: a ReLU sits between them and the next convolution, and the
 * map they normalise is also read unnormalised (the identity shortcut of the
 * same unit) or by two convolutions at once (conv1 and the projection), while
 * the layer that made it (the previous unit's add) is not a convolution. As
 * `densenet.ts` does with its unfoldable BNs, the card keeps them as
 * `batchNorm` layers (scale and shift, ReLU fused) in both modes: 16 + 1 for
 * 50, 50 + 1 for 152.
 *
 * Parameters, worked by hand (BN separate: gamma and beta per channel; the
 * moving mean and variance are buffers). Per unit of width w reading c
 * channels: 2c (preact) + c w + 2w (conv1) + 9 w^2 + 2w (conv2) + 4 w^2 + 4w
 * (conv3), plus 4 w c + 4w for a projection. `resnet_v2_50`: conv1 9,472;
 * blocks 215,936, 1,220,608, 7,102,464, 14,966,784; postnorm 4,096; logits
 * 2048 x 1001 + 1001 = 2,051,049; total 25,570,409 (25,562,857 folded: the
 * 7,552 channels of conv1/conv2 BNs keep one bias each). `resnet_v2_152`:
 * blocks 2 and 3 are 2,342,912 and 40,648,704; total 60,238,953 (60,215,017
 * folded, 23,936 channels). With 1000 classes these are 25,568,360 and
 * 60,236,904, which are Keras's trainable counts for ResNet50V2 and
 * ResNet152V2; Keras's published totals, 25,613,800 ("25.6M") and 60,380,648
 * (keras.io/api/applications table, read in indexed copies), add each BN's
 * moving mean and variance (2 x 22,720 and 2 x 71,872 BN channels), which
 * suggests Keras's V2 is TF-slim's architecture (its source was not read).
 *
 * Multiply-adds at 299 (worked by hand, see the tests): 6,536,213,248 for 50
 * and 20,210,823,936 for 152. No published figure for these at 299 was found.
 * Layer names follow TF-slim's scopes without `bottleneck_v2`:
 * `block1_unit_3_conv2` is `resnet_v2_50/block1/unit_3/bottleneck_v2/conv2`.
 */
import type { CostCard } from '../card.js';
import { type Block, block, residual, sequential } from '../graph.js';
import { batchNorm, conv2d, dense, globalAvgPool, maxPool } from '../layers.js';
import { type BatchNormMode, convBn, type ZooOptions } from './conv-bn.js';

/** Options for `resNetV2`. */
export interface ResNetV2Options extends ZooOptions {
  /** 50 (default) or 152 layers: see `UNITS`. */
  depth?: 50 | 152;
  /** Input side in pixels; default 299 (TF-slim's checkpoints and Coral's files). */
  resolution?: number;
}

/** Blocks 1-4: bottleneck width and the stride of the block's last unit. */
const BLOCKS: readonly { width: number; stride: number }[] = [
  { width: 64, stride: 2 },
  { width: 128, stride: 2 },
  { width: 256, stride: 2 },
  { width: 512, stride: 1 },
];

/** Units in blocks 1-4 for each depth (`resnet_v2_50`, `resnet_v2_152`). */
const UNITS: Readonly<Record<50 | 152, readonly number[]>> = {
  50: [3, 4, 6, 3],
  152: [3, 8, 36, 3],
};

/** ImageNet's 1000 classes and TF-slim's background class. */
const CLASSES = 1001;

/** The TF-slim ResNet V2 cost card (see above for which BNs fold). */
export function resNetV2(options: ResNetV2Options = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const depth = options.depth ?? 50;
  const side = options.resolution ?? 299;
  const counts = UNITS[depth];
  if (counts === undefined)
    throw new RangeError(`resNetV2: depth must be 50 or 152 (got ${depth})`);
  const units: Block[] = [];
  let channels = 64;
  BLOCKS.forEach(({ width, stride }, b) => {
    const count = counts[b] ?? 0;
    for (let i = 0; i < count; i++) {
      const unitStride = i === count - 1 ? stride : 1;
      const project = channels !== 4 * width;
      units.push(unit(`block${b + 1}_unit_${i + 1}`, { width, stride: unitStride, project }, mode));
      channels = 4 * width;
    }
  });
  const name = side === 224 ? `resnet-${depth}-v2` : `resnet-${depth}-v2-${side}`;
  return sequential(
    name,
    [side, side, 3],
    [
      conv2d({ name: 'conv1', filters: 64, kernel: 7, stride: 2, padding: 3 }),
      maxPool({ name: 'pool1', pool: 3, stride: 2, padding: 'same' }),
      ...units,
      batchNorm({ name: 'postnorm', activation: 'relu' }),
      globalAvgPool({ name: 'pool5' }),
      dense({ name: 'logits', units: CLASSES, activation: 'softmax' }),
    ],
  );
}

/** One unit: its bottleneck width, stride, and whether its shortcut projects. */
interface UnitShape {
  width: number;
  stride: number;
  project: boolean;
}

/**
 * preact (BN + ReLU), then 1x1 -> 3x3 (strided) -> 1x1 to 4 x width, added to
 * the shortcut: a strided 1x1 convolution of preact when the depth changes,
 * else the unit's input, subsampled when strided.
 */
function unit(name: string, { width, stride, project }: UnitShape, mode: BatchNormMode): Block {
  const main = [
    ...convBn({ name: 'conv1', filters: width, kernel: 1, padding: 0, activation: 'relu' }, mode),
    ...convBn(
      { name: 'conv2', filters: width, kernel: 3, stride, padding: 1, activation: 'relu' },
      mode,
    ),
    conv2d({ name: 'conv3', filters: 4 * width, kernel: 1, padding: 0 }),
  ];
  const preact = batchNorm({ name: 'preact', activation: 'relu' });
  if (project) {
    const shortcut = [
      conv2d({ name: 'shortcut', filters: 4 * width, kernel: 1, stride, padding: 0 }),
    ];
    return block(name, [preact, residual(main, { shortcut, name: 'add' })]);
  }
  // The identity shortcut reads the unit's input, not preact: preact sits on the main path.
  const shortcut = stride > 1 ? [maxPool({ name: 'shortcut', pool: 1, stride })] : [];
  return block(name, [residual([preact, ...main], { shortcut, name: 'add' })]);
}
