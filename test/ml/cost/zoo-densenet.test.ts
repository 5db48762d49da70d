import { describe, expect, it } from 'vitest';
import { multiplyAccumulates } from '../../../src/ml/cost/index.js';
import { denseNet121 } from '../../../src/ml/cost/zoo/densenet.js';
import { layer, sum } from '../../helpers/cards.js';

/**
 * torchvision's DenseNet-121. Published figures: `DenseNet121_Weights.IMAGENET1K_V1`
 * in pytorch/vision torchvision/models/densenet.py (an indexed copy of the
 * current file; the index did not give its commit): num_params 7978856,
 * `_ops` 2.834, which the model page shows as GFLOPS 2.83 (pages round
 * `_ops` to two places: densenet201's 4.291 is shown as 4.29 at
 * pytorch.org/vision/stable/models/generated/torchvision.models.densenet201.html).
 * Everything else is worked out by hand from the layer list in densenet.py.
 */

const card = denseNet121();
const separate = denseNet121({ batchNorm: 'separate' });
const block = (b: number, l: number) => `features_denseblock${b}_denselayer${l}`;

describe('DenseNet-121 (torchvision)', () => {
  it('has torchvision’s 7,978,856 parameters with BN kept separate', () => {
    expect(separate.params).toBe(7_978_856);
  });

  it('folds only the BN after conv0 and each conv1: 64 + 58 x 128 fewer parameters', () => {
    // norm0 (2 x 64) becomes conv0's 64 biases; each norm2 (2 x 128) conv1's 128 biases.
    expect(separate.params - card.params).toBe(64 + 58 * 128);
    expect(card.params).toBe(7_971_368);
  });

  it('does 2,834,161,664 multiply-adds: torchvision’s 2.834 (2.83) G', () => {
    const macs = multiplyAccumulates(card);
    expect(Math.abs(macs / 1e9 - 2.83)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(macs / 1e9 - 2.834)).toBeLessThanOrEqual(0.0005);
    // Stem 112^2 x 64 x 7 x 7 x 3. Block at side s with layers reading c_i channels:
    // conv1 s^2 x 128 x sum(c_i), conv2 layers x s^2 x 9 x 128 x 32. Transition s^2 x c x c / 2.
    const stem = 118_013_952;
    const block1 = 3136 * 128 * (6 * 64 + 32 * 15) + 6 * 3136 * 36_864; // 346,816,512 + 693,633,024
    const block2 = 784 * 128 * (12 * 128 + 32 * 66) + 12 * 784 * 36_864; // 366,084,096 + 346,816,512
    const block3 = 196 * 128 * (24 * 256 + 32 * 276) + 24 * 196 * 36_864; // 375,717,888 + 173,408,256
    const block4 = 49 * 128 * (16 * 512 + 32 * 120) + 16 * 49 * 36_864; // 75,464,704 + 28,901,376
    const transitions = 3136 * 256 * 128 + 784 * 512 * 256 + 196 * 1024 * 512; // 102,760,448 each
    const classifier = 1024 * 1000;
    expect(stem + block1 + block2 + block3 + block4 + transitions + classifier).toBe(2_834_161_664);
    expect(macs).toBe(2_834_161_664);
  });

  it('ends its blocks at 256, 512, 1024, 1024 channels and halves them in each transition', () => {
    expect(layer(card, 'features_denseblock1_concat').outputShape).toEqual([56, 56, 256]);
    expect(layer(card, 'features_transition1_pool').outputShape).toEqual([28, 28, 128]);
    expect(layer(card, 'features_denseblock2_concat').outputShape).toEqual([28, 28, 512]);
    expect(layer(card, 'features_transition2_pool').outputShape).toEqual([14, 14, 256]);
    expect(layer(card, 'features_denseblock3_concat').outputShape).toEqual([14, 14, 1024]);
    expect(layer(card, 'features_transition3_pool').outputShape).toEqual([7, 7, 512]);
    expect(layer(card, 'features_denseblock4_concat').outputShape).toEqual([7, 7, 1024]);
  });

  it('costs dense layer 3 of block 2 (192 channels in, at 28 x 28) as worked by hand', () => {
    // Input: 128 from transition 1 plus 2 x 32. 28 x 28 = 784 positions.
    const norm1 = layer(card, `${block(2, 3)}_norm1`);
    expect(norm1).toMatchObject({ kind: 'batchNorm', activation: 'relu', params: 2 * 192 });
    expect(norm1.flops).toBe(2 * 784 * 192);
    const conv1 = layer(card, `${block(2, 3)}_conv1`);
    expect(conv1.flops).toBe(2 * 784 * 192 * 128); // 38,535,168
    expect(conv1.params).toBe(192 * 128 + 128); // norm2 folded into a bias
    expect(conv1.outputShape).toEqual([28, 28, 128]);
    const conv2 = layer(card, `${block(2, 3)}_conv2`);
    expect(conv2.flops).toBe(2 * 784 * 3 * 3 * 128 * 32); // 57,802,752
    expect(conv2.params).toBe(3 * 3 * 128 * 32); // no bias: nothing follows to fold
    expect(conv2.outputShape).toEqual([28, 28, 32]);
  });

  it('starts dense layer 3 of block 2 by joining the block’s input and layers 1 and 2’s new channels', () => {
    const concat = layer(card, `${block(2, 3)}_concat`);
    expect(concat).toMatchObject({ kind: 'concat', flops: 0, params: 0 });
    expect(concat.inputElements).toBe(784 * (128 + 32 + 32));
    expect(concat.outputElements).toBe(784 * 192);
    const names = (concat.inputs ?? []).map((i) => card.layers[i]?.name);
    expect(names).toEqual([
      'features_transition1_pool',
      `${block(2, 1)}_conv2`,
      `${block(2, 2)}_conv2`,
    ]);
    expect(layer(card, `${block(2, 3)}_norm1`).inputs).toBeUndefined(); // reads the join
  });

  it('joins nothing before a block’s first layer, and every map at the block’s end', () => {
    expect(card.layers.some((l) => l.name === `${block(2, 1)}_concat`)).toBe(false);
    const at = card.layers.findIndex((l) => l.name === `${block(2, 1)}_norm1`);
    expect(card.layers[at - 1]?.name).toBe('features_transition1_pool');
    expect(card.layers[at]?.inputs).toBeUndefined(); // reads the layer before it
    const end = layer(card, 'features_denseblock2_concat');
    expect(end.inputs?.length).toBe(13);
    expect(end.outputElements).toBe(784 * (128 + 12 * 32));
  });

  it('copies a map growing by 32 channels per layer: block 1 writes 56^2 x (96 + 128 + ... + 256)', () => {
    const written = card.layers
      .filter((l) => l.kind === 'concat' && l.name.startsWith('features_denseblock1_'))
      .map((l) => l.outputElements);
    expect(written.length).toBe(6);
    expect(sum(written)).toBe(3136 * (96 + 128 + 160 + 192 + 224 + 256));
  });

  it('keeps the 62 BNs that precede a convolution as scale-and-shift layers even when folded', () => {
    // 58 norm1 + 3 transition norms + norm5 cannot fold; separate adds norm0 and 58 norm2.
    const bns = (c: typeof card) => c.layers.filter((l) => l.kind === 'batchNorm').length;
    expect(bns(card)).toBe(58 + 3 + 1);
    expect(bns(separate)).toBe(62 + 1 + 58);
    expect(layer(card, 'features_transition1_norm').outputShape).toEqual([56, 56, 256]);
    expect(layer(card, 'features_norm5')).toMatchObject({ params: 2 * 1024, activation: 'relu' });
  });

  it('names norm2 after the conv1 it follows when BN is separate, and leaves conv1 without bias', () => {
    expect(layer(separate, `${block(1, 1)}_conv1`).params).toBe(64 * 128);
    expect(layer(separate, `${block(1, 1)}_conv1_bn`)).toMatchObject({
      params: 2 * 128,
      activation: 'relu',
    });
  });

  it('starts with a 7x7 stride-2 stem and a 3x3 stride-2 max pool to [56, 56, 64]', () => {
    const conv0 = layer(card, 'features_conv0');
    expect(conv0.outputShape).toEqual([112, 112, 64]);
    expect(conv0.params).toBe(7 * 7 * 3 * 64 + 64);
    expect(conv0.activation).toBe('relu');
    const pool0 = layer(card, 'features_pool0');
    expect(pool0.outputShape).toEqual([56, 56, 64]);
    expect(pool0.flops).toBe(56 * 56 * 64 * 9);
  });

  it('averages each transition’s map over 2x2 windows: 4 reads per output', () => {
    const pool = layer(card, 'features_transition2_pool');
    expect(pool.flops).toBe(14 * 14 * 256 * 4);
    expect(layer(card, 'features_transition2_conv').params).toBe(512 * 256);
  });

  it('ends with a global average pool of [7, 7, 1024] and Linear(1024, 1000)', () => {
    expect(layer(card, 'avgpool').outputShape).toEqual([1024]);
    const last = card.layers[card.layers.length - 1];
    expect(last?.name).toBe('classifier');
    expect(last?.params).toBe(1024 * 1000 + 1000);
    expect(last?.outputShape).toEqual([1000]);
  });
});
