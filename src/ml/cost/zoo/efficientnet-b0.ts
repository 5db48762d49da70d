/**
 * EfficientNet-B0 and -B4 as torchvision builds them (`tv_models.efficientnet_b0`
 * and `tv_models.efficientnet_b4`, the models Qualcomm AI Hub benchmarks),
 * 1000 ImageNet classes.
 *
 * Tan, Le. "EfficientNet: Rethinking Model Scaling for Convolutional Neural
 * Networks." ICML 2019 (arXiv:1905.11946), Table 1: the stages of
 * `B0_STAGES` (efficientnet-lite0.ts), which are `_efficientnet_conf`'s
 * `bneck_conf` rows in pytorch/vision `torchvision/models/efficientnet.py`
 * (commit 53938452198c9433ef9054a801347cff533bdc93; the scaling below as
 * read at 07a929e8b851242b1c75c9016ee06a8e502961d8). From that file: a stem
 * of 32 filters (3x3, stride 2, SiLU); each MBConv a 1x1 expansion to
 * input x ratio channels (absent at ratio 1), a depthwise convolution (SiLU),
 * squeeze-and-excitation with max(1, input // 4) squeeze channels of the
 * block's INPUT width, SiLU inside and the default sigmoid gate, a linear 1x1
 * projection, and a residual add when the stride is 1 and the channels match
 * (stochastic depth before it is the identity at inference); a head 1x1
 * convolution of 4 x the last stage's width (SiLU), global average pooling,
 * and Dropout + Linear(head, 1000). Convolutions have no bias; BN follows
 * each; padding (k - 1) / 2 gives the same maps as `same`.
 *
 * A larger model scales B0's rows (`MBConvConfig`): every width, the stem's
 * included, by `_MBConvConfig.adjust_channels(c, width_mult)` =
 * `_make_divisible(c * width_mult, 8)`, every repeat count by `adjust_depth`
 * = ceil(n * depth_mult), and the expansion to
 * `adjust_channels(input, ratio)`. B4 is width 1.4, depth 1.8: stem 48; rows
 * of 24, 32, 56, 112, 160, 272, 448 channels repeated 2, 4, 4, 6, 6, 8, 2
 * times; head 4 x 448 = 1792; Dropout(0.4).
 *
 * Published (pytorch.org/vision/stable/models/generated/torchvision.models.efficientnet_b0.html,
 * `EfficientNet_B0_Weights.IMAGENET1K_V1`): num_params 5,288,548 and
 * GFLOPS 0.39. The B0 card counts 5,288,548 parameters with BN kept separate
 * (5,267,540 folded) and 385,814,752 multiply-accumulates in its convolutions
 * and classifier (383,907,552 in the backbone, as efficientnet-lite0's,
 * 627,200 in the SE convolutions, 1,280,000 in the classifier), which rounds
 * to that figure; that it counts multiply-adds is inferred from this
 * agreement, not stated on the page.
 * B4 (`EfficientNet_B4_Weights.IMAGENET1K_V1`, .../torchvision.models.efficientnet_b4.html):
 * num_params 19,341,616 and GFLOPS 4.39 at the weights' 380x380 crop
 * (`_ops` 4.394 in the newer efficientnet.py; 4.4 at 07a929e8). The card
 * counts 19,341,616 parameters with BN kept separate (19,279,016 folded) and,
 * at 380, 4,393,771,024 multiply-adds. Its default input is torchvision's
 * 380x380; `efficientnet-b4-224` is the 224x224 AI Hub times it at (as
 * `inception-v3-224` is): `efficientnet_b4/model.py` keeps the shared
 * `ImagenetClassifier.get_input_spec`, whose side is `IMAGENET_DIM` = 224
 * (qai_hub_models/utils/image_processing.py, quic/ai-hub-models at
 * 7f338c01bfcf3a7ea824a39638b81384343f2849 and
 * 52c080d245d2d20c634459208ff2548ce10b3c9f), although its info.yaml says
 * "Input resolution: 380x380". At 224 it does 1,503,710,432 multiply-adds.
 * Layer names follow torchvision's module paths: `features_2_0_expand` is
 * the expansion of `features.2.0`, `classifier_1` is `classifier.1`.
 */
