import { beforeAll, describe, expect, it } from 'vitest';
import type { CostCard } from '../../../src/ml/cost/card.js';
import { costCardFromModel, measuredSparsity } from '../../../src/ml/cost/from-model.js';
import { sequential } from '../../../src/ml/cost/graph.js';
import { conv2d, dense, depthwiseConv2d, globalAvgPool } from '../../../src/ml/cost/layers.js';
import { fedAvgCnn } from '../../../src/ml/cost/zoo/fedavg-cnn.js';
import { getFlatWeights, setFlatWeights, weightLayout } from '../../../src/ml/models/weights.js';
import { buildModel } from '../../../src/ml/models/zoo.js';
import { initBackend, tf } from '../../../src/ml/runtime.js';

const MNIST = { inputShape: [28, 28, 1], numClasses: 10, seed: 1 } as const;

beforeAll(async () => {
  await initBackend('wasm');
});

/** What must agree between two cards layer by layer: all but names and the record-only activation. */
function costs(card: CostCard) {
  return card.layers.map((l) => ({
    kind: l.kind,
    flops: l.flops,
    params: l.params,
    inputElements: l.inputElements,
    outputElements: l.outputElements,
    outputShape: l.outputShape,
    inputs: l.inputs,
  }));
}

describe('costCardFromModel', () => {
  it('reads the FedAvg CNN off the real model exactly as the hand-written card counts it', () => {
    const model = buildModel('cnn', MNIST);
    const card = costCardFromModel(model, 'fedavg-cnn');
    const hand = fedAvgCnn();
    expect(costs(card)).toEqual(costs(hand));
    expect([card.params, card.flops]).toEqual([hand.params, hand.flops]);
    expect(card.inputShape).toEqual([28, 28, 1]);
    model.dispose();
  });

  it('counts the 2NN by hand: 199,210 params and 2 x 198,800 multiply-accumulates', () => {
    const model = buildModel('2nn', MNIST);
    const card = costCardFromModel(model, '2nn');
    expect(card.params).toBe(784 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10);
    expect(card.params).toBe(199_210);
    expect(card.flops).toBe(2 * (784 * 200 + 200 * 200 + 200 * 10));
    // flatten is a free view; the ReLUs are fused into their dense layers.
    expect(card.layers.map((l) => [l.name, l.kind, l.activation])).toEqual([
      ['flatten', 'reshape', undefined],
      ['fc1', 'dense', 'relu'],
      ['fc2', 'dense', 'relu'],
      ['fc3', 'dense', undefined],
    ]);
    model.dispose();
  });

  it('agrees with the layer builders on the depthwise-separable CNN', () => {
    const model = buildModel('ds-cnn', MNIST);
    const hand = sequential(
      'ds-cnn',
      [28, 28, 1],
      [
        conv2d({ filters: 16, kernel: 3, stride: 2 }),
        depthwiseConv2d({ kernel: 3 }),
        conv2d({ filters: 32, kernel: 1 }),
        depthwiseConv2d({ kernel: 3, stride: 2 }),
        conv2d({ filters: 64, kernel: 1 }),
        globalAvgPool(),
        dense({ units: 10 }),
      ],
    );
    expect(costs(costCardFromModel(model, 'ds-cnn'))).toEqual(costs(hand));
    model.dispose();
  });

  it('splits a separable convolution into depthwise and pointwise layers', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.separableConv2d({
          name: 'sep',
          inputShape: [8, 8, 3],
          filters: 4,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
        }),
      ],
    });
    const [depthwise, pointwise] = costCardFromModel(model, 'sep').layers;
    // depthwise: 3x3 per input channel, 8*8*3 outputs: 2*8*8*3*9 flops, 27 weights, no bias.
    expect(depthwise).toMatchObject({ name: 'sep_depthwise', flops: 3_456, params: 27 });
    // pointwise: 1x1 conv 3 -> 4 with bias: 2*8*8*4*3 flops, 3*4 + 4 params.
    expect(pointwise).toMatchObject({
      name: 'sep_pointwise',
      kind: 'conv2d',
      flops: 1_536,
      params: 16,
      activation: 'relu',
    });
    expect(model.countParams()).toBe(27 + 16);
    model.dispose();
  });

  it('follows a functional graph: add reads both branches, dropout is left out', () => {
    const input = tf.input({ shape: [8, 8, 4] });
    const branch = tf.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same' });
    const sum = tf.layers
      .add({ name: 'add' })
      .apply([branch.apply(input), input] as tf.SymbolicTensor[]);
    const dropped = tf.layers.dropout({ rate: 0.5 }).apply(sum);
    const normed = tf.layers.batchNormalization({ name: 'bn' }).apply(dropped);
    const model = tf.model({ inputs: input, outputs: normed as tf.SymbolicTensor });
    const card = costCardFromModel(model, 'residual');
    // add: one addition per element of [8, 8, 4]; reads 2 x 256 elements.
    // bn: 2 ops per element, scale and shift per channel (the moving statistics fold into them).
    expect(
      card.layers.map((l) => [l.name, l.kind, l.flops, l.params, l.inputElements, l.inputs]),
    ).toEqual([
      ['conv', 'conv2d', 2 * 8 * 8 * 4 * 9 * 4, 3 * 3 * 4 * 4 + 4, 256, undefined],
      ['add', 'add', 256, 0, 512, [0, -1]],
      ['bn', 'batchNorm', 512, 8, 256, undefined],
    ]);
    model.dispose();
  });

  it('names the class of a layer it cannot count', () => {
    const model = tf.sequential({
      layers: [tf.layers.zeroPadding2d({ name: 'pad', inputShape: [4, 4, 1], padding: 1 })],
    });
    expect(() => costCardFromModel(model, 'padded')).toThrow(/layer "pad" has class ZeroPadding2D/);
    model.dispose();
  });
});

