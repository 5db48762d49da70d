/**
 * The CNN of the FedAvg paper for MNIST.
 *
 * McMahan, Moore, Ramage, Hampson, Agüera y Arcas. "Communication-Efficient
 * Learning of Deep Networks from Decentralized Data." AISTATS 2017
 * (arXiv:1602.05629), Section 3: two 5x5 convolutions (32 and 64 channels,
 * each followed by 2x2 max pooling), a fully connected layer of 512 units
 * with ReLU, and a softmax output; 1,663,370 parameters in total.
 *
 * Worked by hand: conv 5*5*1*32 + 32 = 832; conv 5*5*32*64 + 64 = 51,264;
 * dense (7*7*64 = 3,136) * 512 + 512 = 1,606,144; dense 512 * 10 + 10 = 5,130.
 */
import type { CostCard } from '../card.js';
import { sequential } from '../graph.js';
import { conv2d, dense, flatten, maxPool } from '../layers.js';

/** The FedAvg MNIST CNN cost card (no batch norm). */
export function fedAvgCnn(): CostCard {
  return sequential(
    'fedavg-cnn',
    [28, 28, 1],
    [
      conv2d({ name: 'conv1', filters: 32, kernel: 5, padding: 'same', activation: 'relu' }),
      maxPool({ name: 'pool1', pool: 2 }),
      conv2d({ name: 'conv2', filters: 64, kernel: 5, padding: 'same', activation: 'relu' }),
      maxPool({ name: 'pool2', pool: 2 }),
      flatten(),
      dense({ name: 'fc1', units: 512, activation: 'relu' }),
      dense({ name: 'fc2', units: 10, activation: 'softmax' }),
    ],
  );
}
