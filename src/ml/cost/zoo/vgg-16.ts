/**
 * VGG-16 (configuration D), 224x224x3 input, 1000 ImageNet classes.
 *
 * Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale
 * Image Recognition", ICLR 2015 (arXiv:1409.1556), Table 1 column D: five
 * stages of 3x3 convolutions (stride 1, 'same' padding, ReLU) of 64, 128,
 * 256, 512 and 512 filters (2, 2, 3, 3, 3 layers), each stage ending in a
 * 2x2 max pool of stride 2, then dense layers of 4096, 4096 and 1000 units.
 * The layout of `keras.applications.VGG16` (layer names `block1_conv1`,
 * ..., `fc1`, `fc2`, `predictions`), the model Coral's benchmark table runs.
 *
 * Worked by hand: the convolutions hold 14,714,688 parameters and the dense
 * layers 102,764,544 + 16,781,312 + 4,097,000, 138,357,544 in all (Keras
 * reports 138,357,544 for VGG16 with its top); multiply-accumulates
 * 15,346,630,656 in the convolutions and 123,633,664 in the dense layers,
 * 15.47 G (the "15.5 G" commonly quoted).
 */
import type { CostCard } from '../card.js';
import { type Block, sequential } from '../graph.js';
import { conv2d, dense, flatten, maxPool } from '../layers.js';

/** Filters of each stage's 3x3 convolutions (configuration D). */
const STAGES: readonly (readonly number[])[] = [
  [64, 64],
  [128, 128],
  [256, 256, 256],
  [512, 512, 512],
  [512, 512, 512],
];

/** The VGG-16 cost card (224x224x3 input, 1000 classes). */
export function vgg16(): CostCard {
  const layers: Block[] = STAGES.flatMap((filters, s) => [
    ...filters.map((f, i) =>
      conv2d({
        name: `block${s + 1}_conv${i + 1}`,
        filters: f,
        kernel: 3,
        activation: 'relu',
      }),
    ),
    maxPool({ name: `block${s + 1}_pool`, pool: 2, stride: 2 }),
  ]);
  return sequential(
    'vgg-16',
    [224, 224, 3],
    [
      ...layers,
      flatten({ name: 'flatten' }),
      dense({ name: 'fc1', units: 4096, activation: 'relu' }),
      dense({ name: 'fc2', units: 4096, activation: 'relu' }),
      dense({ name: 'predictions', units: 1000, activation: 'softmax' }),
    ],
  );
}