import type { CostCard } from '../card.js';
import { type Block, sequential } from '../graph.js';
import { dense, globalAvgPool } from '../layers.js';
import { type BatchNormMode, convBn, makeDivisible8, type ZooOptions } from './conv-bn.js';
import { B0_STAGES } from './efficientnet-lite0.js';
import { invertedResidual } from './inverted-residual.js';

/** torchvision's compound scaling of B0: `width_mult` and `depth_mult`. */
interface Scaling {
  width: number;
  depth: number;
}

/** Options for `efficientNetB4`. */
export interface EfficientNetB4Options extends ZooOptions {
  /**
   * Input height and width (default 380, torchvision's; Qualcomm AI Hub
   * times it at 224). Another size is named `efficientnet-b4-<size>`.
   */
  resolution?: number;
}

/** The EfficientNet-B0 cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function efficientNetB0(options: ZooOptions = {}): CostCard {
  return efficientNet('efficientnet-b0', { width: 1, depth: 1 }, 224, options);
}

/** The EfficientNet-B4 cost card, at 380x380 unless `resolution` is given (see the file comment). */
export function efficientNetB4(options: EfficientNetB4Options = {}): CostCard {
  const resolution = options.resolution ?? 380;
  const name = resolution === 380 ? 'efficientnet-b4' : `efficientnet-b4-${resolution}`;
  return efficientNet(name, { width: 1.4, depth: 1.8 }, resolution, options);
}

function efficientNet(
  name: string,
  scaling: Scaling,
  resolution: number,
  options: ZooOptions,
): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const stem = adjustChannels(32, scaling.width);
  const stages = B0_STAGES.map((row) => ({
    ...row,
    filters: adjustChannels(row.filters, scaling.width),
    repeats: Math.ceil(row.repeats * scaling.depth),
  }));
  // Row r is torchvision's features.(r + 1); its first block reads the previous row's width.
  const blocks = stages.flatMap((row, stage) =>
    Array.from({ length: row.repeats }, (_, i) => {
      const input = i > 0 ? row.filters : (stages[stage - 1]?.filters ?? stem);
      const spec = { ...row, stride: i === 0 ? row.stride : 1 };
      return mbConv(`features_${stage + 1}_${i}`, input, spec, mode);
    }),
  );
  const head = 4 * (stages[stages.length - 1]?.filters ?? stem);
  return sequential(
    name,
    [resolution, resolution, 3],
    [
      ...convBn(
        { name: 'features_0', filters: stem, kernel: 3, stride: 2, activation: 'silu' },
        mode,
      ),
      ...blocks,
      ...convBn(
        { name: `features_${stages.length + 1}`, filters: head, kernel: 1, activation: 'silu' },
        mode,
      ),
      globalAvgPool({ name: 'avgpool' }),
      dense({ name: 'classifier_1', units: 1000 }),
    ],
  );
}

/** `_MBConvConfig.adjust_channels`: `_make_divisible(channels x mult, 8)` (1.4 x 16 = 22.4 gives 24, 1.4 x 112 = 156.8 gives 160). */
function adjustChannels(channels: number, mult: number): number {
  return makeDivisible8(channels * mult);
}

/** An MBConv: SiLU, and SE squeezing to max(1, input // 4) with a sigmoid gate. */
function mbConv(
  prefix: string,
  input: number,
  spec: { kernel: number; stride: number; expand: number; filters: number },
  mode: BatchNormMode,
): Block {
  const { kernel, stride, expand, filters } = spec;
  const expanded = adjustChannels(input, expand);
  const squeeze = Math.max(1, Math.floor(input / 4));
  return invertedResidual(
    prefix,
    {
      input,
      expanded,
      filters,
      kernel,
      stride,
      activation: 'silu',
      se: { channels: expanded, squeeze, activation: 'silu', gate: 'sigmoid' },
    },
    mode,
  );
}
