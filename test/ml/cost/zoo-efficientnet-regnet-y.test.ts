import { describe, expect, it } from 'vitest';
import { type CostCard, multiplyAccumulates } from '../../../src/ml/cost/index.js';
import { efficientNetB0, efficientNetB4 } from '../../../src/ml/cost/zoo/efficientnet-b0.js';
import { regNetX32gf, regNetY800mf } from '../../../src/ml/cost/zoo/regnet.js';
import { layer, sum } from '../../helpers/cards.js';

/**
 * torchvision's `efficientnet_b4` and `regnet_y_800mf` (Qualcomm AI Hub's
 * models of those names) against the totals torchvision publishes for their
 * IMAGENET1K_V1 weights: EfficientNet_B4 `num_params` 19341616, `_ops` 4.394
 * at its 380x380 crop (GFLOPS 4.39 on
 * pytorch.org/vision/stable/models/generated/torchvision.models.efficientnet_b4.html;
 * 4.4 in pytorch/vision torchvision/models/efficientnet.py at
 * 07a929e8b851242b1c75c9016ee06a8e502961d8), RegNet_Y_800MF `num_params`
 * 6432512, `_ops` 0.834 (torchvision/models/regnet.py; 0.8 at 07a929e8).
 * The exact multiply-add counts were recounted by a script written from
 * torchvision's efficientnet.py and regnet.py rather than from the cards.
 */

const seMacs = (card: CostCard, prefix = '') =>
  sum(
    card.layers
      .filter((l) => l.name.startsWith(prefix) && /_se_fc[12]$/.test(l.name))
      .map((l) => l.flops / 2),
  );

