/**
 * MobileNetV3-Large and MobileNetV3-Small as torchvision builds them
 * (`tv_models.mobilenet_v3_large`, `tv_models.mobilenet_v3_small`, the models
 * Qualcomm AI Hub benchmarks), 224x224x3 input, 1000 ImageNet classes.
 *
 * Howard et al. "Searching for MobileNetV3." ICCV 2019 (arXiv:1905.02244),
 * Table 1. Read from pytorch/vision `torchvision/models/mobilenetv3.py`
 * (commit 2f7f558158c83c8119a02cd2446d85cd3c4c20e9): `_mobilenet_v3_conf`'s
 * `inverted_residual_setting` (the tables below), a stem of 16 filters (3x3,
 * stride 2, hard-swish), a last 1x1 convolution of 6 x 160 = 960 filters
 * (hard-swish), global average pooling, and a classifier
 * Linear(960, 1280) + Hardswish + Dropout(0.2) + Linear(1280, 1000). Each
 * block: a 1x1 expansion (absent when the expanded width equals the input's),
 * a depthwise convolution, squeeze-and-excitation when the row says so, a
 * linear 1x1 projection, and a residual add when the stride is 1 and the
 * channels match. Convolutions are `Conv2dNormActivation`: no bias, batch
 * norm, then ReLU or hard-swish; padding (k - 1) / 2, which gives the same
 * maps as `same`. The SE has `_make_divisible(expanded // 4, 8)` squeeze
 * channels, ReLU inside and hard-sigmoid on the gate (`partial(SElayer,
 * scale_activation=nn.Hardsigmoid)`, SElayer being torchvision.ops'
 * SqueezeExcitation, whose default inner activation is ReLU: pytorch.org/
 * vision/stable/generated/torchvision.ops.SqueezeExcitation.html).
 *
 * Published (the same file, `MobileNet_V3_Large_Weights.IMAGENET1K_V1`):
 * `num_params` 5,483,032 and `_ops` 0.217 (shown as GFLOPS 0.22 on
 * pytorch.org/vision/stable/models/generated/torchvision.models.mobilenet_v3_large.html).
 * The card counts 5,483,032 parameters with BN kept separate (5,470,832
 * folded) and 216,589,760 multiply-accumulates in its convolutions and
 * linear layers (212,573,760 in the backbone, 1,507,200 in the SE
 * convolutions, 2,508,800 in the classifier), which rounds to `_ops`; that
 * `_ops` counts multiply-adds is inferred from this agreement, not stated.
 * Layer names follow torchvision's module paths: `features_4_se_fc1` is
 * `features.4.block.2.fc1`, `classifier_3` is `classifier.3`.
 *
 * Small is built the same way from the same file and commit: the
 * `mobilenet_v3_small` branch of `_mobilenet_v3_conf` (11 bnecks, its first
 * with SE and stride 2 but no expansion), a last convolution of 6 x 96 = 576
 * filters and `last_channel` 1024, so the classifier is
 * Linear(576, 1024) + Hardswish + Dropout(0.2) + Linear(1024, 1000).
 * Published (`MobileNet_V3_Small_Weights.IMAGENET1K_V1`, the same file):
 * `num_params` 2,542,856 and `_ops` 0.057 (0.06 rounded to two places, as
 * the Large page rounds 0.217 to 0.22; the Small page itself was not read).
 * The card counts 2,542,856 parameters with BN kept separate (2,536,800
 * folded) and 56,510,400 multiply-accumulates (54,437,824 in the backbone,
 * 458,752 in the SE convolutions, 1,613,824 in the classifier), which rounds
 * to `_ops`.
 */
import type { CostCard } from '../card.js';
import { type Block, sequential } from '../graph.js';
import { dense, globalAvgPool } from '../layers.js';
import { type BatchNormMode, convBn, makeDivisible8, type ZooOptions } from './conv-bn.js';
import { invertedResidual } from './inverted-residual.js';

/** One row of `inverted_residual_setting`, in its column order. */
interface Bneck {
  input: number;
  kernel: number;
  expanded: number;
  filters: number;
  se: boolean;
  activation: 'relu' | 'hardswish';
  stride: number;
}

const RE = 'relu';
const HS = 'hardswish';

