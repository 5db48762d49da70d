/**
 * The diagonal of the empirical Fisher information of a classifier, the
 * importance weights of Elastic Weight Consolidation (Kirkpatrick et al.,
 * "Overcoming catastrophic forgetting in neural networks", PNAS 2017):
 *
 *   F_k = (1/N) sum_n (d log p(y_n | x_n; theta) / d theta_k)^2,
 *
 * with y_n the sample's TRUE label. This is the "empirical Fisher" (Kunstner,
 * Balles and Hennig, "Limitations of the Empirical Fisher Approximation for
 * Natural Gradient Descent", NeurIPS 2019, Section 2; Martens, "New Insights
 * and Perspectives on the Natural Gradient Method", JMLR 2020, Section 11),
 * not the true Fisher, which draws y from the model's own p(y | x). It needs
 * one real per-sample gradient per sample, not a batch gradient (the square
 * of a mean is not the mean of squares).
 *
 * Two exact paths compute the same quantity:
 * - `per-sample`: one backward pass per sample through TF.js's autodiff
 *   (any model);
 * - `dense`: for a model of only Flatten and Dense layers, the gradient of a
 *   dense layer's kernel for sample n is the outer product a_n delta_n of its
 *   input and the gradient at its pre-activation, so the sum of squares over
 *   a batch is (A∘A)^T (Delta∘Delta), one matmul (the trick of BackPACK,
 *   Dangel, Kunstner and Hennig, ICLR 2020, "BatchL2"/"SumGradSquared").
 *   The deltas come from one batched backward pass, since samples in a batch
 *   do not interact (no batch normalisation in such a model).
 * `auto` (the default) takes `dense` when the model allows it.
 *
 * The model runs in inference mode. The result is a flat vector in the layout
 * of `getFlatWeights`.
 */
import type { Dataset } from '../data/dataset.js';
import { featureCount } from '../data/dataset.js';
import { checkModelFits, type ModelHandle, type ModelLike, toHandle } from '../models/handle.js';
import { trainableVariables, weightLayout } from '../models/weights.js';
import { tf } from '../runtime.js';

/** How to compute the Fisher diagonal (see the file header). */
export type FisherMethod = 'auto' | 'dense' | 'per-sample';

/** Options of {@link diagonalFisher}. */
export interface FisherOptions {
  /** Default `auto`. */
  readonly method?: FisherMethod;
  /** Samples per batched pass of the `dense` path (default 500); does not change the result beyond rounding. */
  readonly batchSize?: number;
  /**
   * An additive output mask `[units, units]` (mask.ts): log p(y | x) is taken
   * over the units row y leaves open, as the head-restricted loss trains.
   * Default none: the softmax over every unit.
   */
  readonly mask?: Float32Array | null;
}

/** Activations the dense path reproduces; others fall back to per-sample. */
const ACTIVATIONS: Readonly<Record<string, (z: tf.Tensor) => tf.Tensor>> = {
  linear: (z) => z,
  relu: (z) => tf.relu(z),
  sigmoid: (z) => tf.sigmoid(z),
  tanh: (z) => tf.tanh(z),
  softmax: (z) => z, // last layer only: log p is logSoftmax of its pre-activation
};

/**
 * The empirical Fisher diagonal of `model` on all of `data` (flat, layout of
 * `getFlatWeights`, float32). Throws a RangeError for an empty dataset, a
 * model that does not fit it, `dense` asked of a model that is not all
 * Flatten/Dense, or a bad batch size. Frees every tensor it creates.
 */
export function diagonalFisher(
  model: ModelLike,
  data: Dataset,
  options: FisherOptions = {},
): Float32Array {
  const handle = toHandle(model);
  checkModelFits(handle, data);
  if (data.count < 1) throw new RangeError(`dataset ${data.name} has no samples (count=0)`);
  const batchSize = options.batchSize ?? 500;
  if (!(Number.isSafeInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`batchSize(=${batchSize}) must be an integer >= 1`);
  }
  const method = options.method ?? 'auto';
  const denseOk = isDenseOnly(handle.model);
  if (method === 'dense' && !denseOk) {
    throw new RangeError(
      `method(='dense') needs a model of only Flatten and Dense layers (linear, relu, sigmoid, tanh; softmax last); ${handle.model.name} has others`,
    );
  }
  const mask = options.mask ?? null;
  const sums =
    method === 'per-sample' || !denseOk
      ? perSampleSums(handle, data, mask)
      : denseSums(handle, data, batchSize, mask);
  const flat = new Float32Array(weightLayout(handle.model).length);
  let offset = 0;
  for (const sum of sums) {
    const values = sum.dataSync() as Float32Array;
    for (let i = 0; i < values.length; i++) flat[offset + i] = values[i]! / data.count;
    offset += values.length;
  }
  tf.dispose(sums);
  return flat;
}

/** Log-probabilities `[batch, classes]` in inference mode, over each label's open units. */
function logProbabilities(
  handle: ModelHandle,
  x: tf.Tensor,
  y: tf.Tensor1D,
  mask: Float32Array | null,
): tf.Tensor2D {
  const out = handle.model.apply(x, { training: false }) as tf.Tensor2D;
  const logits =
    handle.outputs === 'logits' ? out : (tf.log(tf.maximum(out, 1e-30)) as tf.Tensor2D);
  return mask === null && handle.outputs === 'probabilities'
    ? logits
    : tf.logSoftmax(masked(logits, y, mask));
}

