/**
 * AlexNet, single-stream, as torchvision defines it: the model of the
 * Neurosurgeon split-computing study (Kang et al., ASPLOS 2017), whose large
 * early activations shrink at each max pooling.
 *
 * Krizhevsky, "One weird trick for parallelizing convolutional neural
 * networks", arXiv:1404.5997 (2014), the single-column AlexNet of
 * Krizhevsky, Sutskever, Hinton, NIPS 2012. Layer by layer from
 * pytorch/vision `torchvision/models/alexnet.py` (commit
 * 00658a22f8824fb29cb53b7fc12c2e8097038dfb): conv 11x11/4 pad 2 (64), max
 * pool 3/2, conv 5x5 pad 2 (192), max pool 3/2, conv 3x3 pad 1 (384, 256,
 * 256), max pool 3/2, then (dropout, inactive at inference) dense 4096, 4096
 * and 1000, ReLU fused after every conv and the first two dense layers. The
 * `AdaptiveAvgPool2d((6, 6))` is the identity on the 6x6 map a 224x224 input
 * gives, so it is left out.
 *
 * Worked by hand: parameters 23,296 + 307,392 + 663,936 + 884,992 + 590,080
 * + 37,752,832 + 16,781,312 + 4,097,000 = 61,100,840, torchvision's
 * `num_params` for `AlexNet_Weights.IMAGENET1K_V1`
 * (https://pytorch.org/vision/stable/models/generated/torchvision.models.alexnet.html);
 * multiply-accumulates 714,188,480 (torchvision lists 0.71 "GFLOPS", its
 * name for GMACs). Activations at fp32: the input 602 kB, conv1 774 kB,
 * pool1 187 kB, pool2 130 kB, pool3 36.9 kB, fc6 16.4 kB.
 */
import type { CostCard } from '../card.js';
import { sequential } from '../graph.js';
import { conv2d, dense, flatten, maxPool } from '../layers.js';

/** The AlexNet cost card (torchvision's layout; 224x224x3 input, 1000 classes). */
export function alexNet(): CostCard {
  const relu = 'relu';
  return sequential(
    'alexnet',
    [224, 224, 3],
    [
      conv2d({ name: 'conv1', filters: 64, kernel: 11, stride: 4, padding: 2, activation: relu }),
      maxPool({ name: 'pool1', pool: 3, stride: 2 }),
      conv2d({ name: 'conv2', filters: 192, kernel: 5, padding: 2, activation: relu }),
      maxPool({ name: 'pool2', pool: 3, stride: 2 }),
      conv2d({ name: 'conv3', filters: 384, kernel: 3, padding: 1, activation: relu }),
      conv2d({ name: 'conv4', filters: 256, kernel: 3, padding: 1, activation: relu }),
      conv2d({ name: 'conv5', filters: 256, kernel: 3, padding: 1, activation: relu }),
      maxPool({ name: 'pool5', pool: 3, stride: 2 }),
      flatten({ name: 'flatten' }),
      dense({ name: 'fc6', units: 4096, activation: relu }),
      dense({ name: 'fc7', units: 4096, activation: relu }),
      dense({ name: 'fc8', units: 1000 }),
    ],
  );
}
