/**
 * MNASNet 0.5 as torchvision builds it (`tv_models.mnasnet0_5`, the model
 * Qualcomm AI Hub benchmarks as `mnasnet05`), 224x224x3 input, 1000 ImageNet
 * classes.
 *
 * Tan et al. "MnasNet: Platform-Aware Neural Architecture Search for Mobile."
 * CVPR 2019 (arXiv:1807.11626); torchvision implements its B1 variant. Read
 * from pytorch/vision `torchvision/models/mnasnet.py` (commit
 * 8c118f16b43ef496f8310ac11943c86bbfd377a6), `MNASNet` at `_version = 2`:
 * depths `_round_to_multiple_of(d x 0.5, 8)` of [32, 16, 24, 40, 80, 96,
 * 192, 320], i.e. [16, 8, 16, 24, 40, 48, 96, 160] (`DEPTHS` below; version
 * 2 scales the stem too, where version 1 kept 32 and 16); a stem of a 3x3
 * stride-2 convolution to 16 (ReLU), a 3x3 depthwise convolution (ReLU) and
 * a linear 1x1 convolution to 8; six `_stack`s of `_InvertedResidual`s (the
 * rows of `STACKS`), each a 1x1 expansion to input x factor channels (ReLU),
 * a depthwise convolution of the row's kernel (padding k // 2, ReLU) and a
 * linear 1x1 projection, with the input added back when the stride is 1 and
 * the channels match (every block of a stack but its first); a 1x1
 * convolution to 1280 (ReLU), `x.mean([2, 3])`, and Dropout(0.2) +
 * Linear(1280, 1000). Every convolution has no bias and is followed by batch
 * norm; its padding gives the same maps as `same`.
 *
 * Published (the same file, `MNASNet0_5_Weights.IMAGENET1K_V1`, the
 * checkpoint `mnasnet0.5_top1_67.823-3ffadce67e.pth`): `num_params` 2,218,512
 * and `_ops` 0.104 (GFLOPS 0.10 on
 * pytorch.org/vision/stable/models/generated/torchvision.models.mnasnet0_5.html).
 * The card counts 2,218,512 parameters with BN kept separate (2,208,200
 * folded), which holds only for version 2's stem (version 1's would add
 * 2,312), and 104,455,968 multiply-accumulates in its convolutions and
 * classifier (103,175,968 in the convolutions, 1,280,000 in the classifier),
 * which rounds to `_ops`; that `_ops` counts multiply-adds is inferred from
 * this agreement, as for MobileNetV3. Layer names follow torchvision's module
 * paths: `layers_0`, `layers_3` and `layers_6` are the stem's `layers.0`,
 * `.3` and `.6`; `layers_8_0_expand`, `_depthwise` and `_project` are
 * `layers.8.0.layers.0`, `.3` and `.6`; `layers_14` is the last convolution
 * and `classifier_1` the Linear.
 */
import type { CostCard } from '../card.js';
import { type Block, block, sequential } from '../graph.js';
import { dense, globalAvgPool } from '../layers.js';
import { type BatchNormMode, convBn, depthwiseBn, type ZooOptions } from './conv-bn.js';
import { invertedResidual } from './inverted-residual.js';

/** `mnasnet0_5`'s depth multiplier. */
const ALPHA = 0.5;

/** `_get_depths`: the widths before scaling. */
const DEPTHS = [32, 16, 24, 40, 80, 96, 192, 320].map((d) => roundToMultipleOf8(d * ALPHA));

/** One `_stack(in, out, kernel, stride, exp_factor, repeats)`: `out` is `DEPTHS[depth]`. */
interface Stack {
  depth: number;
  kernel: number;
  stride: number;
  expand: number;
  repeats: number;
}

/** The six stacks, `layers.8` to `layers.13`, in `MNASNet.__init__`'s order. */
const STACKS: readonly Stack[] = [
  { depth: 2, kernel: 3, stride: 2, expand: 3, repeats: 3 },
  { depth: 3, kernel: 5, stride: 2, expand: 3, repeats: 3 },
  { depth: 4, kernel: 5, stride: 2, expand: 6, repeats: 3 },
  { depth: 5, kernel: 3, stride: 1, expand: 6, repeats: 2 },
  { depth: 6, kernel: 5, stride: 2, expand: 6, repeats: 4 },
  { depth: 7, kernel: 3, stride: 1, expand: 6, repeats: 1 },
];

/** Index of the first stack in `layers` (after the stem's eight modules). */
const FIRST_STACK = 8;

/** The MNASNet 0.5 cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function mnasNet05(options: ZooOptions = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const [stem = 0, separable = 0] = DEPTHS;
  const last = FIRST_STACK + STACKS.length;
  return sequential(
    'mnasnet-0.5',
    [224, 224, 3],
    [
      ...convBn(
        { name: 'layers_0', filters: stem, kernel: 3, stride: 2, activation: 'relu' },
        mode,
      ),
      ...depthwiseBn({ name: 'layers_3', kernel: 3, activation: 'relu' }, mode),
      ...convBn({ name: 'layers_6', filters: separable, kernel: 1 }, mode),
      ...STACKS.map((row, i) => stack(`layers_${FIRST_STACK + i}`, row, mode)),
      ...convBn({ name: `layers_${last}`, filters: 1280, kernel: 1, activation: 'relu' }, mode),
      globalAvgPool({ name: 'mean' }),
      dense({ name: 'classifier_1', units: 1000 }),
    ],
  );
}

/** `_stack`: `repeats` inverted residuals, the first from the previous depth with the row's stride. */
function stack(prefix: string, row: Stack, mode: BatchNormMode): Block {
  const filters = DEPTHS[row.depth] ?? 0;
  const input = DEPTHS[row.depth - 1] ?? 0;
  const blocks = Array.from({ length: row.repeats }, (_, i) => {
    const inCh = i === 0 ? input : filters;
    return invertedResidual(
      `${i}`,
      {
        input: inCh,
        expanded: inCh * row.expand,
        filters,
        kernel: row.kernel,
        stride: i === 0 ? row.stride : 1,
        activation: 'relu',
      },
      mode,
    );
  });
  return block(prefix, blocks);
}

/**
 * torchvision's `_round_to_multiple_of(v, 8, 0.9)`: the multiple of 8 nearest
 * `v` (at least 8), raised by 8 when that falls below 0.9 x `v`.
 */
function roundToMultipleOf8(v: number): number {
  const rounded = Math.max(8, Math.floor((v + 4) / 8) * 8);
  return rounded >= 0.9 * v ? rounded : rounded + 8;
}