describe('effective FLOPs of sparse models', () => {
  it('scales a multiplying layer by its density and leaves params alone', () => {
    const model = buildModel('2nn', MNIST);
    const dense = costCardFromModel(model, '2nn');
    const sparse = costCardFromModel(model, '2nn', { sparsityByLayer: { fc1: 0.9 } });
    // fc1: 2 * 784 * 200 = 313,600 dense flops, one tenth of them at 90% sparsity.
    expect(sparse.layers[1]?.flops).toBeCloseTo(31_360, 6);
    expect(sparse.flops).toBeCloseTo(dense.flops - 0.9 * 313_600, 6);
    expect(sparse.params).toBe(dense.params);
    model.dispose();
  });

  it('rejects sparsity for a layer that does not multiply, or out of range', () => {
    const model = buildModel('2nn', MNIST);
    expect(() => costCardFromModel(model, 'x', { sparsityByLayer: { flatten: 0.5 } })).toThrow(
      /"flatten" is not a dense or convolution layer/,
    );
    expect(() => costCardFromModel(model, 'x', { sparsityByLayer: { fc1: 1.5 } })).toThrow(
      'sparsityByLayer.fc1(=1.5) must be in [0, 1]',
    );
    model.dispose();
  });

  it('measures the share of zero kernel weights per layer, ignoring biases', () => {
    const model = buildModel('2nn', MNIST);
    const flat = getFlatWeights(model);
    const fc2 = weightLayout(model).entries.find((e) => e.name === 'fc2/kernel');
    if (fc2 === undefined) throw new Error('no fc2 kernel');
    // Zero the first quarter of fc2's 40,000 kernel weights.
    flat.fill(0, fc2.offset, fc2.offset + 10_000);
    setFlatWeights(model, flat);
    // Biases start at zero but do not count; Glorot draws are never exactly zero here.
    expect(measuredSparsity(model)).toEqual({ fc1: 0, fc2: 0.25, fc3: 0 });
    model.dispose();
  });
});
