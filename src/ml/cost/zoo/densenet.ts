/**
 * DenseNet-121 as torchvision builds it (`torchvision.models.densenet121`,
 * weights `IMAGENET1K_V1`, the model Qualcomm AI Hub benchmarks), 224x224x3
 * input, 1000 ImageNet classes.
 *
 * Huang, Liu, van der Maaten, Weinberger. "Densely Connected Convolutional
 * Networks." CVPR 2017 (arXiv:1608.06993), DenseNet-BC. Read from pytorch/vision
 * `torchvision/models/densenet.py` (commit 01db3ba5cd088d1809b3a4821dc924594a275286):
 * `densenet121` is `DenseNet(growth_rate=32, block_config=(6, 12, 24, 16),
 * num_init_features=64)` with the default `bn_size=4`; a stem `conv0` (7x7,
 * stride 2, padding 3, no bias), `norm0`, `relu0`, `pool0` (max 3x3, stride 2,
 * padding 1); four dense blocks, the first three each followed by a
 * transition (`norm`, `relu`, a 1x1 `conv` to half the channels, no bias,
 * then a 2x2 stride-2 average pool); then `norm5`, ReLU, adaptive average
 * pool and `classifier`, Linear(1024, 1000). Dense layer `i` of a block reads
 * the `c + 32 i` channels of all that came before it and runs `norm1`,
 * `relu1`, `conv1` (1x1 to bn_size x growth = 128, no bias), `norm2`, `relu2`,
 * `conv2` (3x3, padding 1, to 32, no bias); its 32 new channels are joined to
 * its input. Channels after each block and transition: 256, 128; 512, 256;
 * 1024, 512; 1024, at 56, 28, 14 and 7 pixels square.
 *
 * Batch norm. `norm0` follows `conv0` and each `norm2` follows a `conv1`:
 * folded, they become those convolutions' biases, as in `conv-bn.ts`. The
 * other 62 (each dense layer's `norm1`, the three transitions' `norm` and
 * `norm5`) come BEFORE their convolution, with a ReLU in between, so they
 * cannot be folded into its weights; nor into the layers that produced their
 * input, since every channel of a block's map is read through several of
 * these BNs (each later layer's `norm1`, then the transition's `norm` or
 * `norm5`), each with its own scale and shift: there is no place where that
 * folding is valid.
 * The card therefore keeps those 62 as `batchNorm` layers (scale and shift,
 * ReLU fused) in both modes; this is the card's choice, the plainest that
 * computes what the model computes. What an inference engine does with them
 * is not established here: the usual conv + BN folding needs the BN to follow
 * a linear layer with nothing between (discuss.tvm.ai/t/batch-norm-folding/5265:
 * other compilers "fold bn in to the previous conv + bias_add if possible"),
 * so they are expected to run as a per-channel multiply-add with the ReLU, an
 * element-wise pass over the map, which is what the card counts (2 FLOPs per
 * element, the map read and written). An engine might fuse that pass into
 * the concatenation or into the next convolution's input loads (a
 * possibility, not checked against any engine); the card does not assume it.
 *
 * Concatenation, as torchvision's current densenet.py does it (read in an
 * indexed copy of the file whose commit was not given; the commit above
 * still has `torch.cat([x, new_features], 1)` inside each layer):
 * `_DenseBlock.forward` keeps a list of the block's input and every layer's
 * new features, each layer's `bn_function` starts with `torch.cat(inputs,
 * 1)` of that list, and the block returns `torch.cat(features, 1)`. The
 * first layer's list holds one tensor, which the card reads directly (a
 * one-input cat is a copy in eager PyTorch and nothing in an exported
 * graph). A block of n layers thus joins n times, as the older form did,
 * and writes the same elements (layer k's join has the c + 32 (k - 1)
 * channels the older layer k - 1 wrote; the block's last join has what the
 * older last layer wrote), but each join reads feature maps that later joins
 * read again. An engine that lets each layer write into a slice of one
 * preallocated block buffer copies nothing; a quantized graph cannot do
 * that, as every join has its own scale (src/fleet/layer-plan.ts,
 * requantized); the card counts the joins.
 *
 * Published (torchvision's `DenseNet121_Weights.IMAGENET1K_V1` in
 * densenet.py, current main, read in an indexed copy of the file whose commit
 * was not given, and whose layers are those of the commit above):
 * `num_params` 7,978,856 and `_ops` 2.834, i.e. GFLOPS 2.83 on the model page,
 * which rounds `_ops` to two places (the densenet201 page,
 * pytorch.org/vision/stable/models/generated/torchvision.models.densenet201.html,
 * shows that file's 4.291 as 4.29; the densenet121 page itself was not read).
 * The card counts 7,978,856 parameters with BN kept separate (7,971,368
 * folded: 64 + 58 x 128 biases replace 2 x (64 + 58 x 128) BN parameters)
 * and 2,834,161,664 multiply-accumulates in its convolutions and classifier,
 * which rounds to `_ops` (that `_ops` counts multiply-adds is inferred from
 * this agreement, as for MobileNetV3). Layer names follow torchvision's
 * module paths: `features_denseblock1_denselayer1_conv1` is
 * `features.denseblock1.denselayer1.conv1`; a folded-away `norm2` appears,
 * when BN is separate, as `..._conv1_bn`.
 */
