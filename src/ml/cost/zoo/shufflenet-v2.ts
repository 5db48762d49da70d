/**
 * ShuffleNet V2 1.0x as torchvision builds it (`tv_models.shufflenet_v2_x1_0`,
 * the model Qualcomm AI Hub benchmarks as `shufflenet_v2`), 224x224x3 input,
 * 1000 ImageNet classes.
 *
 * Ma, Zhang, Zheng, Sun. "ShuffleNet V2: Practical Guidelines for Efficient
 * CNN Architecture Design." ECCV 2018 (arXiv:1807.11164). Read from
 * pytorch/vision `torchvision/models/shufflenetv2.py` (commit
 * dd1adb070c867777e7b5332485923cde67cc99ef): `shufflenet_v2_x1_0` is
 * `ShuffleNetV2([4, 8, 4], [24, 116, 232, 464, 1024])`; `conv1` (3x3,
 * stride 2, padding 1, to 24, ReLU), `maxpool` (3x3, stride 2, padding 1),
 * stages `stage2`-`stage4` of 4, 8 and 4 `InvertedResidual`s to 116, 232
 * and 464 channels at 28, 14 and 7 pixels square, `conv5` (1x1 to 1024,
 * ReLU), `x.mean([2, 3])` and `fc`, Linear(1024, 1000). Each stage's first
 * block has stride 2 and two branches on its whole input: `branch1`, a 3x3
 * depthwise convolution (stride 2, no ReLU) then a 1x1 to half the output
 * channels (ReLU); `branch2`, a 1x1 to half (ReLU), a 3x3 depthwise (stride
 * 2, no ReLU) and a 1x1 (ReLU). The other blocks have stride 1: `x1, x2 =
 * x.chunk(2, dim=1)`, then `torch.cat((x1, branch2(x2)))` with `branch2` as
 * above at stride 1 on half the channels. Every block ends with
 * `channel_shuffle(out, 2)`. Convolutions have no bias and are followed by
 * batch norm; their padding gives the same maps as `same`.
 *
 * Data movement, as torchvision's forward does it. The split is a view:
 * `chunk` returns two views of the input, no copy. The card gives the branch
 * and the join a tensor of half the channels read from the layer that
 * produced the block's input (`chunk()` below), so `branch2_0` reads, and
 * counts in its inputElements, only the 58 (116, 232) channels it uses, and
 * no layer stands for the split; an engine that materialises it (a SPLIT
 * operator) would copy more than the card counts. The join is a `concat`
 * layer, as in densenet.ts and inception: it reads both halves and writes
 * the whole map. The shuffle is `view`, `transpose(1, 2).contiguous()`,
 * `view`: the transpose is a copy of the whole map, so it is a layer of its
 * own kind `channelShuffle` (no arithmetic, every element read and written
 * once), which the latency model times as element-wise. An engine might fold
 * the shuffle into the concatenation's writes, or the concatenation into the
 * convolutions' (possibilities, not checked against any engine); the card
 * counts both copies.
 *
 * Published (torchvision's `ShuffleNet_V2_X1_0_Weights.IMAGENET1K_V1` in
 * shufflenetv2.py, read in an indexed copy of the current file whose commit
 * was not given, and whose layers are those of the commit above):
 * `num_params` 2,278,604 and `_ops` 0.145 (num_params 2278604 on
 * pytorch.org/vision/main/models/generated/torchvision.models.shufflenet_v2_x1_0.html).
 * The card counts 2,278,604 parameters with BN kept separate (2,270,514
 * folded) and 144,907,992 multiply-accumulates in its convolutions and `fc`
 * (143,883,992 in the convolutions, 1,024,000 in `fc`), which rounds to
 * `_ops`; that `_ops` counts multiply-adds is inferred from this agreement,
 * as for MobileNetV3. Layer names follow torchvision's module paths:
 * `stage2_0_branch1_0` is `stage2.0.branch1.0`, `stage3_1_branch2_5` is
 * `stage3.1.branch2.5`; a folded-away BN appears, when BN is separate, as
 * `..._bn` after its convolution.
 */
import { type CostCard, elements } from '../card.js';
import { type Block, block, parallel, sequential } from '../graph.js';
import { dense, globalAvgPool, maxPool } from '../layers.js';
import { type BatchNormMode, convBn, depthwiseBn, type ZooOptions } from './conv-bn.js';

