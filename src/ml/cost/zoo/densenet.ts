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
 * Concatenation. Each dense layer is `parallel([[], body], 'concat')`, as
 * `torch.cat([x, new_features], 1)` in the densenet.py of the commit above:
 * the join reads the layer's input and its 32 new channels and writes the
 * whole `c + 32` channel map, so a block's copying grows with the square of
 * its depth. (torchvision's current densenet.py concatenates the list of all
 * earlier outputs at the start of each layer and once at the end of the
 * block: the same copies and one more, of the block's input.) An engine that
 * lets each layer write into a slice of one preallocated block buffer copies
 * nothing; the card counts the copies.
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
import { type Block, block, parallel, sequential } from '../graph.js';
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

/** `layers` dense layers, each adding `GROWTH` channels to what it reads. */
function denseBlock(name: string, layers: number, mode: BatchNormMode): Block {
  return block(
    name,
    Array.from({ length: layers }, (_, i) => denseLayer(`denselayer${i + 1}`, mode)),
  );
}

/** norm1-relu-conv1 (1x1) - norm2-relu-conv2 (3x3), its output joined to its input. */
function denseLayer(name: string, mode: BatchNormMode): Block {
  const body = [
    batchNorm({ name: 'norm1', activation: 'relu' }),
    ...convBn(
      { name: 'conv1', filters: BN_SIZE * GROWTH, kernel: 1, padding: 0, activation: 'relu' },
      mode,
    ),
    conv2d({ name: 'conv2', filters: GROWTH, kernel: 3, padding: 1, bias: false }),
  ];
  return block(name, [parallel([[], body], 'concat', { name: 'concat' })]);
}

/** norm-relu-conv (1x1 to `filters`, no bias) - 2x2 stride-2 average pool. */
function transition(name: string, filters: number): Block {
  return block(name, [
    batchNorm({ name: 'norm', activation: 'relu' }),
    conv2d({ name: 'conv', filters, kernel: 1, padding: 0, bias: false }),
    avgPool({ name: 'pool', pool: 2, stride: 2 }),
  ]);
}