describe('EfficientNet-B4 (torchvision)', () => {
  const card = efficientNetB4({ resolution: 224 });

  it('has torchvision’s 19,341,616 parameters with BN kept separate, 62,600 fewer folded', () => {
    expect(efficientNetB4({ batchNorm: 'separate' }).params).toBe(19_341_616);
    expect(efficientNetB4().params).toBe(card.params);
    expect(card.params).toBe(19_341_616 - 62_600);
  });

  it('does 4,393,771,024 multiply-adds at 380x380, torchvision’s 4.394 (4.39) G', () => {
    const macs = multiplyAccumulates(efficientNetB4({ resolution: 380 }));
    expect(macs).toBe(4_393_771_024);
    expect(Math.abs(macs / 1e9 - 4.394)).toBeLessThanOrEqual(0.0005);
  });

  it('runs at torchvision’s 380x380 unless told otherwise; at AI Hub’s 224, 1,503,710,432 multiply-adds', () => {
    expect(efficientNetB4().name).toBe('efficientnet-b4');
    expect(efficientNetB4().inputShape).toEqual([380, 380, 3]);
    expect(card.name).toBe('efficientnet-b4-224');
    expect(card.inputShape).toEqual([224, 224, 3]);
    expect(multiplyAccumulates(card)).toBe(1_503_710_432);
  });

  it('widens B0 by 1.4 to multiples of 8: stem 48, rows 24 to 448, head 4 x 448 = 1792', () => {
    // 32 x 1.4 = 44.8 -> 48; 16 x 1.4 = 22.4 -> 24; 112 x 1.4 = 156.8 -> 160; 192 x 1.4 = 268.8 -> 272.
    const stem = layer(card, 'features_0');
    expect(stem.outputShape).toEqual([112, 112, 48]);
    expect(stem.params).toBe(3 * 3 * 3 * 48 + 48);
    expect(stem.flops / 2).toBe(112 * 112 * 27 * 48);
    expect(layer(card, 'features_1_1_project').outputShape).toEqual([112, 112, 24]);
    expect(layer(card, 'features_2_3_project').outputShape).toEqual([56, 56, 32]);
    expect(layer(card, 'features_3_3_project').outputShape).toEqual([28, 28, 56]);
    expect(layer(card, 'features_4_5_project').outputShape).toEqual([14, 14, 112]);
    expect(layer(card, 'features_5_5_project').outputShape).toEqual([14, 14, 160]);
    expect(layer(card, 'features_6_7_project').outputShape).toEqual([7, 7, 272]);
    expect(layer(card, 'features_7_1_project').outputShape).toEqual([7, 7, 448]);
    expect(layer(card, 'features_8').outputShape).toEqual([7, 7, 1792]);
    expect(layer(card, 'classifier_1').params).toBe(1792 * 1000 + 1000);
  });

  it('deepens B0 by 1.8, rounded up: 2, 4, 4, 6, 6, 8, 2 blocks and 25 residual adds', () => {
    // ceil(1.8) = 2, ceil(3.6) = 4, ceil(5.4) = 6, ceil(7.2) = 8; each row adds in all but its first.
    expect(card.layers.some((l) => l.name === 'features_6_7_depthwise')).toBe(true);
    expect(card.layers.some((l) => l.name === 'features_6_8_depthwise')).toBe(false);
    expect(card.layers.filter((l) => l.kind === 'add').length).toBe(1 + 3 + 3 + 5 + 5 + 7 + 1);
  });

  it('has no expansion in row 1 and squeezes by the block’s input: 48 // 4 = 12, then 24 // 4 = 6', () => {
    expect(card.layers.some((l) => /^features_1_\d_expand$/.test(l.name))).toBe(false);
    expect(layer(card, 'features_1_0_se_fc1').outputShape).toEqual([1, 1, 12]);
    expect(layer(card, 'features_1_0_se_fc1').params).toBe(48 * 12 + 12);
    expect(layer(card, 'features_1_1_se_fc1').outputShape).toEqual([1, 1, 6]);
    expect(layer(card, 'features_1_1_add').outputShape).toEqual([112, 112, 24]);
    // Row 2 expands its 24 input channels by 6 and squeezes to 6 of 144.
    expect(layer(card, 'features_2_0_expand').outputShape).toEqual([112, 112, 144]);
    expect(layer(card, 'features_2_0_depthwise').outputShape).toEqual([56, 56, 144]);
    expect(layer(card, 'features_2_0_se_fc2').params).toBe(6 * 144 + 144);
  });

  it('spends 3,117,408 multiply-adds in SE, 2 x expanded x squeeze a block', () => {
    // Row 1: 2 x 48 x 12 + 2 x 24 x 6 = 1,440; row 2: 2 x 144 x 6 + 3 x 2 x 192 x 8 = 10,944;
    // row 7: 2 x 1632 x 68 + 2 x 2688 x 112 = 824,064.
    expect(seMacs(card, 'features_1_')).toBe(1_440);
    expect(seMacs(card, 'features_2_')).toBe(10_944);
    expect(seMacs(card, 'features_7_')).toBe(824_064);
    expect(seMacs(card)).toBe(3_117_408);
  });

  it('at 380 halves the map with rounding up at each stride: 190, 95, 48, 24, 12', () => {
    const big = efficientNetB4({ resolution: 380 });
    expect(layer(big, 'features_0').outputShape).toEqual([190, 190, 48]);
    expect(layer(big, 'features_2_0_depthwise').outputShape).toEqual([95, 95, 144]);
    expect(layer(big, 'features_3_0_depthwise').outputShape).toEqual([48, 48, 192]);
    expect(layer(big, 'features_4_0_depthwise').outputShape).toEqual([24, 24, 336]);
    expect(layer(big, 'features_8').outputShape).toEqual([12, 12, 1792]);
  });
});

