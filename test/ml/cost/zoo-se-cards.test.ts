import { describe, expect, it } from 'vitest';
import { parallel, scale } from '../../../src/ml/cost/graph.js';
import {
  avgPool,
  type CostCard,
  conv2d,
  globalAvgPool,
  multiplyAccumulates,
  sequential,
} from '../../../src/ml/cost/index.js';
import {
  efficientNetB0,
  efficientNetLite0,
  mobileNetV3Large,
} from '../../../src/ml/cost/zoo/index.js';
import { mobileNetV3Small } from '../../../src/ml/cost/zoo/mobilenet-v3.js';
import { layer, sum } from '../../helpers/cards.js';

/**
 * Cards with squeeze-and-excitation, torchvision's MobileNetV3-Large, -Small
 * and EfficientNet-B0 (Qualcomm AI Hub's models), and the broadcast multiply
 * they need. Published figures: torchvision's weight docs,
 * pytorch.org/vision/stable/models/generated/torchvision.models.mobilenet_v3_large.html
 * (num_params 5483032, GFLOPS 0.22; `_ops` 0.217 in pytorch/vision
 * torchvision/models/mobilenetv3.py at 2f7f558158c83c8119a02cd2446d85cd3c4c20e9)
 * and .../torchvision.models.efficientnet_b0.html (num_params 5288548,
 * GFLOPS 0.39). MobileNetV3-Small: `MobileNet_V3_Small_Weights.IMAGENET1K_V1`
 * in the same mobilenetv3.py at 2f7f558 (num_params 2542856, `_ops` 0.057,
 * 0.06 to two places as the model pages round).
 */

const seMacs = (card: CostCard) =>
  sum(card.layers.filter((l) => /_se_fc[12]$/.test(l.name)).map((l) => l.flops / 2));

describe('scale: a map times a gate computed from it', () => {
  it('multiplies a [4, 4, 3] map by a [1, 1, 3] gate: 48 multiplications, 48 + 3 elements read', () => {
    const card = sequential(
      'gate',
      [4, 4, 3],
      [scale([avgPool({ pool: 4 }), conv2d({ filters: 3, kernel: 1 })])],
    );
    const multiply = layer(card, 'multiply');
    expect(multiply).toMatchObject({ kind: 'multiply', flops: 48, params: 0 });
    expect(multiply.inputElements).toBe(51);
    expect(multiply.outputElements).toBe(48);
    expect(multiply.outputShape).toEqual([4, 4, 3]);
    // The map is the model input (-1); the gate is the 1x1 convolution (layer 1).
    expect(multiply.inputs).toEqual([-1, 1]);
  });

  it('broadcasts a lower-rank operand along the leading axes, as NumPy does: [4, 4, 3] x [3]', () => {
    const card = sequential(
      'flat-gate',
      [4, 4, 3],
      [parallel([[], [globalAvgPool()]], 'multiply')],
    );
    expect(layer(card, 'multiply').outputShape).toEqual([4, 4, 3]);
    expect(layer(card, 'multiply').flops).toBe(48);
  });

  it('rejects a gate whose channels differ from the map’s, naming both shapes', () => {
    const build = () =>
      sequential(
        'bad-gate',
        [4, 4, 3],
        [scale([avgPool({ pool: 4 }), conv2d({ filters: 2, kernel: 1 })])],
      );
    expect(build).toThrow(
      'multiply needs shapes that broadcast, each axis equal or 1 (got [4, 4, 3] and [1, 1, 2])',
    );
  });
});

