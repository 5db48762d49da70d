import { describe, expect, it } from 'vitest';
import {
  multiplyAccumulates,
  regNetX32gf,
  resNet18,
  resNet50,
  squeezeNet11,
} from '../../../src/ml/cost/index.js';
import { layer, sum } from '../../helpers/cards.js';

/**
 * Cards added for ncnn's benchmark table and Qualcomm AI Hub's (issue #15):
 * ResNet-18 and -101 and SqueezeNet v1.1, against the counts torchvision
 * publishes and the shapes of ncnn's param files.
 */

describe('ResNet-18', () => {
  it('has torchvision’s 11,689,512 parameters and 1.814 G multiply-adds', () => {
    expect(resNet18({ batchNorm: 'separate' }).params).toBe(11_689_512);
    expect(multiplyAccumulates(resNet18())).toBe(1_814_073_344);
  });

  it('caffe (ncnn’s model) projects conv2’s first block too: 64 x 64 + 64 weights, 56 x 56 x 64 x 64 MACs', () => {
    const caffe = resNet18({ variant: 'caffe' });
    expect(caffe.params - resNet18().params).toBe(4_160);
    expect(multiplyAccumulates(caffe) - multiplyAccumulates(resNet18())).toBe(12_845_056);
    expect(layer(caffe, 'conv2_block1_0_conv').outputShape).toEqual([56, 56, 64]);
    expect(layer(resNet18(), 'conv5_block1_1_conv').outputShape).toEqual([7, 7, 512]);
  });
});

describe('SqueezeNet v1.1 @227 (ncnn’s benchmark model)', () => {
  const card = squeezeNet11();
  it('has the 1,235,496 parameters of torchvision’s squeezenet1_1', () => {
    expect(card.params).toBe(1_235_496);
  });

  it('pools 113 -> 56 -> 28 -> 14 as Caffe does and runs conv10 on 16x16', () => {
    expect(layer(card, 'pool1').outputShape).toEqual([56, 56, 64]);
    expect(layer(card, 'pool3').outputShape).toEqual([28, 28, 128]);
    expect(layer(card, 'pool5').outputShape).toEqual([14, 14, 256]);
    expect(layer(card, 'conv10').outputShape).toEqual([16, 16, 1000]);
  });

  it('does 418,467,520 multiply-adds, counted module by module', () => {
    // conv1 113^2 x 27 x 64 = 22,064,832; fire2 3136 x (64x16 + 16x64 + 144x64) = 35,323,904;
    // fire3 38,535,168; fire4 35,323,904; fire5 38,535,168; fire6 20,471,808; fire7 21,676,032;
    // fire8 36,929,536; fire9 38,535,168; conv10 16^2 x 512 x 1000 = 131,072,000.
    const fire2 = card.layers.filter((l) => l.name.startsWith('fire2_') && l.kind === 'conv2d');
    expect(sum(fire2.map((l) => l.flops / 2))).toBe(35_323_904);
    expect(multiplyAccumulates(card)).toBe(418_467_520);
  });
});

describe('ResNet-101', () => {
  it('has torchvision’s 44,549,160 parameters and 7.80 G multiply-adds: conv4 has 23 blocks', () => {
    expect(resNet50({ depth: 101, batchNorm: 'separate' }).params).toBe(44_549_160);
    expect(multiplyAccumulates(resNet50({ depth: 101 }))).toBe(7_801_405_440);
    const card = resNet50({ depth: 101 });
    expect(card.layers.filter((l) => l.name.endsWith('_add')).length).toBe(3 + 4 + 23 + 3);
  });
});

describe('Wide ResNet-50-2', () => {
  it('has torchvision’s 68,883,240 parameters and 11.40 G multiply-adds: inner widths doubled', () => {
    expect(resNet50({ widen: 2, batchNorm: 'separate' }).params).toBe(68_883_240);
    const card = resNet50({ widen: 2 });
    expect(multiplyAccumulates(card)).toBe(11_398_021_120);
    expect(layer(card, 'conv2_block1_2_conv').outputShape).toEqual([56, 56, 128]);
    expect(layer(card, 'conv2_block1_3_conv').outputShape).toEqual([56, 56, 256]);
  });
});