describe('RegNetY-800MF (torchvision)', () => {
  const card = regNetY800mf();

  it('has the stage widths torchvision’s quantization of 56 + 38.84 j gives', () => {
    // torchvision's BlockParams.from_init_params(14, 56, 38.84, 2.4, 16, se_ratio=0.25), worked
    // as for RegNetX-3.2GF: e.g. u_1 = 94.84, log(94.84 / 56) / log 2.4 = 0.60 -> 1,
    // 56 x 2.4 = 134.4 -> 136; u_12 = 522.08 -> 2.55 -> 3, 56 x 2.4^3 = 774.1 -> 776.
    const raw = Array.from({ length: 14 }, (_, j) => {
      const k = Math.round(Math.log((56 + 38.84 * j) / 56) / Math.log(2.4));
      return 8 * Math.round((56 * 2.4 ** k) / 8);
    });
    const stages = [...new Set(raw)];
    expect(stages).toEqual([56, 136, 320, 776]);
    expect(stages.map((w) => raw.filter((x) => x === w).length)).toEqual([1, 3, 8, 2]);
    const divisible = (v: number) => {
      const n = Math.max(16, Math.floor((v + 8) / 16) * 16);
      return n < 0.9 * v ? n + 16 : n;
    };
    expect(stages.map(divisible)).toEqual([64, 144, 320, 784]);
    expect(layer(card, 'block1_0_add').outputShape).toEqual([56, 56, 64]);
    expect(layer(card, 'block2_2_add').outputShape).toEqual([28, 28, 144]);
    expect(layer(card, 'block3_7_add').outputShape).toEqual([14, 14, 320]);
    expect(layer(card, 'block4_1_add').outputShape).toEqual([7, 7, 784]);
  });

  it('has torchvision’s 6,432,512 parameters and 0.834 G multiply-adds', () => {
    // The stem 112^2 x 27 x 32 = 10,838,016; block1_0's 3x3 in 64 / 16 = 4 groups:
    // 56^2 x 64 x 9 x 16 = 28,901,376.
    expect(regNetY800mf({ batchNorm: 'separate' }).params).toBe(6_432_512);
    expect(layer(card, 'stem').flops / 2).toBe(10_838_016);
    expect(layer(card, 'block1_0_f_b').flops / 2).toBe(28_901_376);
    expect(multiplyAccumulates(card)).toBe(833_856_256);
    expect(Math.abs(multiplyAccumulates(card) / 1e9 - 0.834)).toBeLessThanOrEqual(0.0005);
  });

  it('folds 15,216 BN channels: stem 32, then 3 a block of its width and 1 more with a projection', () => {
    // 32 + 64 x 4 + 144 x (4 + 3 x 2) + 320 x (4 + 3 x 7) + 784 x (4 + 3) = 15,216.
    expect(card.params).toBe(6_432_512 - 15_216);
  });

  it('squeezes a quarter of the block’s INPUT width: 32 -> 8, 64 -> 16, 144 -> 36, 784 -> 196', () => {
    const fc1 = layer(card, 'block1_0_f_se_fc1');
    expect(fc1.outputShape).toEqual([1, 1, 8]);
    expect(fc1.params).toBe(64 * 8 + 8);
    expect(fc1.activation).toBe('relu');
    expect(layer(card, 'block1_0_f_se_fc2').activation).toBe('sigmoid');
    expect(layer(card, 'block2_0_f_se_fc1').outputShape).toEqual([1, 1, 16]);
    expect(layer(card, 'block2_1_f_se_fc1').outputShape).toEqual([1, 1, 36]);
    expect(layer(card, 'block4_1_f_se_fc1').outputShape).toEqual([1, 1, 196]);
  });

  it('scales the grouped 3x3’s output before the last 1x1, 840,576 multiply-adds in SE', () => {
    // 2 x (64 x 8 + 144 x 16 + 2 x 144 x 36 + 320 x 36 + 7 x 320 x 80 + 784 x 80 + 784 x 196).
    expect(seMacs(card)).toBe(840_576);
    const multiply = layer(card, 'block3_0_f_se_multiply');
    const names = (multiply.inputs ?? []).map((i) => card.layers[i]?.name);
    expect(names).toEqual(['block3_0_f_b', 'block3_0_f_se_fc2']);
    expect(multiply.outputShape).toEqual([14, 14, 320]);
    const at = card.layers.indexOf(multiply);
    expect(card.layers[at + 1]?.name).toBe('block3_0_f_c');
    expect(layer(card, 'fc').params).toBe(784 * 1000 + 1000);
  });
});

describe('the cards these builders already made', () => {
  it('EfficientNet-B0 keeps its 224 input, 5,288,548 parameters and 385,814,752 multiply-adds', () => {
    const card = efficientNetB0();
    expect(card.name).toBe('efficientnet-b0');
    expect(card.inputShape).toEqual([224, 224, 3]);
    expect(efficientNetB0({ batchNorm: 'separate' }).params).toBe(5_288_548);
    expect(card.params).toBe(5_267_540);
    expect(multiplyAccumulates(card)).toBe(385_814_752);
    expect(layer(card, 'features_8').outputShape).toEqual([7, 7, 1280]);
  });

  it('RegNetX-3.2GF keeps 15,296,552 parameters, 3,176,621,952 multiply-adds and no SE', () => {
    const card = regNetX32gf();
    expect(card.name).toBe('regnet-x-3.2gf');
    expect(regNetX32gf({ batchNorm: 'separate' }).params).toBe(15_296_552);
    expect(multiplyAccumulates(card)).toBe(3_176_621_952);
    expect(card.layers.some((l) => l.kind === 'multiply')).toBe(false);
  });
});
