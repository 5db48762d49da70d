import { beforeAll, describe, expect, it } from 'vitest';
import { type EwcMemory, EwcPenalty, mergeMemories } from '../../../src/ml/continual/ewc.js';
import { setFlatWeights } from '../../../src/ml/models/weights.js';
import { initBackend, tf } from '../../../src/ml/runtime.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** A dense layer of one unit on one input: two parameters, w (kernel) then b (bias). */
function twoParameterModel(w: number, b: number): tf.Sequential {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })],
  });
  setFlatWeights(model, Float32Array.of(w, b));
  return model;
}

/** The penalty's value and its gradient (w, b) at the model's weights. */
function valueAndGradient(model: tf.Sequential, memory: EwcMemory, lambda: number) {
  const penalty = new EwcPenalty(model, memory, lambda);
  const [kernel, bias] = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => penalty.term(), [kernel!, bias!]);
  const result = {
    value: value.dataSync()[0]!,
    gradient: [grads[kernel!.name]!.dataSync()[0]!, grads[bias!.name]!.dataSync()[0]!],
  };
  tf.dispose([value, ...Object.values(grads)]);
  penalty.dispose();
  return result;
}

// F1 = (2, 0.5), a1 = (0.2, 0.3); F2 = (1, 1.5), a2 = (-0.4, 1).
const first: EwcMemory = { fisher: Float32Array.of(2, 0.5), anchor: Float32Array.of(0.2, 0.3) };
const second: EwcMemory = { fisher: Float32Array.of(1, 1.5), anchor: Float32Array.of(-0.4, 1) };

describe('mergeMemories', () => {
  it('sums the Fishers and weights the anchors by them: F = (3, 2), a = (0, 0.825)', () => {
    // a_0 = (2 * 0.2 + 1 * -0.4) / 3 = 0; a_1 = (0.5 * 0.3 + 1.5 * 1) / 2 = 1.65 / 2 = 0.825.
    const merged = mergeMemories([first, second]);
    expect(Array.from(merged.fisher)).toEqual([3, 2]);
    expect(merged.anchor[0]).toBeCloseTo(0, 7);
    expect(merged.anchor[1]).toBeCloseTo(0.825, 6);
  });

  it('where every Fisher is 0 takes the last memory’s anchor', () => {
    // Parameter 0: (2 * 1 + 1 * 4) / 3 = 2; parameter 1: F = 0 + 0, anchor of the last = 7.
    const merged = mergeMemories([
      { fisher: Float32Array.of(2, 0), anchor: Float32Array.of(1, 5) },
      { fisher: Float32Array.of(1, 0), anchor: Float32Array.of(4, 7) },
    ]);
    expect(Array.from(merged.fisher)).toEqual([3, 0]);
    expect(Array.from(merged.anchor)).toEqual([2, 7]);
  });

  it('of one memory is that memory', () => {
    const merged = mergeMemories([first]);
    expect(Array.from(merged.fisher)).toEqual(Array.from(first.fisher));
    expect(Array.from(merged.anchor)).toEqual(Array.from(first.anchor));
  });

  it('gives the penalty gradient of the two penalties summed: lambda sum_k F_k (theta - a_k) = (4.5, -10.95)', () => {
    // theta = (0.5, -1), lambda = 3:
    // separate: 3 * (2 * 0.3 + 1 * 0.9) = 4.5; 3 * (0.5 * -1.3 + 1.5 * -2) = 3 * -3.65 = -10.95;
    // merged: 3 * 3 * (0.5 - 0) = 4.5; 3 * 2 * (-1 - 0.825) = -10.95.
    const model = twoParameterModel(0.5, -1);
    const merged = valueAndGradient(model, mergeMemories([first, second]), 3);
    const a = valueAndGradient(model, first, 3);
    const b = valueAndGradient(model, second, 3);
    expect(merged.gradient[0]).toBeCloseTo(4.5, 5);
    expect(merged.gradient[1]).toBeCloseTo(-10.95, 5);
    expect(a.gradient[0]! + b.gradient[0]!).toBeCloseTo(4.5, 5);
    expect(a.gradient[1]! + b.gradient[1]!).toBeCloseTo(-10.95, 5);
    model.dispose();
  });

  it('differs from the summed penalties’ value by a constant of theta only', () => {
    // sum_k F_k (theta - a_k)^2 - F (theta - a)^2 = sum_k F_k a_k^2 - F a^2, times lambda / 2:
    // (2 * 0.04 + 1 * 0.16 - 0) + (0.5 * 0.09 + 1.5 * 1 - 2 * 0.680625) = 0.24 + 0.18375 = 0.42375,
    // times 3 / 2 = 0.635625, at any theta.
    const merged = mergeMemories([first, second]);
    for (const [w, b] of [
      [0.5, -1],
      [-2, 3],
    ] as const) {
      const model = twoParameterModel(w, b);
      const gap =
        valueAndGradient(model, first, 3).value +
        valueAndGradient(model, second, 3).value -
        valueAndGradient(model, merged, 3).value;
      expect(gap).toBeCloseTo(0.635625, 4);
      model.dispose();
    }
  });

  it('refuses an empty list', () => {
    expect(() => mergeMemories([])).toThrow(/at least one memory/);
  });

  it('refuses memories of different lengths, naming both', () => {
    const three = { fisher: Float32Array.of(1, 1, 1), anchor: Float32Array.of(0, 0, 0) };
    expect(() => mergeMemories([three, first])).toThrow(/memories hold 3 and 2 parameters/);
  });

  it('refuses a memory whose anchor and Fisher lengths differ', () => {
    expect(() =>
      mergeMemories([{ fisher: Float32Array.of(1, 1), anchor: Float32Array.of(0) }]),
    ).toThrow(/anchor length\(=1\) must equal fisher length\(=2\)/);
  });
});
