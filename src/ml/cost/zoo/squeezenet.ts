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
 */
import type { CostCard } from '../card.js';
import { type Block, block, parallel, sequential } from '../graph.js';
import { conv2d, globalAvgPool, maxPool } from '../layers.js';

/** Fire modules fire2-fire9: squeeze, expand 1x1, expand 3x3 filters. */
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
