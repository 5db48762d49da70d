/**
 * SqueezeNet v1.1, 227x227x3 input, 1000 ImageNet classes, as DeepScale's
 * Caffe release defines it and ncnn's benchmark runs it (Tencent/ncnn
 * `benchmark/models/squeezenet.param`).
 *
 * Iandola et al., "SqueezeNet: AlexNet-level accuracy with 50x fewer
 * parameters and <0.5MB model size", arXiv:1602.07360; v1.1 (DeepScale/
 * SqueezeNet `SqueezeNet_v1.1`): a 3x3 stride-2 convolution of 64 filters,
 * then fire modules (a 1x1 "squeeze", then 1x1 and 3x3 "expand"
 * convolutions side by side, concatenated) fire2-fire9 of (16, 64, 64),
 * (16, 64, 64), (32, 128, 128), (32, 128, 128), (48, 192, 192),
 * (48, 192, 192), (64, 256, 256), (64, 256, 256) filters, 3x3 stride-2 max
 * pools after conv1, fire3 and fire5 (Caffe rounds their output up: 113 ->
 * 56 -> 28 -> 14, padded here to give the same sizes), a 1x1 convolution to
 * the classes and a global average pool. The param file pads conv10 by 1,
 * so it runs on 16x16 positions; the card does the same.
 *
 * Published: 1,235,496 parameters (torchvision `squeezenet1_1`, the same
 * layers); the card matches it. About 0.35 G multiply-adds at 224x224
 * (torchvision's model card); this card, at 227 with conv10 padded, counts
 * its own. `variant: 'torchvision'` is pytorch/vision's `squeezenet1_1` (the
 * model of Qualcomm AI Hub's table): 224x224 input, so the maps are 111, 55,
 * 27 and 13 (its ceil-mode pools divide them exactly), and conv10 unpadded.
 *
 * SqueezeNet 1.0, `squeezeNet({ version: '1.0', variant: 'torchvision' })`,
 * is pytorch/vision's `squeezenet1_0` (torchvision/models/squeezenet.py,
 * commit d5747d333acdcb8ceb461a96e377a677fef81582): `Conv2d(3, 96,
 * kernel_size=7, stride=2)` (no padding), ReLU, `MaxPool2d(3, 2,
 * ceil_mode=True)`, fire2-fire4 of (16, 64, 64), (16, 64, 64), (32, 128, 128),
 * a pool, fire5-fire8 of (32, 128, 128), (48, 192, 192), (48, 192, 192),
 * (64, 256, 256), a pool, fire9 (64, 256, 256); then Dropout (the identity at
 * inference, no layer here), `Conv2d(512, 1000, kernel_size=1)`, ReLU and
 * `AdaptiveAvgPool2d((1, 1))`. At 224x224 the maps are 109 (conv1), 54, 27
 * and 13: ceil((54 - 3) / 2) + 1 = 27 where a floor-mode pool would give 26.
 * A ceil-mode 3x3 stride-2 pool equals a 'valid' one on an odd side and a
 * 'same' one (one column of padding after) on an even side, which is how the
 * card builds it. Published (`SqueezeNet1_0_Weights.IMAGENET1K_V1` in an
 * indexed copy of the current squeezenet.py whose commit was not given; the
 * model page pytorch.org/vision/stable/models/generated/
 * torchvision.models.squeezenet1_0.html shows 1248424 and GFLOPS 0.82):
 * `num_params` 1,248,424 and `_ops` 0.819. The card counts 1,248,424
 * parameters and 818,924,576 multiply-accumulates (counted again by a script
 * written from squeezenet.py, not from the card). DeepScale's Caffe 1.0 is
 * not built here.
 */
import type { CostCard } from '../card.js';
import { type Block, block, parallel, sequential } from '../graph.js';
import { conv2d, globalAvgPool, maxPool } from '../layers.js';

/** Fire modules fire2-fire9: squeeze, expand 1x1, expand 3x3 filters (the same in 1.0 and 1.1, whose stems and pools differ). */
const FIRES: readonly (readonly [number, number, number])[] = [
  [16, 64, 64],
  [16, 64, 64],
  [32, 128, 128],
  [32, 128, 128],
  [48, 192, 192],
  [48, 192, 192],
  [64, 256, 256],
  [64, 256, 256],
];

/** Options for `squeezeNet11`. */
export interface SqueezeNet11Options {
  /** `caffe` (default, ncnn's model) or `torchvision`. */
  variant?: 'caffe' | 'torchvision';
}

