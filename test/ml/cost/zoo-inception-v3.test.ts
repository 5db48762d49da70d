import { describe, expect, it } from 'vitest';
import { layerInputs, multiplyAccumulates } from '../../../src/ml/cost/index.js';
import { inceptionV3 } from '../../../src/ml/cost/zoo/inception-v3.js';
import { layer, sum } from '../../helpers/cards.js';

/**
 * Inception v3 as torchvision builds it (pytorch/vision
 * `torchvision/models/inception.py`, commit d100828ed41ab7c3861e0a350e0340d83986fbde),
 * eval mode, so without the AuxLogits branch. Published figures: torchvision's
 * `Inception_V3_Weights.IMAGENET1K_V1` meta (docs page
 * pytorch.org/vision/stable/models/generated/torchvision.models.inception_v3.html):
 * `num_params` 27,161,264 and `_ops` 5.713 (GFLOPS, counted as multiply-adds).
 */

const card = inceptionV3();
const macs = (name: string) => layer(card, name).flops / 2;
const index = (name: string) => card.layers.findIndex((l) => l.name === name);
/** Names of the layers `name` reads from. */
const readers = (name: string) => layerInputs(card, index(name)).map((i) => card.layers[i]?.name);

describe('Inception v3 against torchvision’s published figures', () => {
  it('has 27,161,264 parameters once the aux classifier it leaves out is added back', () => {
    // InceptionAux(768, 1000) from inception.py: BasicConv2d = conv (no bias) + BN (2 per channel).
    //   conv0 768 -> 128, 1x1:  768 x 128 + 2 x 128       =    98,560
    //   conv1 128 -> 768, 5x5:  25 x 128 x 768 + 2 x 768  = 2,459,136
    //   fc    768 -> 1000:      768 x 1000 + 1000         =   769,000
    //   aux total                                           3,326,696
    const aux = 98_560 + 2_459_136 + 769_000;
    expect(aux).toBe(3_326_696);
    expect(inceptionV3({ batchNorm: 'separate' }).params + aux).toBe(27_161_264);
  });

  it('folded, trades two BN parameters for one bias on each of the 94 convolutions’ channels', () => {
    const separate = inceptionV3({ batchNorm: 'separate' });
    const bn = separate.layers.filter((l) => l.kind === 'batchNorm');
    expect(bn.length).toBe(94);
    const channels = sum(bn.map((l) => l.outputShape[l.outputShape.length - 1] ?? 0));
    expect(card.params).toBe(separate.params - channels);
    expect(card.params).toBe(23_817_352);
  });

  it('does 5.713 G multiply-adds, torchvision’s 5.71 GFLOPS, so that figure leaves the aux branch out', () => {
    // Module by module (stem and Mixed_5b worked by hand in the next tests; all
    // of them also counted by an independent transcription of inception.py):
    // stem 1,340,779,616; 5b 312,345,600; 5c 338,688,000; 5d 348,096,000;
    // 6a 401,937,408; 6b 374,063,104; 6c and 6d 487,702,528 each; 6e 617,914,368;
    // 7a 291,004,416; 7b 322,437,120; 7c 388,497,408; fc 2048 x 1000 = 2,048,000.
    const total = multiplyAccumulates(card);
    expect(total).toBe(5_713_216_096);
    expect(Math.round(total / 1e6) / 1e3).toBe(5.713);
    // The aux branch at 17x17x768: avg pool 5/3 to 5x5, then 25 x 768 x 128
    // + 25 x 128 x 768 (the 5x5 conv leaves 1x1) + 768 x 1000 = 5,683,200,
    // which would round to 5.719 G instead.
    expect(Math.round((total + 5_683_200) / 1e6) / 1e3).toBe(5.719);
  });

  it('keeps its MACs when BN is separate: BN is not a multiply-add layer', () => {
    expect(multiplyAccumulates(inceptionV3({ batchNorm: 'separate' }))).toBe(5_713_216_096);
  });
});

