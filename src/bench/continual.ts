/**
 * Continual-learning kernels (issue #21). Target: the empirical Fisher
 * diagonal of the FedAvg 2NN (784-200-200-10, 199,210 parameters) over
 * 2,000 MNIST digits in under 2 s on the wasm backend. Also times reservoir
 * sampling of all 10,000 digits into a 200-sample replay buffer.
 */
import { RandomStreams } from '../engine/random.js';
import { diagonalFisher } from '../ml/continual/fisher.js';
import { ReservoirBuffer } from '../ml/continual/reservoir.js';
import { featureCount } from '../ml/data/dataset.js';
import { loadMnist } from '../ml/data/mnist.js';
import { subset } from '../ml/data/split.js';
import { buildModel } from '../ml/models/zoo.js';
import { initBackend } from '../ml/runtime.js';
import type { BenchCase } from './harness.js';

const FISHER_SAMPLES = 2000;
const REPLAY_CAPACITY = 200;

/** Starts the wasm backend, builds the 2NN and loads MNIST, then returns the cases. */
export async function continualCases(): Promise<BenchCase[]> {
  await initBackend('wasm');
  const mnist = loadMnist();
  // Every 5th digit: the package stores digits class by class, so all ten classes occur.
  const data = subset(
    mnist,
    Array.from({ length: FISHER_SAMPLES }, (_, i) => i * 5),
  );
  const model = buildModel('2nn', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  return [
    {
      name: `continual: empirical Fisher diagonal of the 2NN over ${FISHER_SAMPLES} MNIST digits`,
      run: () => {
        diagonalFisher(model, data);
        return FISHER_SAMPLES;
      },
      unit: 'samples',
    },
    {
      name: `continual: reservoir of ${REPLAY_CAPACITY} from ${mnist.count} MNIST digits`,
      run: () => {
        const stream = new RandomStreams(1).stream('replay');
        const buffer = new ReservoirBuffer(REPLAY_CAPACITY, featureCount(mnist), stream);
        buffer.offerAll(mnist);
        return mnist.count;
      },
      unit: 'samples',
    },
  ];
}