import type { CostCard } from '../card.js';
import {
  type Block,
  block,
  type GraphBuilder,
  join,
  sequence,
  sequential,
  type Tensor,
} from '../graph.js';
import { avgPool, batchNorm, conv2d, dense, globalAvgPool, maxPool } from '../layers.js';
import { type BatchNormMode, convBn, type ZooOptions } from './conv-bn.js';

/** `k`: channels each dense layer adds. */
const GROWTH = 32;
/** `bn_size`: the 1x1 bottleneck has bn_size x growth filters. */
const BN_SIZE = 4;
/** Dense layers per block. */
const BLOCKS = [6, 12, 24, 16] as const;
/** Filters of the stem convolution. */
const INIT_FEATURES = 64;

/** The DenseNet-121 cost card (BN after a convolution folded unless `batchNorm: 'separate'`; see above). */
export function denseNet121(options: ZooOptions = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const features: Block[] = [
    ...convBn(
      {
        name: 'conv0',
        filters: INIT_FEATURES,
        kernel: 7,
        stride: 2,
        padding: 3,
        activation: 'relu',
      },
      mode,
    ),
    maxPool({ name: 'pool0', pool: 3, stride: 2, padding: 1 }),
  ];
  let channels = INIT_FEATURES;
  BLOCKS.forEach((layers, b) => {
    features.push(denseBlock(`denseblock${b + 1}`, layers, mode));
    channels += layers * GROWTH;
    if (b < BLOCKS.length - 1) {
      channels = Math.floor(channels / 2);
      features.push(transition(`transition${b + 1}`, channels));
    }
  });
  features.push(batchNorm({ name: 'norm5', activation: 'relu' }));
  return sequential(
    'densenet-121',
    [224, 224, 3],
    [
      block('features', features),
      globalAvgPool({ name: 'avgpool' }),
      dense({ name: 'classifier', units: 1000 }),
    ],
  );
}

/** `layers` dense layers, each reading every map before it in the block and adding `GROWTH` channels; then all joined. */
function denseBlock(name: string, layers: number, mode: BatchNormMode): Block {
  return (input, graph) =>
    graph.within(name, () => {
      const features: Tensor[] = [input];
      for (let i = 1; i <= layers; i++) {
        features.push(graph.within(`denselayer${i}`, () => denseLayer(features, mode, graph)));
      }
      return join(features, 'concat', graph, { name: 'concat' });
    });
}

/** concat of `features` - norm1-relu-conv1 (1x1) - norm2-relu-conv2 (3x3): returns the 32 new channels. */
function denseLayer(features: readonly Tensor[], mode: BatchNormMode, graph: GraphBuilder): Tensor {
  const input =
    features.length > 1
      ? join(features, 'concat', graph, { name: 'concat' })
      : (features[0] as Tensor);
  return sequence([
    batchNorm({ name: 'norm1', activation: 'relu' }),
    ...convBn(
      { name: 'conv1', filters: BN_SIZE * GROWTH, kernel: 1, padding: 0, activation: 'relu' },
      mode,
    ),
    conv2d({ name: 'conv2', filters: GROWTH, kernel: 3, padding: 1, bias: false }),
  ])(input, graph);
}

/** norm-relu-conv (1x1 to `filters`, no bias) - 2x2 stride-2 average pool. */
function transition(name: string, filters: number): Block {
  return block(name, [
    batchNorm({ name: 'norm', activation: 'relu' }),
    conv2d({ name: 'conv', filters, kernel: 1, padding: 0, bias: false }),
    avgPool({ name: 'pool', pool: 2, stride: 2 }),
  ]);
}