describe('Inception v3 shapes', () => {
  it('takes the stem 299 -> 149 -> 147 -> 147 -> 73 -> 73 -> 71 -> 35, as torchvision’s comments say', () => {
    // 3x3/2 valid: (299 - 3) / 2 + 1 = 149; 3x3 valid: 147; 3x3 pad 1: 147;
    // max pool 3/2: (147 - 3) / 2 + 1 = 73; 1x1: 73; 3x3 valid: 71; max pool 3/2: 35.
    const names = [
      'Conv2d_1a_3x3',
      'Conv2d_2a_3x3',
      'Conv2d_2b_3x3',
      'maxpool1',
      'Conv2d_3b_1x1',
      'Conv2d_4a_3x3',
      'maxpool2',
    ];
    expect(names.map((n) => layer(card, n).outputShape)).toEqual([
      [149, 149, 32],
      [147, 147, 32],
      [147, 147, 64],
      [73, 73, 64],
      [73, 73, 80],
      [71, 71, 192],
      [35, 35, 192],
    ]);
  });

  it('gives each Mixed block torchvision’s channels at 35, 17 and 8', () => {
    // A: 64 + 64 + 96 + pool_features (32, then 64); B: 384 + 96 + 288 in;
    // C: 4 x 192; D: 320 + 192 + 768 in; E: 320 + 2 x 384 + 2 x 384 + 192.
    const expected: Record<string, number[]> = {
      Mixed_5b: [35, 35, 256],
      Mixed_5c: [35, 35, 288],
      Mixed_5d: [35, 35, 288],
      Mixed_6a: [17, 17, 768],
      Mixed_6b: [17, 17, 768],
      Mixed_6c: [17, 17, 768],
      Mixed_6d: [17, 17, 768],
      Mixed_6e: [17, 17, 768],
      Mixed_7a: [8, 8, 1280],
      Mixed_7b: [8, 8, 2048],
      Mixed_7c: [8, 8, 2048],
    };
    for (const [name, shape] of Object.entries(expected)) {
      expect(layer(card, `${name}_concat`).outputShape, name).toEqual(shape);
    }
  });

  it('at 224x224, as AI Hub runs it, takes the stem to 25 and the Mixed blocks to 25, 12 and 5', () => {
    // (224 - 3) / 2 + 1 = 111 (floor); 109; 109; (109 - 3) / 2 + 1 = 54; 54; 52;
    // (52 - 3) / 2 + 1 = 25; Mixed_6a's 3x3/2 valid: 12; Mixed_7a's: 5. Same parameters.
    const small = inceptionV3({ resolution: 224 });
    expect(small.name).toBe('inception-v3-224');
    expect(layer(small, 'maxpool2').outputShape).toEqual([25, 25, 192]);
    expect(layer(small, 'Mixed_6a_concat').outputShape).toEqual([12, 12, 768]);
    expect(layer(small, 'Mixed_7c_concat').outputShape).toEqual([5, 5, 2048]);
    expect(small.params).toBe(card.params);
  });

  it('concatenates InceptionA’s branches in torchvision’s order: 1x1, 5x5, 3x3dbl, pool', () => {
    expect(readers('Mixed_5b_concat')).toEqual([
      'Mixed_5b_branch1x1',
      'Mixed_5b_branch5x5_2',
      'Mixed_5b_branch3x3dbl_3',
      'Mixed_5b_branch_pool',
    ]);
  });

  it('runs InceptionE’s 1x3 and 3x1 on the same map and concatenates them to 768', () => {
    expect(readers('Mixed_7b_branch3x3_concat')).toEqual([
      'Mixed_7b_branch3x3_2a',
      'Mixed_7b_branch3x3_2b',
    ]);
    expect(readers('Mixed_7b_branch3x3_2a')).toEqual(['Mixed_7b_branch3x3_1']);
    expect(readers('Mixed_7b_branch3x3_2b')).toEqual(['Mixed_7b_branch3x3_1']);
    expect(layer(card, 'Mixed_7b_branch3x3_concat').outputShape).toEqual([8, 8, 768]);
  });

  it('keeps the map size through the padded 3x3 stride-1 average pools', () => {
    expect(layer(card, 'Mixed_5b_avg_pool').outputShape).toEqual([35, 35, 192]);
    expect(layer(card, 'Mixed_6e_avg_pool').outputShape).toEqual([17, 17, 768]);
    expect(layer(card, 'Mixed_7c_avg_pool').outputShape).toEqual([8, 8, 2048]);
  });

  it('ends in a global average pool to 2048 and fc 2048 -> 1000', () => {
    expect(layer(card, 'avgpool').outputShape).toEqual([2048]);
    expect(layer(card, 'fc').params).toBe(2048 * 1000 + 1000);
  });
});

describe('Inception v3 costs worked by hand', () => {
  it('Mixed_6b’s 1x7 convolution: 17 x 17 x 128 outputs, 7 x 128 MACs each', () => {
    // branch7x7_2: conv 128 -> 128, kernel (1, 7), padding (0, 3) at 17x17.
    // 17 x 17 x 128 x 7 x 128 = 33,144,832 MACs; folded params 7 x 128 x 128 + 128 = 114,816.
    const conv = layer(card, 'Mixed_6b_branch7x7_2');
    expect(conv.outputShape).toEqual([17, 17, 128]);
    expect(conv.kernel).toEqual([1, 7]);
    expect(conv.flops).toBe(2 * 33_144_832);
    expect(conv.params).toBe(114_816);
    // Its 7x1 partner does the same work on the transposed kernel.
    expect(macs('Mixed_6b_branch7x7dbl_2')).toBe(33_144_832);
  });

  it('the stem does 1,340,779,616 MACs', () => {
    // 1a 149^2 x 32 x 27 = 19,181,664; 2a 147^2 x 32 x 288 = 199,148,544;
    // 2b 147^2 x 64 x 288 = 398,297,088; 3b 73^2 x 80 x 64 = 27,284,480;
    // 4a 71^2 x 192 x 720 = 696,867,840.
    const stem = ['Conv2d_1a_3x3', 'Conv2d_2a_3x3', 'Conv2d_2b_3x3', 'Conv2d_3b_1x1'];
    expect(stem.map(macs)).toEqual([19_181_664, 199_148_544, 398_297_088, 27_284_480]);
    expect(sum([...stem, 'Conv2d_4a_3x3'].map(macs))).toBe(1_340_779_616);
  });

  it('Mixed_5b does 1225 x 254,976 = 312,345,600 MACs', () => {
    // Per output position of 35 x 35 = 1225, input 192 channels:
    // 192x64 + 192x48 + 25x48x64 + 192x64 + 9x64x96 + 9x96x96 + 192x32
    // = 12,288 + 9,216 + 76,800 + 12,288 + 55,296 + 82,944 + 6,144 = 254,976.
    const convs = card.layers.filter((l) => l.kind === 'conv2d' && l.name.startsWith('Mixed_5b_'));
    expect(convs.length).toBe(7);
    expect(sum(convs.map((l) => l.flops / 2))).toBe(312_345_600);
  });
});
