/**
 * DenseNet-121 as torchvision builds it (`torchvision.models.densenet121`,
 * weights `IMAGENET1K_V1`, the model Qualcomm AI Hub benchmarks), 224x224x3
 * input, 1000 ImageNet classes; and with `denseNet({ depth })` its siblings
 * DenseNet-169, -201 and -161 (see the end of this comment). Described here
 * for DenseNet-121: its growth of 32 makes the 32s and 128s below.
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
 *
 * The siblings, from pytorch/vision `torchvision/models/densenet.py` (commit
 * 5fbfd2b41a5f46d334c86cfba3da85a9b171cc0e, the same `DenseNet` class and
 * `bn_size=4`, and the same arguments in the indexed current copy):
 * `densenet169` is `DenseNet(growth_rate=32, block_config=(6, 12, 32, 32),
 * num_init_features=64)`, `densenet201` (6, 12, 48, 32) likewise, and
 * `densenet161` growth 48, (6, 12, 36, 24), 96 stem filters, so its dense
 * layers' 1x1 convolutions have 4 x 48 = 192 filters. Channels after each
 * block and transition: 169: 256, 128; 512, 256; 1280, 640; 1664. 201: 256,
 * 128; 512, 256; 1792, 896; 1920. 161: 384, 192; 768, 384; 2112, 1056; 2208.
 * Published (`DenseNet169_Weights`, `DenseNet201_Weights`,
 * `DenseNet161_Weights.IMAGENET1K_V1` in the indexed current densenet.py):
 * `num_params` 14,149,480, 20,013,928 and 28,681,000; `_ops` 3.36, 4.291 and
 * 7.728 (the densenet169 and densenet201 model pages on pytorch.org show
 * 14149480 / 3.36 and 20013928 / 4.29). The cards count exactly those
 * parameters with BN kept separate (14,138,920, 20,001,320 and 28,665,928
 * folded) and 3,359,843,328, 4,291,365,888 and 7,727,907,072
 * multiply-accumulates, each `_ops` to its printed places (counted again by
 * a script written from densenet.py, not from the cards).
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

/** Depths built here, each a torchvision builder: `densenet121`, `densenet169`, `densenet201`, `densenet161`. */
export type DenseNetDepth = 121 | 169 | 201 | 161;

/** Options for `denseNet`. */
export interface DenseNetOptions extends ZooOptions {
  /** Default 121. */
  depth?: DenseNetDepth;
}

/** A torchvision DenseNet's arguments. */
interface DenseNetConfig {
  /** `growth_rate` (`k`): channels each dense layer adds. */
  growth: number;
  /** `block_config`: dense layers per block. */
  blocks: readonly number[];
  /** `num_init_features`: filters of the stem convolution. */
  initFeatures: number;
}

/** torchvision's arguments for each depth (densenet.py). */
const DENSENETS: Readonly<Record<DenseNetDepth, DenseNetConfig>> = {
  121: { growth: 32, blocks: [6, 12, 24, 16], initFeatures: 64 },
  169: { growth: 32, blocks: [6, 12, 32, 32], initFeatures: 64 },
  201: { growth: 32, blocks: [6, 12, 48, 32], initFeatures: 64 },
  161: { growth: 48, blocks: [6, 12, 36, 24], initFeatures: 96 },
};

/** `bn_size`: the 1x1 bottleneck has bn_size x growth filters (4 in every torchvision DenseNet). */
const BN_SIZE = 4;

/** The DenseNet-121 cost card (BN after a convolution folded unless `batchNorm: 'separate'`; see above). */
export function denseNet121(options: ZooOptions = {}): CostCard {
  return denseNet({ ...options, depth: 121 });
}

/** A torchvision DenseNet cost card of the given depth, named `densenet-<depth>` (BN as in `denseNet121`). */
export function denseNet(options: DenseNetOptions = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const depth = options.depth ?? 121;
  const config = DENSENETS[depth];
  if (config === undefined) {
    throw new RangeError(`denseNet: depth(=${depth}) must be 121, 169, 201 or 161`);
  }
  const { growth, blocks, initFeatures } = config;
  const features: Block[] = [
    ...convBn(
      {
        name: 'conv0',
        filters: initFeatures,
        kernel: 7,
        stride: 2,
        padding: 3,
        activation: 'relu',
      },
      mode,
    ),
    maxPool({ name: 'pool0', pool: 3, stride: 2, padding: 1 }),
  ];
  let channels = initFeatures;
  blocks.forEach((layers, b) => {
    features.push(denseBlock(`denseblock${b + 1}`, layers, growth, mode));
    channels += layers * growth;
    if (b < blocks.length - 1) {
      channels = Math.floor(channels / 2);
      features.push(transition(`transition${b + 1}`, channels));
    }
  });
  features.push(batchNorm({ name: 'norm5', activation: 'relu' }));
  return sequential(
    `densenet-${depth}`,
    [224, 224, 3],
    [
      block('features', features),
      globalAvgPool({ name: 'avgpool' }),
      dense({ name: 'classifier', units: 1000 }),
    ],
  );
}

/** `layers` dense layers, each reading every map before it in the block and adding `growth` channels; then all joined. */
function denseBlock(name: string, layers: number, growth: number, mode: BatchNormMode): Block {
  return (input, graph) =>
    graph.within(name, () => {
      const features: Tensor[] = [input];
      for (let i = 1; i <= layers; i++) {
        features.push(
          graph.within(`denselayer${i}`, () => denseLayer(features, growth, mode, graph)),
        );
      }
      return join(features, 'concat', graph, { name: 'concat' });
    });
}

/** concat of `features` - norm1-relu-conv1 (1x1) - norm2-relu-conv2 (3x3): returns the `growth` new channels. */
function denseLayer(
  features: readonly Tensor[],
  growth: number,
  mode: BatchNormMode,
  graph: GraphBuilder,
): Tensor {
  const input =
    features.length > 1
      ? join(features, 'concat', graph, { name: 'concat' })
      : (features[0] as Tensor);
  return sequence([
    batchNorm({ name: 'norm1', activation: 'relu' }),
    ...convBn(
      { name: 'conv1', filters: BN_SIZE * growth, kernel: 1, padding: 0, activation: 'relu' },
      mode,
    ),
    conv2d({ name: 'conv2', filters: growth, kernel: 3, padding: 1, bias: false }),
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
