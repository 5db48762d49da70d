/**
 * Copying a TF.js Layers model: the teacher of distillation (LwF), the
 * anchor of EWC and each variant of a compression pipeline need a model of
 * their own that later training does not touch.
 */
import type { tf } from '../runtime.js';

/**
 * A copy of a model: same architecture (rebuilt from its config), same
 * weights, no shared variables. The caller owns the copy and disposes it.
 */
export function cloneModel(model: tf.LayersModel): tf.LayersModel {
  const ctor = model.constructor as typeof tf.LayersModel;
  const copy = ctor.fromConfig(ctor, model.getConfig()) as tf.LayersModel;
  const weights = model.getWeights();
  copy.setWeights(weights);
  return copy;
}