/** `logits` plus each label's row of `mask` (none: `logits`). */
function masked(logits: tf.Tensor2D, y: tf.Tensor1D, mask: Float32Array | null): tf.Tensor2D {
  if (mask === null) return logits;
  const units = logits.shape[1];
  return tf.add(logits, tf.gather(tf.tensor2d(mask, [units, units]), y)) as tf.Tensor2D;
}

/** Sum over the batch of log p(y_n | x_n). */
function labelledLogProbability(logProbs: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const numClasses = logProbs.shape[1];
  return tf.sum(tf.mul(logProbs, tf.oneHot(labels, numClasses))) as tf.Scalar;
}

function sampleTensors(data: Dataset, start: number, size: number): [tf.Tensor, tf.Tensor1D] {
  const n = featureCount(data);
  const x = tf.tensor(data.features.subarray(start * n, (start + size) * n), [
    size,
    ...data.sampleShape,
  ]);
  const y = tf.tensor1d(data.labels.subarray(start, start + size), 'int32');
  return [x, y];
}

/** Sum of squared per-sample gradients, one tensor per trainable variable, by autodiff per sample. */
function perSampleSums(handle: ModelHandle, data: Dataset, mask: Float32Array | null): tf.Tensor[] {
  const variables = trainableVariables(handle.model);
  let sums: tf.Tensor[] = variables.map((v) => tf.zerosLike(v));
  for (let n = 0; n < data.count; n++) {
    const next = tf.tidy(() => {
      const [x, y] = sampleTensors(data, n, 1);
      const { grads } = tf.variableGrads(
        () => labelledLogProbability(logProbabilities(handle, x, y, mask), y),
        variables,
      );
      return sums.map((s, k) => tf.add(s, tf.square(grads[variables[k]!.name]!)));
    });
    tf.dispose(sums);
    sums = next;
  }
  return sums;
}

interface DenseLayer {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | undefined;
  readonly activation: (z: tf.Tensor) => tf.Tensor;
}

function isDenseOnly(model: tf.LayersModel): boolean {
  const layers = model.layers;
  return layers.every((layer, i) => {
    const kind = layer.getClassName();
    if (kind === 'Flatten' || kind === 'InputLayer') return true;
    if (kind !== 'Dense') return false;
    const activation = String((layer.getConfig() as { activation?: unknown }).activation);
    if (activation === 'softmax') return i === layers.length - 1;
    return activation in ACTIVATIONS;
  });
}

function denseLayers(model: tf.LayersModel): DenseLayer[] {
  return model.layers
    .filter((l) => l.getClassName() === 'Dense')
    .map((layer) => {
      const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const name = String((layer.getConfig() as { activation?: unknown }).activation);
      return { kernel: kernel!, bias, activation: ACTIVATIONS[name]! };
    });
}

/** Sum of squared per-sample gradients by the batched outer-product identity. */
function denseSums(
  handle: ModelHandle,
  data: Dataset,
  batchSize: number,
  mask: Float32Array | null,
): tf.Tensor[] {
  const layers = denseLayers(handle.model);
  let sums: tf.Tensor[] = layers.flatMap((l) =>
    [l.kernel, l.bias].filter((v) => v !== undefined).map((v) => tf.zerosLike(v)),
  );
  const lastIsSoftmax = handle.outputs === 'probabilities';
  for (let start = 0; start < data.count; start += batchSize) {
    const size = Math.min(batchSize, data.count - start);
    const next = tf.tidy(() => {
      const [x, y] = sampleTensors(data, start, size);
      const input = x.reshape([size, -1]) as tf.Tensor2D;
      const inputs: tf.Tensor2D[] = [];
      // The probes are zeros added to each pre-activation: d loss / d probe = delta, per sample.
      const probes = layers.map((l) => tf.zeros([size, l.kernel.shape[1]!]));
      const deltas = tf.grads((...p: tf.Tensor[]) => {
        let a = input;
        layers.forEach((l, i) => {
          // Kept: tf.grads frees the forward pass's tensors, and the squares need these.
          inputs[i] = i === 0 ? a : tf.keep(a);
          let z = tf.add(tf.matMul(a, l.kernel as tf.Tensor2D), p[i]!);
          if (l.bias !== undefined) z = tf.add(z, l.bias);
          const last = i === layers.length - 1;
          a = (last && lastIsSoftmax ? z : l.activation(z)) as tf.Tensor2D;
        });
        const logProbs = tf.logSoftmax(masked(a, y, mask));
        return labelledLogProbability(logProbs, y);
      })(probes);
      const squares: tf.Tensor[] = [];
      layers.forEach((l, i) => {
        const d2 = tf.square(deltas[i]!);
        squares.push(tf.matMul(tf.square(inputs[i]!), d2, true, false));
        if (l.bias !== undefined) squares.push(tf.sum(d2, 0));
      });
      tf.dispose(inputs.slice(1));
      return sums.map((s, k) => tf.add(s, squares[k]!));
    });
    tf.dispose(sums);
    sums = next;
  }
  return sums;
}
