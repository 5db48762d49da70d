/**
 * Training throughput of the CNN of the FedAvg paper (McMahan et al.,
 * "Communication-Efficient Learning of Deep Networks from Decentralized Data",
 * AISTATS 2017): 28x28x1 input; conv 5x5 32 'same' relu; max-pool 2x2;
 * conv 5x5 64 'same' relu; max-pool 2x2; flatten; dense 512 relu; dense 10.
 * Plain SGD on softmax cross-entropy over one fixed, seeded random batch.
 */
import { RandomStreams } from '../engine/random.js';
import { initBackend, tf } from '../ml/runtime.js';

const IMAGE_SIDE = 28;
const CLASSES = 10;

/** The FedAvg CNN, with seeded initial weights. */
function fedAvgCnn(): tf.Sequential {
  const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [IMAGE_SIDE, IMAGE_SIDE, 1],
        kernelSize: 5,
        filters: 32,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: seeded(1),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({
        kernelSize: 5,
        filters: 64,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: seeded(2),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 512, activation: 'relu', kernelInitializer: seeded(3) }),
      tf.layers.dense({ units: CLASSES, kernelInitializer: seeded(4) }),
    ],
  });
}

/** A batch of N(0, 1) images and uniformly drawn one-hot labels. */
function randomBatch(batchSize: number): { images: tf.Tensor4D; labels: tf.Tensor } {
  const rng = new RandomStreams(1).stream('cnn-training-bench');
  const pixels = new Float32Array(batchSize * IMAGE_SIDE * IMAGE_SIDE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.normal();
  const classes = Int32Array.from({ length: batchSize }, () => rng.integer(CLASSES));
  return {
    images: tf.tensor4d(pixels, [batchSize, IMAGE_SIDE, IMAGE_SIDE, 1]),
    labels: tf.tidy(() => tf.oneHot(tf.tensor1d(classes, 'int32'), CLASSES).toFloat()),
  };
}

/**
 * Trains the FedAvg CNN with SGD (learning rate 0.01) on `backend`, takes
 * `warmupSteps` untimed steps, then times `steps` steps of `batchSize`
 * samples; returns samples per second of wall time. Leaves `backend` active
 * and frees every tensor it made.
 */
export async function cnnTrainingThroughput(
  backend: 'wasm' | 'cpu',
  steps: number,
  batchSize: number,
  warmupSteps = 2,
): Promise<{ samplesPerS: number }> {
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`steps(=${steps}) must be an integer >= 1`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize(=${batchSize}) must be an integer >= 1`);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0)
    throw new RangeError(`warmupSteps(=${warmupSteps}) must be an integer >= 0`);
  await initBackend(backend);
  const model = fedAvgCnn();
  const optimizer = tf.train.sgd(0.01);
  const { images, labels } = randomBatch(batchSize);
  const step = (): void => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(labels, model.apply(images) as tf.Tensor2D),
      true,
    );
    loss?.dataSync();
    loss?.dispose();
  };
  for (let i = 0; i < warmupSteps; i++) step();
  const startMs = performance.now();
  for (let i = 0; i < steps; i++) step();
  const elapsedS = (performance.now() - startMs) / 1000;
  tf.dispose([images, labels]);
  optimizer.dispose();
  model.dispose();
  return { samplesPerS: (steps * batchSize) / elapsedS };
}
