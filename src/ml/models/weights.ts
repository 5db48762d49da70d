/**
 * A model's trainable weights as one flat `Float32Array`: the vector that
 * federated aggregation averages and compression prunes, quantizes and
 * encodes. The order is fixed: layers in model order, and within a layer its
 * trainable variables in creation order (kernel before bias), each flattened
 * row-major. Non-trainable state (batch-norm moving statistics) is not part
 * of the vector.
 */
import { tf } from '../runtime.js';

/** The role of a variable: a kernel (multiplied with activations), a bias, or other state (batch-norm scale and shift). */
export type WeightRole = 'kernel' | 'bias' | 'other';

/** Where one trainable variable sits in the flat vector. */
export interface WeightEntry {
  /** `layer/variable`, e.g. `fc1/kernel`, unique within the model. */
  readonly name: string;
  /** Name of the layer that owns the variable. */
  readonly layer: string;
  readonly shape: readonly number[];
  /** Index of the variable's first element in the flat vector. */
  readonly offset: number;
  /** Number of elements. */
  readonly length: number;
  readonly role: WeightRole;
}

/** The layout of a model's flat weight vector. */
export interface WeightLayout {
  readonly entries: readonly WeightEntry[];
  /** Total elements: the flat vector's length. */
  readonly length: number;
}

/** A trainable variable of a model with its entry in the layout. */
interface Slot {
  readonly entry: WeightEntry;
  readonly variable: tf.Variable;
}

/**
 * The trainable variables of a model in flat-vector order. Exposed for the
 * training loop, which differentiates with respect to them.
 */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return slots(model).map((s) => s.variable);
}

/** The layout of `model`'s flat weight vector. */
export function weightLayout(model: tf.LayersModel): WeightLayout {
  const entries = slots(model).map((s) => s.entry);
  const last = entries[entries.length - 1];
  return { entries, length: last === undefined ? 0 : last.offset + last.length };
}

/** A copy of the model's trainable weights as one flat vector (see {@link weightLayout}). */
export function getFlatWeights(model: tf.LayersModel): Float32Array {
  const all = slots(model);
  const last = all[all.length - 1]?.entry;
  const flat = new Float32Array(last === undefined ? 0 : last.offset + last.length);
  for (const { entry, variable } of all) {
    flat.set(variable.dataSync() as Float32Array, entry.offset);
  }
  return flat;
}

/**
 * Overwrites the model's trainable weights from a flat vector laid out as
 * {@link weightLayout} says. Throws a RangeError if the length differs.
 */
export function setFlatWeights(model: tf.LayersModel, flat: Float32Array): void {
  const all = slots(model);
  const last = all[all.length - 1]?.entry;
  const expected = last === undefined ? 0 : last.offset + last.length;
  if (flat.length !== expected) {
    throw new RangeError(
      `flat weights length(=${flat.length}) must equal the model's trainable parameter count (${expected})`,
    );
  }
  for (const { entry, variable } of all) {
    const value = tf.tensor(flat.subarray(entry.offset, entry.offset + entry.length), [
      ...entry.shape,
    ]);
    variable.assign(value);
    value.dispose();
  }
}

/**
 * Splits a flat vector into one tensor per trainable variable, shaped as the
 * variables are. The caller owns (and must dispose) the tensors.
 */
export function splitFlat(layout: WeightLayout, flat: Float32Array): tf.Tensor[] {
  if (flat.length !== layout.length) {
    throw new RangeError(`flat vector length(=${flat.length}) must equal ${layout.length}`);
  }
  return layout.entries.map((e) =>
    tf.tensor(flat.subarray(e.offset, e.offset + e.length), [...e.shape]),
  );
}

function slots(model: tf.LayersModel): Slot[] {
  const result: Slot[] = [];
  let offset = 0;
  for (const layer of model.layers) {
    for (const weight of layer.trainableWeights) {
      const variable = weight.read() as tf.Variable;
      const short = weight.originalName.slice(weight.originalName.lastIndexOf('/') + 1);
      const entry: WeightEntry = {
        name: `${layer.name}/${short}`,
        layer: layer.name,
        shape: [...weight.shape] as number[],
        offset,
        length: variable.size,
        role: roleOf(short),
      };
      result.push({ entry, variable });
      offset += variable.size;
    }
  }
  return result;
}

function roleOf(shortName: string): WeightRole {
  if (shortName.endsWith('bias')) return 'bias';
  if (shortName.endsWith('kernel')) return 'kernel';
  return 'other';
}