describe('MobileNetV3-Large (torchvision)', () => {
  const card = mobileNetV3Large();

  it('has torchvision’s 5,483,032 parameters with BN kept separate', () => {
    expect(mobileNetV3Large({ batchNorm: 'separate' }).params).toBe(5_483_032);
  });

  it('does 216.6 M multiply-adds in its convolutions and linear layers: torchvision’s 0.217 (0.22) G', () => {
    const macs = multiplyAccumulates(card);
    expect(Math.abs(macs / 1e9 - 0.22)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(macs / 1e9 - 0.217)).toBeLessThanOrEqual(0.0005);
    // Backbone 212,573,760 (recounted from torchvision's table by a separate script, not
    // published) + SE 1,507,200 (below) + classifier 960 x 1280 + 1280 x 1000 = 2,508,800.
    expect(macs).toBe(216_589_760);
    expect(layer(card, 'classifier_0').flops / 2 + layer(card, 'classifier_3').flops / 2).toBe(
      2_508_800,
    );
  });

  it('spends 1,507,200 multiply-adds in its eight SE blocks, 2 x expanded x squeeze each', () => {
    // Block 4: 2 x 72 x 24 = 3,456; 5, 6: 2 x 120 x 32 = 7,680 each; 11: 2 x 480 x 120 = 115,200;
    // 12, 13: 2 x 672 x 168 = 225,792 each; 14, 15: 2 x 960 x 240 = 460,800 each.
    expect(card.layers.filter((l) => l.kind === 'multiply').length).toBe(8);
    expect(seMacs(card)).toBe(1_507_200);
  });

  it('squeezes block 4’s 72 channels to _make_divisible(18, 8) = 24 and scales its [28, 28, 72] map', () => {
    // 18 rounds to 16, which is under 0.9 x 18 = 16.2, so 8 more: 24.
    expect(layer(card, 'features_4_se_avgpool').outputShape).toEqual([1, 1, 72]);
    const fc1 = layer(card, 'features_4_se_fc1');
    expect(fc1).toMatchObject({ kind: 'conv2d', kernel: [1, 1], activation: 'relu' });
    expect(fc1.outputShape).toEqual([1, 1, 24]);
    expect(fc1.params).toBe(72 * 24 + 24);
    expect(layer(card, 'features_4_se_fc2').params).toBe(24 * 72 + 72);
    expect(layer(card, 'features_4_se_fc2').activation).toBe('hardsigmoid');
    const multiply = layer(card, 'features_4_se_multiply');
    expect(multiply.flops).toBe(28 * 28 * 72);
    expect(multiply.inputElements).toBe(28 * 28 * 72 + 72);
    const names = (multiply.inputs ?? []).map((i) => card.layers[i]?.name);
    expect(names).toEqual(['features_4_depthwise', 'features_4_se_fc2']);
  });

  it('rounds the other squeezes as torchvision does: 120 / 4 = 30 to 32, 480 / 4 = 120 stays', () => {
    expect(layer(card, 'features_5_se_fc1').outputShape).toEqual([1, 1, 32]);
    expect(layer(card, 'features_11_se_fc1').outputShape).toEqual([1, 1, 120]);
  });

  it('starts with a 3x3 stride-2 stem to [112, 112, 16] and ends with Linear(1280, 1000)', () => {
    const stem = layer(card, 'features_0');
    expect(stem.outputShape).toEqual([112, 112, 16]);
    expect(stem.flops / 2).toBe(112 * 112 * 3 * 3 * 3 * 16);
    expect(stem.activation).toBe('hardswish');
    expect(layer(card, 'features_16').outputShape).toEqual([7, 7, 960]);
    const last = card.layers[card.layers.length - 1];
    expect(last?.name).toBe('classifier_3');
    expect(last?.params).toBe(1280 * 1000 + 1000);
    expect(last?.outputShape).toEqual([1000]);
  });

  it('has no expansion in block 1 (16 -> 16) and switches from ReLU to hard-swish at block 7', () => {
    expect(card.layers.some((l) => l.name === 'features_1_expand')).toBe(false);
    expect(layer(card, 'features_6_expand').activation).toBe('relu');
    expect(layer(card, 'features_7_expand').activation).toBe('hardswish');
  });

  it('keeps the SE convolutions’ bias when BN is separate: they have no BN', () => {
    const separate = mobileNetV3Large({ batchNorm: 'separate' });
    expect(layer(separate, 'features_4_se_fc1').params).toBe(72 * 24 + 24);
    expect(layer(separate, 'features_4_expand').params).toBe(24 * 72);
    expect(layer(separate, 'features_4_expand_bn').params).toBe(2 * 72);
  });
});

