/**
 * The model zoo: small classifiers that train in seconds to minutes on the
 * WebAssembly backend.
 *
 * - `logistic`: multinomial logistic regression (flatten, one dense layer).
 * - `2nn`: the FedAvg paper's MLP, two hidden layers of 200 ReLU units
 *   (784-200-200-10 on MNIST, 199,210 parameters).
 * - `cnn`: the FedAvg paper's CNN: 5x5 conv 32 (same, ReLU), 2x2 max pool,
 *   5x5 conv 64 (same, ReLU), 2x2 max pool, dense 512 ReLU, dense output
 *   (1,663,370 parameters on MNIST). McMahan, Moore, Ramage, Hampson, Agüera
 *   y Arcas, "Communication-Efficient Learning of Deep Networks from
 *   Decentralized Data", AISTATS 2017, Section 3.
 * - `ds-cnn`: a small depthwise-separable CNN in the style of MobileNet and
 *   of the DS-CNN of Zhang, Suda, Lai, Chandra, "Hello Edge: Keyword Spotting
 *   on Microcontrollers" (arXiv:1711.07128, 2017): 3x3 conv 16 stride 2, two
 *   blocks of 3x3 depthwise + 1x1 pointwise conv (32, then 64 channels, the
 *   second depthwise with stride 2), global average pooling, dense output.
 *
 * Every model outputs LOGITS: the last layer is linear, with no softmax; use
 * `probabilitiesOf` (or `tf.softmax`) for probabilities. There is no dropout
 * (it would draw from Math.random). Weights are drawn from seeded streams by
 * `initializeWeights`, so the same seed gives the same model bit for bit.
 */
import { tf } from '../runtime.js';
import { initializeWeights } from './init.js';

/** Names of the zoo's models. */
export type ZooModelName = 'logistic' | '2nn' | 'cnn' | 'ds-cnn';

/** All zoo model names. */
export const ZOO_MODEL_NAMES: readonly ZooModelName[] = ['logistic', '2nn', 'cnn', 'ds-cnn'];

/** What a zoo model is built for. */
export interface BuildModelOptions {
  /** Shape of one sample: `[height, width, channels]` for images (required by `cnn`, `ds-cnn`), or flat `[features]`. */
  readonly inputShape: readonly number[];
  /** Number of classes: the width of the logits. */
  readonly numClasses: number;
  /** Seed of the weight initialisation. */
  readonly seed: number;
}

/**
 * Builds a zoo model with seeded weights. The result outputs logits. Throws a
 * RangeError for a bad shape or class count, naming the value.
 */
export function buildModel(name: ZooModelName, options: BuildModelOptions): tf.Sequential {
  checkOptions(name, options);
  const layers = LAYERS[name](options);
  const model = tf.sequential({ name, layers });
  initializeWeights(model, options.seed);
  return model;
}

type LayerFactory = (options: BuildModelOptions) => tf.layers.Layer[];

/** Initialisers that draw nothing: the real weights are set afterwards from seeded streams. */
const ZERO = { kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const;

const LAYERS: Readonly<Record<ZooModelName, LayerFactory>> = {
  logistic: ({ inputShape, numClasses }) => [
    ...flattenIfSpatial(inputShape),
    tf.layers.dense({ name: 'fc', units: numClasses, ...firstInput(inputShape), ...ZERO }),
  ],
  '2nn': ({ inputShape, numClasses }) => [
    ...flattenIfSpatial(inputShape),
    dense('fc1', 200, 'relu', firstInput(inputShape)),
    dense('fc2', 200, 'relu'),
    dense('fc3', numClasses, 'linear'),
  ],
  cnn: ({ inputShape, numClasses }) => [
    conv('conv1', 32, 5, 1, { inputShape: [...inputShape] }),
    tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
    conv('conv2', 64, 5, 1),
    tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
    tf.layers.flatten({ name: 'flatten' }),
    dense('fc1', 512, 'relu'),
    dense('fc2', numClasses, 'linear'),
  ],
  'ds-cnn': ({ inputShape, numClasses }) => [
    conv('conv1', 16, 3, 2, { inputShape: [...inputShape] }),
    depthwise('dw1', 1),
    conv('pw1', 32, 1, 1),
    depthwise('dw2', 2),
    conv('pw2', 64, 1, 1),
    tf.layers.globalAveragePooling2d({ name: 'gap' }),
    dense('fc', numClasses, 'linear'),
  ],
};

function flattenIfSpatial(inputShape: readonly number[]): tf.layers.Layer[] {
  return inputShape.length > 1
    ? [tf.layers.flatten({ name: 'flatten', inputShape: [...inputShape] })]
    : [];
}

/** The `inputShape` option for the first dense layer when no flatten precedes it. */
function firstInput(inputShape: readonly number[]): { inputShape?: number[] } {
  return inputShape.length > 1 ? {} : { inputShape: [...inputShape] };
}

function dense(
  name: string,
  units: number,
  activation: 'relu' | 'linear',
  extra: { inputShape?: number[] } = {},
): tf.layers.Layer {
  return tf.layers.dense({ name, units, activation, ...extra, ...ZERO });
}

function conv(
  name: string,
  filters: number,
  kernelSize: number,
  strides: number,
  extra: { inputShape?: number[] } = {},
): tf.layers.Layer {
  return tf.layers.conv2d({
    name,
    filters,
    kernelSize,
    strides,
    padding: 'same',
    activation: 'relu',
    ...extra,
    ...ZERO,
  });
}

function depthwise(name: string, strides: number): tf.layers.Layer {
  return tf.layers.depthwiseConv2d({
    name,
    kernelSize: 3,
    strides,
    padding: 'same',
    activation: 'relu',
    depthwiseInitializer: 'zeros',
    biasInitializer: 'zeros',
  });
}

function checkOptions(name: ZooModelName, options: BuildModelOptions): void {
  if (!ZOO_MODEL_NAMES.includes(name)) {
    throw new RangeError(
      `model(=${JSON.stringify(name)}) must be one of ${ZOO_MODEL_NAMES.join(', ')}`,
    );
  }
  const { inputShape, numClasses } = options;
  if (inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(
      `inputShape(=${JSON.stringify(inputShape)}) must be a list of positive integers`,
    );
  }
  if ((name === 'cnn' || name === 'ds-cnn') && inputShape.length !== 3) {
    throw new RangeError(
      `${name} needs an image inputShape [height, width, channels] (got ${JSON.stringify(inputShape)})`,
    );
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new RangeError(`numClasses(=${numClasses}) must be an integer >= 2`);
  }
}