/** Options for `squeezeNet`. */
export interface SqueezeNetOptions extends SqueezeNet11Options {
  /** `1.1` (default) or `1.0`; 1.0 is built only as torchvision's (`variant: 'torchvision'`). */
  version?: '1.0' | '1.1';
}

/**
 * A SqueezeNet cost card: 1.1 as `squeezeNet11`, or torchvision's 1.0
 * (`squeezenet-1.0-torchvision`). Throws for 1.0 without `variant: 'torchvision'`.
 */
export function squeezeNet(options: SqueezeNetOptions = {}): CostCard {
  if ((options.version ?? '1.1') === '1.1') return squeezeNet11(options);
  if (options.variant !== 'torchvision') {
    throw new RangeError(
      `squeezeNet: version 1.0 is built only with variant 'torchvision' (got ${options.variant ?? 'caffe'})`,
    );
  }
  return squeezeNet10Torchvision();
}

/** torchvision's `squeezenet1_0` at 224x224x3, 1000 classes (see above). */
function squeezeNet10Torchvision(): CostCard {
  const fires = FIRES.map(([s, e1, e3], i) => fire(`fire${i + 2}`, s, e1, e3));
  return sequential(
    'squeezenet-1.0-torchvision',
    [224, 224, 3],
    [
      conv2d({
        name: 'conv1',
        filters: 96,
        kernel: 7,
        stride: 2,
        padding: 'valid',
        activation: 'relu',
      }),
      ceilModePool('pool1'),
      ...fires.slice(0, 3),
      ceilModePool('pool4'),
      ...fires.slice(3, 7),
      ceilModePool('pool8'),
      ...fires.slice(7),
      conv2d({ name: 'conv10', filters: 1000, kernel: 1, padding: 'valid', activation: 'relu' }),
      globalAvgPool({ name: 'pool10' }),
    ],
  );
}

/** PyTorch's `MaxPool2d(3, 2, ceil_mode=True)`: 'valid' on an odd side, 'same' (padded after) on an even one. */
function ceilModePool(name: string): Block {
  return (input, graph) => {
    const side = input.shape[0] ?? 0;
    const padding = side % 2 === 1 ? 'valid' : 'same';
    return maxPool({ name, pool: 3, stride: 2, padding })(input, graph);
  };
}

/** The SqueezeNet v1.1 cost card. */
export function squeezeNet11(options: SqueezeNet11Options = {}): CostCard {
  const torchvision = options.variant === 'torchvision';
  const side = torchvision ? 224 : 227;
  // Caffe's pools round up (56 -> 28 -> 14), which padding 1 reproduces; torchvision's maps divide exactly.
  const pad = torchvision ? 'valid' : 1;
  const fires = FIRES.map(([s, e1, e3], i) => fire(`fire${i + 2}`, s, e1, e3));
  return sequential(
    torchvision ? 'squeezenet-1.1-torchvision' : 'squeezenet-1.1',
    [side, side, 3],
    [
      conv2d({
        name: 'conv1',
        filters: 64,
        kernel: 3,
        stride: 2,
        padding: 'valid',
        activation: 'relu',
      }),
      maxPool({ name: 'pool1', pool: 3, stride: 2, padding: 'valid' }),
      ...fires.slice(0, 2),
      maxPool({ name: 'pool3', pool: 3, stride: 2, padding: pad }),
      ...fires.slice(2, 4),
      maxPool({ name: 'pool5', pool: 3, stride: 2, padding: pad }),
      ...fires.slice(4),
      conv2d({
        name: 'conv10',
        filters: 1000,
        kernel: 1,
        padding: torchvision ? 'valid' : 1,
        activation: 'relu',
      }),
      globalAvgPool({ name: 'pool10' }),
    ],
  );
}

/** Squeeze 1x1, then expand 1x1 and 3x3 on its output, concatenated. */
function fire(name: string, squeeze: number, expand1: number, expand3: number): Block {
  return block(name, [
    conv2d({ name: 'squeeze1x1', filters: squeeze, kernel: 1, activation: 'relu' }),
    parallel(
      [
        [conv2d({ name: 'expand1x1', filters: expand1, kernel: 1, activation: 'relu' })],
        [conv2d({ name: 'expand3x3', filters: expand3, kernel: 3, activation: 'relu' })],
      ],
      'concat',
      { name: 'concat' },
    ),
  ]);
}