describe('MobileNetV3-Small (torchvision)', () => {
  const card = mobileNetV3Small();

  it('has torchvision’s 2,542,856 parameters with BN kept separate', () => {
    expect(mobileNetV3Small({ batchNorm: 'separate' }).params).toBe(2_542_856);
  });

  it('does 56.5 M multiply-adds in its convolutions and linear layers: torchvision’s 0.057 (0.06) G', () => {
    const macs = multiplyAccumulates(card);
    expect(Math.abs(macs / 1e9 - 0.06)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(macs / 1e9 - 0.057)).toBeLessThanOrEqual(0.0005);
    // Backbone 54,437,824 (the card's own count, not published) + SE 458,752 (below)
    // + classifier 576 x 1024 + 1024 x 1000 = 1,613,824.
    expect(macs).toBe(56_510_400);
    expect(layer(card, 'classifier_0').flops / 2 + layer(card, 'classifier_3').flops / 2).toBe(
      1_613_824,
    );
  });

  it('spends 458,752 multiply-adds in its nine SE blocks, 2 x expanded x squeeze each', () => {
    // Block 1: 2 x 16 x 8 = 256; 4: 2 x 96 x 24 = 4,608; 5, 6: 2 x 240 x 64 = 30,720 each;
    // 7: 2 x 120 x 32 = 7,680; 8: 2 x 144 x 40 = 11,520; 9: 2 x 288 x 72 = 41,472;
    // 10, 11: 2 x 576 x 144 = 165,888 each.
    expect(card.layers.filter((l) => l.kind === 'multiply').length).toBe(9);
    expect(seMacs(card)).toBe(458_752);
  });

  it('opens with a block of no expansion that strides to [56, 56, 16] and squeezes 16 // 4 = 4 up to 8', () => {
    expect(card.layers.some((l) => l.name === 'features_1_expand')).toBe(false);
    expect(layer(card, 'features_1_depthwise').outputShape).toEqual([56, 56, 16]);
    expect(layer(card, 'features_1_se_fc1').outputShape).toEqual([1, 1, 8]);
    expect(layer(card, 'features_1_se_fc1').params).toBe(16 * 8 + 8);
    expect(card.layers.some((l) => l.name === 'features_1_add')).toBe(false);
  });

  it('rounds 240 / 4 = 60 up to 64 and adds the input back in blocks 3, 5, 6, 8, 10 and 11', () => {
    expect(layer(card, 'features_5_se_fc1').outputShape).toEqual([1, 1, 64]);
    const adds = card.layers.filter((l) => l.kind === 'add').map((l) => l.name);
    expect(adds).toEqual([3, 5, 6, 8, 10, 11].map((i) => `features_${i}_add`));
  });

  it('ends with a 1x1 to 6 x 96 = 576, Linear(576, 1024) and Linear(1024, 1000)', () => {
    const lastConv = layer(card, 'features_12');
    expect(lastConv.outputShape).toEqual([7, 7, 576]);
    expect(lastConv.activation).toBe('hardswish');
    expect(layer(card, 'classifier_0').params).toBe(576 * 1024 + 1024);
    const last = card.layers[card.layers.length - 1];
    expect(last?.name).toBe('classifier_3');
    expect(last?.params).toBe(1024 * 1000 + 1000);
  });
});

describe('EfficientNet-B0 (torchvision)', () => {
  const card = efficientNetB0();

  it('has torchvision’s 5,288,548 parameters with BN kept separate', () => {
    expect(efficientNetB0({ batchNorm: 'separate' }).params).toBe(5_288_548);
  });

  it('does 385.8 M multiply-adds: torchvision’s 0.39 G, Lite0’s network plus 627,200 in SE', () => {
    const macs = multiplyAccumulates(card);
    expect(Math.abs(macs / 1e9 - 0.39)).toBeLessThanOrEqual(0.005);
    // Stage 1: 2 x 32 x 8 = 512; stage 2: 2 x 96 x 4 + 2 x 144 x 6 = 2,496; stage 3: 1,728 + 4,800;
    // stage 4: 4,800 + 2 x 19,200; stage 5: 19,200 + 2 x 37,632; stage 6: 37,632 + 3 x 110,592;
    // stage 7: 110,592. Sum 627,200.
    expect(seMacs(card)).toBe(627_200);
    expect(macs - multiplyAccumulates(efficientNetLite0())).toBe(627_200);
  });

  it('squeezes by the block’s input width, not its expanded width: 16 // 4 = 4 of 96 channels', () => {
    const fc1 = layer(card, 'features_2_0_se_fc1');
    expect(fc1.outputShape).toEqual([1, 1, 4]);
    expect(fc1.params).toBe(96 * 4 + 4);
    expect(fc1.activation).toBe('silu');
    expect(layer(card, 'features_2_1_se_fc1').outputShape).toEqual([1, 1, 6]);
    expect(layer(card, 'features_2_1_se_fc2').activation).toBe('sigmoid');
  });

  it('scales block 1’s [112, 112, 32] map with no expansion before it', () => {
    expect(card.layers.some((l) => l.name === 'features_1_0_expand')).toBe(false);
    const multiply = layer(card, 'features_1_0_se_multiply');
    expect(multiply.flops).toBe(112 * 112 * 32);
    expect(multiply.inputElements).toBe(112 * 112 * 32 + 32);
    expect(layer(card, 'features_1_0_se_fc1').outputShape).toEqual([1, 1, 8]);
  });

  it('starts with a 32-filter stem, ends with a 1280 head and Linear(1280, 1000), and has 9 residual adds', () => {
    expect(layer(card, 'features_0').outputShape).toEqual([112, 112, 32]);
    expect(layer(card, 'features_0').params).toBe(3 * 3 * 3 * 32 + 32);
    expect(layer(card, 'features_8').outputShape).toEqual([7, 7, 1280]);
    expect(layer(card, 'classifier_1').params).toBe(1280 * 1000 + 1000);
    // Every stage's repeats after the first, but stage 1 (one block, 32 -> 16) and 7 (one block).
    expect(card.layers.filter((l) => l.kind === 'add').length).toBe(1 + 1 + 2 + 2 + 3);
  });
});