describe('SqueezeNet v1.1, torchvision’s (AI Hub’s model)', () => {
  const card = squeezeNet11({ variant: 'torchvision' });
  it('keeps the parameters; at 224 its maps are 111, 55, 27 and 13 and conv10 is not padded', () => {
    expect(card.params).toBe(1_235_496);
    expect(layer(card, 'conv1').outputShape).toEqual([111, 111, 64]);
    expect(layer(card, 'pool5').outputShape).toEqual([13, 13, 256]);
    expect(layer(card, 'conv10').outputShape).toEqual([13, 13, 1000]);
  });

  it('does 349 M multiply-adds, torchvision’s 0.35 G', () => {
    // conv10 alone: 13^2 x 512 x 1000 = 86,528,000.
    expect(layer(card, 'conv10').flops / 2).toBe(86_528_000);
    expect(multiplyAccumulates(card)).toBe(349_151_936);
  });
});

// The exact multiply-add totals below were recounted by scripts written from torchvision's
// resnet.py and regnet.py rather than from the cards; each also rounds to torchvision's _ops.
describe('ResNeXt', () => {
  it('50 (32x4d) has torchvision’s 25,028,904 parameters and 4.23 G multiply-adds', () => {
    // Each bottleneck is ResNet-50's with its 1x1 and 3x3 twice as wide (planes x 4 / 64 x 32)
    // and its 3x3 in 32 groups: conv2's first 3x3 reads 128 channels, 4 a group, on 56 x 56.
    const card = resNet50({ groups: 32, widen: 2 });
    expect(resNet50({ groups: 32, widen: 2, batchNorm: 'separate' }).params).toBe(25_028_904);
    expect(multiplyAccumulates(card)).toBe(4_230_479_872);
    expect(Math.abs(multiplyAccumulates(card) / 1e9 - 4.23)).toBeLessThanOrEqual(0.005);
    expect(layer(card, 'conv2_block1_2_conv').flops / 2).toBe(56 * 56 * 128 * 3 * 3 * 4);
  });

  it('101 (32x8d) has torchvision’s 88,791,336 parameters and 16.41 G multiply-adds', () => {
    const separate = resNet50({ depth: 101, groups: 32, widen: 4, batchNorm: 'separate' });
    expect(separate.params).toBe(88_791_336);
    const macs = multiplyAccumulates(resNet50({ depth: 101, groups: 32, widen: 4 }));
    expect(macs).toBe(16_414_015_488);
    expect(Math.abs(macs / 1e9 - 16.414)).toBeLessThanOrEqual(0.0005);
  });
});

describe('RegNetX-3.2GF', () => {
  it('has the stage widths torchvision’s quantization of 88 + 26.31 j gives', () => {
    // torchvision's BlockParams.from_init_params(25, 88, 26.31, 2.25, 48), worked here:
    // u_j = 88 + 26.31 j, k_j = round(log(u_j / 88) / log 2.25), w_j = 8 round(88 x 2.25^k_j / 8),
    // then each stage's width to a multiple of 48 (rounded to nearest, up if that loses 10%).
    const raw = Array.from({ length: 25 }, (_, j) => {
      const k = Math.round(Math.log((88 + 26.31 * j) / 88) / Math.log(2.25));
      return 8 * Math.round((88 * 2.25 ** k) / 8);
    });
    const stages = [...new Set(raw)];
    expect(stages).toEqual([88, 200, 448, 1000]);
    expect(stages.map((w) => raw.filter((x) => x === w).length)).toEqual([2, 6, 15, 2]);
    const divisible = (v: number) => {
      const n = Math.max(48, Math.floor((v + 24) / 48) * 48);
      return n < 0.9 * v ? n + 48 : n;
    };
    expect(stages.map(divisible)).toEqual([96, 192, 432, 1008]);
    const card = regNetX32gf();
    expect(layer(card, 'block1_0_f_b').outputShape).toEqual([56, 56, 96]);
    expect(layer(card, 'block2_5_f_c').outputShape).toEqual([28, 28, 192]);
    expect(layer(card, 'block3_14_add').outputShape).toEqual([14, 14, 432]);
    expect(layer(card, 'block4_1_f_c').outputShape).toEqual([7, 7, 1008]);
  });

  it('has torchvision’s 15,296,552 parameters and 3.177 G multiply-adds', () => {
    // The stem 112^2 x 32 x 27 = 10,838,016 MACs; block1_0's grouped 3x3 sees 48 channels a
    // group: 56^2 x 96 x 9 x 48 = 130,056,192.
    expect(regNetX32gf({ batchNorm: 'separate' }).params).toBe(15_296_552);
    const card = regNetX32gf();
    expect(layer(card, 'stem').flops / 2).toBe(10_838_016);
    expect(layer(card, 'block1_0_f_b').flops / 2).toBe(130_056_192);
    expect(multiplyAccumulates(card)).toBe(3_176_621_952);
    expect(Math.abs(multiplyAccumulates(card) / 1e9 - 3.177)).toBeLessThanOrEqual(0.0005);
  });
});