/** `stages_repeats`: blocks in stage2, stage3, stage4. */
const REPEATS = [4, 8, 4] as const;
/** `stages_out_channels`: conv1, the three stages, conv5. */
const OUT_CHANNELS = [24, 116, 232, 464, 1024] as const;

/** The ShuffleNet V2 1.0x cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function shuffleNetV2(options: ZooOptions = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const stages = REPEATS.map((repeats, s) => {
    const filters = OUT_CHANNELS[s + 1] ?? 0;
    const blocks = Array.from({ length: repeats }, (_, i) =>
      i === 0 ? downsampling(`${i}`, filters, mode) : splitting(`${i}`, filters, mode),
    );
    return block(`stage${s + 2}`, blocks);
  });
  return sequential(
    'shufflenet-v2',
    [224, 224, 3],
    [
      ...convBn(
        { name: 'conv1', filters: OUT_CHANNELS[0], kernel: 3, stride: 2, activation: 'relu' },
        mode,
      ),
      maxPool({ name: 'maxpool', pool: 3, stride: 2, padding: 1 }),
      ...stages,
      ...convBn({ name: 'conv5', filters: OUT_CHANNELS[4], kernel: 1, activation: 'relu' }, mode),
      globalAvgPool({ name: 'mean' }),
      dense({ name: 'fc', units: 1000 }),
    ],
  );
}

/** A stride-2 block: `branch1` and `branch2` both read the whole input; joined, then shuffled. */
function downsampling(name: string, filters: number, mode: BatchNormMode): Block {
  const half = filters / 2;
  const branch1 = [
    ...depthwiseBn({ name: 'branch1_0', kernel: 3, stride: 2 }, mode),
    ...convBn({ name: 'branch1_2', filters: half, kernel: 1, activation: 'relu' }, mode),
  ];
  return block(name, [
    parallel([branch1, branch2(half, 2, mode)], 'concat', { name: 'concat' }),
    channelShuffle(),
  ]);
}

/** A stride-1 block: the first half of the channels joined to `branch2` of the second; then shuffled. */
function splitting(name: string, filters: number, mode: BatchNormMode): Block {
  const half = filters / 2;
  return block(name, [
    parallel([[chunk()], [chunk(), ...branch2(half, 1, mode)]], 'concat', { name: 'concat' }),
    channelShuffle(),
  ]);
}

/** `branch2`: 1x1 (ReLU), 3x3 depthwise at `stride` (no ReLU), 1x1 (ReLU), each to `half` channels. */
function branch2(half: number, stride: number, mode: BatchNormMode): Block[] {
  return [
    ...convBn({ name: 'branch2_0', filters: half, kernel: 1, activation: 'relu' }, mode),
    ...depthwiseBn({ name: 'branch2_3', kernel: 3, stride }, mode),
    ...convBn({ name: 'branch2_5', filters: half, kernel: 1, activation: 'relu' }, mode),
  ];
}

/**
 * One of `x.chunk(2, dim=1)`: a view of half the channels of the layer that
 * produced `x`. It adds no layer; whatever reads it reads half the elements.
 * (The two halves look alike here: a card does not record channel offsets.)
 * Split computing (src/fleet/split-points.ts) sees only which layer a tensor
 * comes from, so a cut inside a block counts the whole shuffled map as
 * crossing it, where the half x1 is what must.
 */
function chunk(): Block {
  return (input) => {
    const channels = input.shape[input.shape.length - 1] ?? 0;
    if (channels % 2 !== 0) {
      throw new Error(
        `chunk needs an even number of channels (got shape [${input.shape.join(', ')}])`,
      );
    }
    return { shape: [...input.shape.slice(0, -1), channels / 2], from: input.from };
  };
}

/**
 * `channel_shuffle(x, 2)`: the transpose is made contiguous, a copy of the
 * whole map with no arithmetic; the latency model times it as element-wise.
 */
function channelShuffle(): Block {
  return (input, graph) => {
    const n = elements(input.shape);
    return graph.push(
      {
        kind: 'channelShuffle',
        flops: 0,
        params: 0,
        inputElements: n,
        outputElements: n,
        outputShape: [...input.shape],
      },
      [input],
      'shuffle',
    );
  };
}
