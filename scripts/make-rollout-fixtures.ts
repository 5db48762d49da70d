/**
 * Writes the model versions the rollout workload's tests and
 * scenarios/rollout.yaml update between: real models, trained with
 * TensorFlow.js (wasm backend, bit-reproducible) and encoded with edgesim's
 * own model encoder (`.edgm`, as `edgesim compress` writes them).
 *
 *   npx tsx scripts/make-rollout-fixtures.ts [out-dir]   (default scenarios/models/rollout)
 *
 * - `base.edgm`: an MLP 784-32-10 (ReLU, seeded Glorot init) trained for one
 *   epoch (SGD, lr 0.05, batch 32) on the mnist package's training split
 *   (testFraction 0.2, seed 1);
 * - `finetuned-head.edgm`: `base` fine-tuned on a shifted subset (digits 0-4
 *   only) for 20 SGD steps with the hidden layer frozen: only `fc2` changes
 *   (a new head, the common on-device case);
 * - `finetuned-full.edgm`: `base` fine-tuned on the same subset for 20 SGD
 *   steps, every layer trainable (a weight changes where its gradient is
 *   nonzero: fc1 rows of pixels that are 0 in every sample seen stay put);
 * - `other-arch.edgm`: an MLP 784-16-10 trained the same way as `base`
 *   (a different architecture: a delta against it is refused).
 *
 * Every model is float32; each file rebuilds its model alone
 * (`loadEncodedModel`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../src/ml/data/dataset.js';
import { loadSplit } from '../src/ml/data/from-spec.js';
import type { ModelHandle } from '../src/ml/models/handle.js';
import { initializeWeights } from '../src/ml/models/init.js';
import { initBackend, tf } from '../src/ml/runtime.js';
import { trainModel } from '../src/ml/train.js';
import { encodeModel } from '../src/workloads/compress/encode-model.js';
import { startVariant } from '../src/workloads/compress/variant.js';

const SEED = 1;
const FINE_TUNE_STEPS = 20;

function mlp(hidden: number): ModelHandle {
  const model = tf.sequential({
    name: `mlp-${hidden}`,
    layers: [
      tf.layers.flatten({ name: 'flatten', inputShape: [28, 28, 1] }),
      tf.layers.dense({
        name: 'fc1',
        units: hidden,
        activation: 'relu',
        kernelInitializer: 'zeros',
      }),
      tf.layers.dense({ name: 'fc2', units: 10, kernelInitializer: 'zeros' }),
    ],
  });
  initializeWeights(model, SEED);
  return { model, outputs: 'logits' };
}

function subset(data: Dataset, keep: (label: number) => boolean): Dataset {
  const width = data.features.length / data.count;
  const indices = [...data.labels.keys()].filter((i) => keep(data.labels[i]!));
  const features = new Float32Array(indices.length * width);
  indices.forEach((i, k) => {
    features.set(data.features.subarray(i * width, (i + 1) * width), k * width);
  });
  return {
    ...data,
    name: `${data.name}[0-4]`,
    features,
    labels: Int32Array.from(indices, (i) => data.labels[i]!),
    count: indices.length,
  };
}

function write(dir: string, name: string, handle: ModelHandle): void {
  const { bytes } = encodeModel(startVariant(name, handle));
  writeFileSync(join(dir, `${name}.edgm`), bytes);
  console.log(`${name}.edgm: ${bytes.length} bytes`);
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? 'scenarios/models/rollout';
  mkdirSync(dir, { recursive: true });
  await initBackend('wasm');
  const { train } = loadSplit({ kind: 'mnist', testFraction: 0.2 }, '.', SEED);
  const options = { optimizer: 'sgd', learningRate: 0.05, batchSize: 32, seed: SEED } as const;
  const base = mlp(32);
  trainModel(base, train, { ...options, epochs: 1 });
  write(dir, 'base', base);

  const shifted = subset(train, (label) => label < 5);
  const fineTune = { ...options, epochs: 1, maxSteps: FINE_TUNE_STEPS, seed: SEED + 1 };
  const head = startVariant('finetuned-head', base).handle;
  head.model.getLayer('fc1').trainable = false;
  trainModel(head, shifted, fineTune);
  head.model.getLayer('fc1').trainable = true;
  write(dir, 'finetuned-head', head);

  const full = startVariant('finetuned-full', base).handle;
  trainModel(full, shifted, fineTune);
  write(dir, 'finetuned-full', full);

  const other = mlp(16);
  trainModel(other, train, { ...options, epochs: 1 });
  write(dir, 'other-arch', other);
}

await main();
