import {
  integerRange,
  type QuantBits,
  quantParams,
  type ValueRange,
} from '../../compression/quantize.js';
import type { ModelHandle } from '../../ml/models/handle.js';
import { tf } from '../../ml/runtime.js';

/**
 * Activation quantization for post-training integer quantization, as
 * TensorFlow Lite does it: the model input and every layer's output are
 * quantized per tensor, asymmetrically, with a range calibrated on sample
 * data (min and max seen). Evaluating through {@link quantizedForward}
 * measures accuracy with the integer activations' rounding and clipping.
 */

/** Ranges of the model input (index 0) and of each layer's output (index i + 1), for a Sequential model. */
export function calibrateRanges(model: tf.Sequential, samples: tf.Tensor): ValueRange[] {
  const ranges: ValueRange[] = [rangeOf(samples)];
  tf.tidy(() => {
    let x: tf.Tensor = samples;
    for (const layer of model.layers) {
      x = layer.apply(x, { training: false }) as tf.Tensor;
      ranges.push(rangeOf(x));
    }
  });
  return ranges;
}

/**
 * The model's output for `inputs` with every activation fake-quantized to
 * `bits` in its calibrated range; the same kind of output (logits or
 * probabilities) as the model's own. Call inside `tf.tidy`.
 */
export function quantizedForward(
  handle: ModelHandle,
  inputs: tf.Tensor,
  ranges: readonly ValueRange[],
  bits: QuantBits,
): tf.Tensor2D {
  const layers = (handle.model as tf.Sequential).layers;
  if (ranges.length !== layers.length + 1)
    throw new RangeError(
      `ranges(=${ranges.length}) must be one more than the layers (${layers.length})`,
    );
  let x = fakeQuant(inputs, ranges[0]!, bits);
  layers.forEach((layer, i) => {
    x = fakeQuant(layer.apply(x, { training: false }) as tf.Tensor, ranges[i + 1]!, bits);
  });
  return x as tf.Tensor2D;
}

function rangeOf(x: tf.Tensor): ValueRange {
  const [min, max] = [x.min(), x.max()];
  const range = { min: min.dataSync()[0]!, max: max.dataSync()[0]! };
  tf.dispose([min, max]);
  return range;
}

/** Quantize then dequantize with scale and zero point from `range`; values outside clamp. */
function fakeQuant(x: tf.Tensor, range: ValueRange, bits: QuantBits): tf.Tensor {
  const { scale, zeroPoint } = quantParams(range, bits, 'asymmetric');
  const { qmin, qmax } = integerRange(bits, 'asymmetric');
  return x.div(scale).round().add(zeroPoint).clipByValue(qmin, qmax).sub(zeroPoint).mul(scale);
}
