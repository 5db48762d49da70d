/**
 * A model together with what its last layer outputs. The zoo's models output
 * logits; a user's model loaded from disk often ends in a softmax. Training
 * and evaluation go through {@link logitsOf} and {@link probabilitiesOf}, so
 * both kinds work everywhere.
 */
import { tf } from '../runtime.js';

/** What a model's output means: raw scores (`logits`) or a softmax over classes (`probabilities`). */
export type ModelOutputs = 'logits' | 'probabilities';

/** A TF.js Layers model and the meaning of its output. */
export interface ModelHandle {
  readonly model: tf.LayersModel;
  readonly outputs: ModelOutputs;
}

/**
 * Probabilities are clamped to this before the log, so a class given zero
 * probability yields a large finite logit (log 1e-30 ≈ -69) instead of -Infinity.
 */
const MIN_PROBABILITY = 1e-30;

/**
 * Wraps a model, detecting its outputs: a model whose last layer is a
 * `Softmax` layer, an `Activation('softmax')` or any layer with
 * `activation: 'softmax'` outputs probabilities; anything else, logits.
 */
export function handleOf(model: tf.LayersModel): ModelHandle {
  return { model, outputs: endsInSoftmax(model) ? 'probabilities' : 'logits' };
}

function endsInSoftmax(model: tf.LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  if (last === undefined) return false;
  if (last.getClassName() === 'Softmax') return true;
  const config = last.getConfig() as { activation?: unknown };
  return config.activation === 'softmax';
}

/** Layers that draw from `Math.random` when applied in training mode. */
const RANDOM_LAYERS = new Set([
  'Dropout',
  'SpatialDropout1D',
  'GaussianDropout',
  'GaussianNoise',
  'AlphaDropout',
]);

/**
 * Logits for a training step, shape `[batch, numClasses]`. For a model that
 * outputs probabilities these are log-probabilities (clamped at log 1e-30),
 * which differ from the logits by a per-row constant and so give the same
 * softmax and the same cross-entropy. The model runs in training mode (batch
 * normalisation uses batch statistics), except that a model containing
 * dropout or noise layers runs in inference mode: TF.js draws their masks
 * from `Math.random`, which would make runs irreproducible, so such layers
 * are inactive in edgesim's training. Call inside `tf.tidy` or dispose the result.
 */
export function logitsOf(handle: ModelHandle, inputs: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const training = !handle.model.layers.some((l) => RANDOM_LAYERS.has(l.getClassName()));
    const out = handle.model.apply(inputs, { training }) as tf.Tensor2D;
    return handle.outputs === 'logits'
      ? out
      : tf.log(tf.maximum(out, MIN_PROBABILITY) as tf.Tensor2D);
  });
}

/** Class probabilities for a batch, shape `[batch, numClasses]` (inference mode). */
export function probabilitiesOf(handle: ModelHandle, inputs: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const out = handle.model.apply(inputs, { training: false }) as tf.Tensor2D;
    return handle.outputs === 'logits' ? tf.softmax(out) : out;
  });
}

/** A handle, or a bare model (wrapped with {@link handleOf}). */
export type ModelLike = ModelHandle | tf.LayersModel;

/** `model` as a handle: a handle is returned as is, a bare model is wrapped with {@link handleOf}. */
export function toHandle(model: ModelLike): ModelHandle {
  return model instanceof tf.LayersModel ? handleOf(model) : model;
}

/**
 * Throws a RangeError unless the model takes samples of `sampleShape` and
 * outputs `numClasses` scores (dimensions the model leaves open fit anything).
 */
export function checkModelFits(
  handle: ModelHandle,
  data: {
    readonly name: string;
    readonly sampleShape: readonly number[];
    readonly numClasses: number;
  },
): void {
  const input = handle.model.inputs[0]?.shape.slice(1) ?? [];
  const fits =
    input.length === data.sampleShape.length &&
    input.every((d, i) => d === null || d === data.sampleShape[i]);
  if (!fits) {
    throw new RangeError(
      `model input shape [${input.join(', ')}] does not fit ${data.name}'s samples [${data.sampleShape.join(', ')}]`,
    );
  }
  const output = handle.model.outputs[0]?.shape ?? [];
  const classes = output[output.length - 1];
  if (output.length !== 2 || (classes !== null && classes !== data.numClasses)) {
    throw new RangeError(
      `model output shape [${output.join(', ')}] does not give ${data.name}'s numClasses(=${data.numClasses}) scores`,
    );
  }
}
