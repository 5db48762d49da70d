/**
 * EfficientNet-B0 as torchvision builds it (`tv_models.efficientnet_b0`, the
 * model Qualcomm AI Hub benchmarks), 224x224x3 input, 1000 ImageNet classes.
 *
 * Tan, Le. "EfficientNet: Rethinking Model Scaling for Convolutional Neural
 * Networks." ICML 2019 (arXiv:1905.11946), Table 1: the stages of
 * `B0_STAGES` (efficientnet-lite0.ts), which are `_efficientnet`'s
 * `bneck_conf` rows in pytorch/vision `torchvision/models/efficientnet.py`
 * (commit 53938452198c9433ef9054a801347cff533bdc93). From that file: a stem
 * of 32 filters (3x3, stride 2, SiLU); each MBConv a 1x1 expansion to
 * input x ratio channels (absent at ratio 1; torchvision rounds to a multiple
 * of 8, which these widths already are), a depthwise convolution (SiLU),
 * squeeze-and-excitation with max(1, input // 4) squeeze channels of the
 * block's INPUT width, SiLU inside and the default sigmoid gate, a linear 1x1
 * projection, and a residual add when the stride is 1 and the channels match
 * (stochastic depth before it is the identity at inference); a head 1x1
 * convolution of 4 x 320 = 1280 filters (SiLU), global average pooling, and
 * Dropout(0.2) + Linear(1280, 1000). Convolutions have no bias; BN follows
 * each; padding (k - 1) / 2 gives the same maps as `same`.
 *
 * Published (pytorch.org/vision/stable/models/generated/torchvision.models.efficientnet_b0.html,
 * `EfficientNet_B0_Weights.IMAGENET1K_V1`): num_params 5,288,548 and
 * GFLOPS 0.39. The card counts 5,288,548 parameters with BN kept separate
 * (5,267,540 folded) and 385,814,752 multiply-accumulates in its convolutions
 * and classifier (383,907,552 in the backbone, as efficientnet-lite0's,
 * 627,200 in the SE convolutions, 1,280,000 in the classifier), which rounds
 * to that figure; that it counts multiply-adds is inferred from this
 * agreement, not stated on the page.
 * Layer names follow torchvision's module paths: `features_2_0_expand` is
 * the expansion of `features.2.0`, `classifier_1` is `classifier.1`.
 */
import type { CostCard } from '../card.js';
import { type Block, sequential } from '../graph.js';
import { dense, globalAvgPool } from '../layers.js';
import { type BatchNormMode, convBn, type ZooOptions } from './conv-bn.js';
import { B0_STAGES } from './efficientnet-lite0.js';
import { invertedResidual } from './inverted-residual.js';

const STEM_FILTERS = 32;

/** The EfficientNet-B0 cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function efficientNetB0(options: ZooOptions = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  // Row r is torchvision's features.(r + 1); its first block reads the previous row's width.
  const blocks = B0_STAGES.flatMap((row, stage) =>
    Array.from({ length: row.repeats }, (_, i) => {
      const input = i > 0 ? row.filters : (B0_STAGES[stage - 1]?.filters ?? STEM_FILTERS);
      const spec = { ...row, stride: i === 0 ? row.stride : 1 };
      return mbConv(`features_${stage + 1}_${i}`, input, spec, mode);
    }),
  );
  return sequential(
    'efficientnet-b0',
    [224, 224, 3],
    [
      ...convBn(
        { name: 'features_0', filters: STEM_FILTERS, kernel: 3, stride: 2, activation: 'silu' },
        mode,
      ),
      ...blocks,
      ...convBn({ name: 'features_8', filters: 1280, kernel: 1, activation: 'silu' }, mode),
      globalAvgPool({ name: 'avgpool' }),
      dense({ name: 'classifier_1', units: 1000 }),
    ],
  );
}

/** An MBConv: SiLU, and SE squeezing to max(1, input // 4) with a sigmoid gate. */
function mbConv(
  prefix: string,
  input: number,
  spec: { kernel: number; stride: number; expand: number; filters: number },
  mode: BatchNormMode,
): Block {
  const { kernel, stride, expand, filters } = spec;
  const expanded = input * expand;
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