/** `bneck_conf(input, kernel, expanded, out, use_se, activation, stride, dilation 1)` for mobilenet_v3_large. */
const LARGE: readonly Bneck[] = [
  { input: 16, kernel: 3, expanded: 16, filters: 16, se: false, activation: RE, stride: 1 },
  { input: 16, kernel: 3, expanded: 64, filters: 24, se: false, activation: RE, stride: 2 },
  { input: 24, kernel: 3, expanded: 72, filters: 24, se: false, activation: RE, stride: 1 },
  { input: 24, kernel: 5, expanded: 72, filters: 40, se: true, activation: RE, stride: 2 },
  { input: 40, kernel: 5, expanded: 120, filters: 40, se: true, activation: RE, stride: 1 },
  { input: 40, kernel: 5, expanded: 120, filters: 40, se: true, activation: RE, stride: 1 },
  { input: 40, kernel: 3, expanded: 240, filters: 80, se: false, activation: HS, stride: 2 },
  { input: 80, kernel: 3, expanded: 200, filters: 80, se: false, activation: HS, stride: 1 },
  { input: 80, kernel: 3, expanded: 184, filters: 80, se: false, activation: HS, stride: 1 },
  { input: 80, kernel: 3, expanded: 184, filters: 80, se: false, activation: HS, stride: 1 },
  { input: 80, kernel: 3, expanded: 480, filters: 112, se: true, activation: HS, stride: 1 },
  { input: 112, kernel: 3, expanded: 672, filters: 112, se: true, activation: HS, stride: 1 },
  { input: 112, kernel: 5, expanded: 672, filters: 160, se: true, activation: HS, stride: 2 },
  { input: 160, kernel: 5, expanded: 960, filters: 160, se: true, activation: HS, stride: 1 },
  { input: 160, kernel: 5, expanded: 960, filters: 160, se: true, activation: HS, stride: 1 },
];

/** The same for mobilenet_v3_small. */
const SMALL: readonly Bneck[] = [
  { input: 16, kernel: 3, expanded: 16, filters: 16, se: true, activation: RE, stride: 2 },
  { input: 16, kernel: 3, expanded: 72, filters: 24, se: false, activation: RE, stride: 2 },
  { input: 24, kernel: 3, expanded: 88, filters: 24, se: false, activation: RE, stride: 1 },
  { input: 24, kernel: 5, expanded: 96, filters: 40, se: true, activation: HS, stride: 2 },
  { input: 40, kernel: 5, expanded: 240, filters: 40, se: true, activation: HS, stride: 1 },
  { input: 40, kernel: 5, expanded: 240, filters: 40, se: true, activation: HS, stride: 1 },
  { input: 40, kernel: 5, expanded: 120, filters: 48, se: true, activation: HS, stride: 1 },
  { input: 48, kernel: 5, expanded: 144, filters: 48, se: true, activation: HS, stride: 1 },
  { input: 48, kernel: 5, expanded: 288, filters: 96, se: true, activation: HS, stride: 2 },
  { input: 96, kernel: 5, expanded: 576, filters: 96, se: true, activation: HS, stride: 1 },
  { input: 96, kernel: 5, expanded: 576, filters: 96, se: true, activation: HS, stride: 1 },
];

/** The MobileNetV3-Large cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function mobileNetV3Large(options: ZooOptions = {}): CostCard {
  return mobileNetV3('mobilenet-v3-large', LARGE, 1280, options.batchNorm ?? 'folded');
}

/** The MobileNetV3-Small cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function mobileNetV3Small(options: ZooOptions = {}): CostCard {
  return mobileNetV3('mobilenet-v3-small', SMALL, 1024, options.batchNorm ?? 'folded');
}

/**
 * torchvision's `MobileNetV3`: the stem, the bnecks (`features_1` ...), a 1x1
 * convolution to 6 x the last bneck's filters, global average pooling and the
 * classifier Linear(6 x filters, `lastChannel`) + Hardswish + Linear(`lastChannel`, 1000).
 */
function mobileNetV3(
  name: string,
  bnecks: readonly Bneck[],
  lastChannel: number,
  mode: BatchNormMode,
): CostCard {
  const last = bnecks[bnecks.length - 1]?.filters ?? 0;
  return sequential(
    name,
    [224, 224, 3],
    [
      ...convBn({ name: 'features_0', filters: 16, kernel: 3, stride: 2, activation: HS }, mode),
      ...bnecks.map((row, i) => bneck(`features_${i + 1}`, row, mode)),
      ...convBn(
        { name: `features_${bnecks.length + 1}`, filters: 6 * last, kernel: 1, activation: HS },
        mode,
      ),
      globalAvgPool({ name: 'avgpool' }),
      dense({ name: 'classifier_0', units: lastChannel, activation: HS }),
      dense({ name: 'classifier_3', units: 1000 }),
    ],
  );
}

/** A bneck row as an inverted residual: SE squeezes to `_make_divisible(expanded // 4, 8)`, ReLU inside, hard-sigmoid gate. */
function bneck(prefix: string, row: Bneck, mode: BatchNormMode): Block {
  const { se, ...spec } = row;
  const squeeze = makeDivisible8(Math.floor(row.expanded / 4));
  return invertedResidual(
    prefix,
    se
      ? {
          ...spec,
          se: { channels: row.expanded, squeeze, activation: 'relu', gate: 'hardsigmoid' },
        }
      : spec,
    mode,
  );
}
