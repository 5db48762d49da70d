/**
 * VGG (configurations A, B, D and E), 224x224x3 input, 1000 ImageNet classes.
 *
 * Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale
 * Image Recognition", ICLR 2015 (arXiv:1409.1556), Table 1: five stages of
 * 3x3 convolutions (stride 1, 'same' padding, ReLU) of 64, 128, 256, 512 and
 * 512 filters, each stage ending in a 2x2 max pool of stride 2, then dense
 * layers of 4096, 4096 and 1000 units. Convolutions per stage: A (VGG-11)
 * 1, 1, 2, 2, 2; B (VGG-13) 2, 2, 2, 2, 2; D (VGG-16) 2, 2, 3, 3, 3; E (VGG-19)
 * 2, 2, 4, 4, 4. Layer names follow Keras (`block1_conv1`, ..., `fc1`, `fc2`,
 * `predictions`) for every depth; in torchvision's module paths they are
 * `features.0`, `features.2`, ... and `classifier.0`, `.3`, `.6`.
 *
 * `vgg16()` is `keras.applications.VGG16`, the model Coral's benchmark table
 * runs: its predictions end in a softmax. Worked by hand: the convolutions
 * hold 14,714,688 parameters and the dense layers 102,764,544 + 16,781,312 +
 * 4,097,000, 138,357,544 in all (Keras reports 138,357,544 for VGG16 with its
 * top); multiply-accumulates 15,346,630,656 in the convolutions and
 * 123,633,664 in the dense layers, 15.47 G (the "15.5 G" commonly quoted).
 *
 * `vgg({ depth })` is torchvision's `vgg11`, `vgg13`, `vgg16` or `vgg19` (no
 * batch norm), whose classifier returns logits: the same layers without the
 * softmax. Layers as pytorch/vision `torchvision/models/vgg.py` (commit
 * 02196ff416e2ccfe1127d1c1a8745e47afa2fd93) builds them: `cfgs` 'A', 'B', 'D',
 * 'E'; `Conv2d(kernel_size=3, padding=1)` with bias, then ReLU; `MaxPool2d(2,
 * 2)`; `AdaptiveAvgPool2d((7, 7))`, which at 224x224 input receives a 7x7
 * map and is the identity (the card leaves it out); `Linear(512 * 7 * 7,
 * 4096)`, ReLU, Dropout, `Linear(4096, 4096)`, ReLU, Dropout, `Linear(4096,
 * 1000)` (dropout is the identity at inference and has no layer here).
 * Published (`VGG11_Weights`, `VGG13_Weights`, `VGG19_Weights.IMAGENET1K_V1`
 * in vgg.py, read in an indexed copy of the current file whose commit was not
 * given; the model pages pytorch.org/vision/main/models/generated/
 * torchvision.models.vgg13.html and .../stable/.../torchvision.models.vgg19.html
 * show the same `num_params` and `_ops` to two places): `num_params`
 * 132,863,336, 133,047,848 and 143,667,240; `_ops` 7.609, 11.308 and 19.632.
 * The cards count exactly those parameters and 7,609,090,048, 11,308,466,176
 * and 19,632,062,464 multiply-accumulates, each `_ops` to its three places
 * (counted again by a script written from vgg.py, not from the cards).
 */
import type { CostCard } from '../card.js';
import { type Block, sequential } from '../graph.js';
import { conv2d, dense, flatten, maxPool } from '../layers.js';

/** Weight layers of the configurations built here: 11 (A), 13 (B), 16 (D), 19 (E). */
export type VggDepth = 11 | 13 | 16 | 19;

/** Options for `vgg`. */
export interface VggOptions {
  /** Default 16. */
  depth?: VggDepth;
  /**
   * `torchvision` (default): the classifier returns logits. `keras`:
   * `keras.applications`' layout, whose predictions end in a softmax.
   */
  reference?: 'torchvision' | 'keras';
}

/** The filters of each stage (Table 1) are these; the configurations differ in how many convolutions a stage has. */
const FILTERS = [64, 128, 256, 512, 512] as const;

/** Convolutions per stage of each configuration (Table 1 columns A, B, D, E). */
const CONVS_PER_STAGE: Readonly<Record<VggDepth, readonly number[]>> = {
  11: [1, 1, 2, 2, 2],
  13: [2, 2, 2, 2, 2],
  16: [2, 2, 3, 3, 3],
  19: [2, 2, 4, 4, 4],
};

/** The VGG-16 cost card as Keras builds it (224x224x3 input, 1000 classes, softmax). */
export function vgg16(): CostCard {
  return vgg({ depth: 16, reference: 'keras' });
}

/** A VGG cost card of the given depth (224x224x3 input, 1000 classes); named `vgg-<depth>`. */
export function vgg(options: VggOptions = {}): CostCard {
  const depth = options.depth ?? 16;
  const convs = CONVS_PER_STAGE[depth];
  if (convs === undefined) {
    throw new RangeError(`vgg: depth(=${depth}) must be 11, 13, 16 or 19`);
  }
  const layers: Block[] = FILTERS.flatMap((filters, s) => [
    ...Array.from({ length: convs[s] ?? 0 }, (_, i) =>
      conv2d({
        name: `block${s + 1}_conv${i + 1}`,
        filters,
        kernel: 3,
        activation: 'relu',
      }),
    ),
    maxPool({ name: `block${s + 1}_pool`, pool: 2, stride: 2 }),
  ]);
  const softmax = options.reference === 'keras' ? { activation: 'softmax' } : {};
  return sequential(
    `vgg-${depth}`,
    [224, 224, 3],
    [
      ...layers,
      flatten({ name: 'flatten' }),
      dense({ name: 'fc1', units: 4096, activation: 'relu' }),
      dense({ name: 'fc2', units: 4096, activation: 'relu' }),
      dense({ name: 'predictions', units: 1000, ...softmax }),
    ],
  );
}
