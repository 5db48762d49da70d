import { describe, expect, it } from 'vitest';
import { type CostCard, MAC_KINDS, multiplyAccumulates } from '../../../src/ml/cost/index.js';
import { resNet18 } from '../../../src/ml/cost/zoo/resnet-18.js';
import { resNet50 } from '../../../src/ml/cost/zoo/resnet-50.js';
import { resNetV2 } from '../../../src/ml/cost/zoo/resnet-v2.js';
import { layer, sum } from '../../helpers/cards.js';

/**
 * ResNet-34 and -152 as torchvision builds them, and TF-slim's pre-activation
 * ResNet V2 50 and 152 at 299x299. Published figures: torchvision's
 * `ResNet34_Weights.IMAGENET1K_V1` (`num_params` 21797672, `_ops` 3.664) and
 * `ResNet152_Weights.IMAGENET1K_V1` (60192808, 11.514), read in an indexed
 * copy of torchvision/models/resnet.py (commit not given) and shown on the
 * model pages as GFLOPS 3.66 and 11.51; Keras's ResNet50V2 and ResNet152V2,
 * 25,613,800 and 60,380,648 parameters (keras.io applications table; BN
 * moving statistics included, 1000 classes). Every multiply-add count and
 * shape below was worked out by hand from pytorch/vision resnet.py and
 * tensorflow/models research/slim/nets/resnet_v2.py (see the cards' headers).
 */

const macsUnder = (card: CostCard, prefix: string) =>
  sum(
    card.layers
      .filter((l) => l.name.startsWith(prefix) && MAC_KINDS.includes(l.kind))
      .map((l) => l.flops / 2),
  );
const paramsUnder = (card: CostCard, prefix: string) =>
  sum(card.layers.filter((l) => l.name.startsWith(prefix)).map((l) => l.params));
const count = (card: CostCard, kind: string) => card.layers.filter((l) => l.kind === kind).length;

/** 56^2 x 36,864: one 3x3 64 -> 64 convolution at 56 x 56, and each same-width 3x3 after a stage's first. */
const BASIC_CONV = 115_605_504;
/** A bottleneck that neither strides nor projects: 56^2 x (256 x 64 + 9 x 64^2 + 64 x 256), and the same at every stage. */
const BOTTLENECK = 218_365_952;

describe('ResNet-34 (torchvision resnet34)', () => {
  const card = resNet18({ depth: 34 });

  it('has torchvision’s 21,797,672 parameters with BN separate, 8,512 fewer folded', () => {
    expect(resNet18({ depth: 34, batchNorm: 'separate' }).params).toBe(21_797_672);
    // BN channels: stem 64 + 6 x 64 + (8 + 1) x 128 + (12 + 1) x 256 + (6 + 1) x 512.
    expect(21_797_672 - card.params).toBe(64 + 6 * 64 + 9 * 128 + 13 * 256 + 7 * 512);
  });

  it('does 3,663,761,408 multiply-adds, torchvision’s 3.664 G', () => {
    // conv2: 6 convs. conv3-5: the first 3x3 (strided) and the projection each cost
    // 57,802,752 and 6,422,528 at every stage; 7, 11, 5 more same-width convs.
    expect(layer(card, 'conv1_conv').flops / 2).toBe(118_013_952);
    expect(macsUnder(card, 'conv2_')).toBe(6 * BASIC_CONV);
    expect(macsUnder(card, 'conv3_')).toBe(57_802_752 + 6_422_528 + 7 * BASIC_CONV);
    expect(macsUnder(card, 'conv4_')).toBe(57_802_752 + 6_422_528 + 11 * BASIC_CONV);
    expect(macsUnder(card, 'conv5_')).toBe(57_802_752 + 6_422_528 + 5 * BASIC_CONV);
    const macs = multiplyAccumulates(card);
    expect(macs).toBe(3_663_761_408);
    expect(Math.abs(macs / 1e9 - 3.664)).toBeLessThanOrEqual(0.0005);
  });

  it('stacks [3, 4, 6, 3] basic blocks ending at 56, 28, 14, 7 pixels', () => {
    expect(card.name).toBe('resnet-34');
    expect(count(card, 'add')).toBe(16);
    expect(layer(card, 'conv2_block3_add').outputShape).toEqual([56, 56, 64]);
    expect(layer(card, 'conv3_block4_add').outputShape).toEqual([28, 28, 128]);
    expect(layer(card, 'conv4_block6_add').outputShape).toEqual([14, 14, 256]);
    expect(layer(card, 'conv5_block3_add').outputShape).toEqual([7, 7, 512]);
    expect(card.layers.some((l) => l.name === 'conv2_block1_0_conv')).toBe(false);
    expect(card.layers.some((l) => l.name === 'conv4_block2_0_conv')).toBe(false);
  });
});

describe('ResNet-152 (torchvision resnet152, v1.5)', () => {
  const card = resNet50({ depth: 152 });

  it('has torchvision’s 60,192,808 parameters with BN separate, 75,712 fewer folded', () => {
    expect(resNet50({ depth: 152, batchNorm: 'separate' }).params).toBe(60_192_808);
    // BN channels: stem 64; conv2 3 x 384 + 256; conv3 8 x 768 + 512; conv4 36 x 1536 + 1024; conv5 3 x 3072 + 2048.
    expect(60_192_808 - card.params).toBe(
      64 + 3 * 384 + 256 + 8 * 768 + 512 + 36 * 1536 + 1024 + 3 * 3072 + 2048,
    );
  });

  it('does 11,513,626,624 multiply-adds, torchvision’s 11.514 G: ResNet-101 and 4 + 13 more bottlenecks', () => {
    const macs = multiplyAccumulates(card);
    expect(macs).toBe(7_801_405_440 + 17 * BOTTLENECK);
    expect(macs).toBe(11_513_626_624);
    expect(Math.abs(macs / 1e9 - 11.514)).toBeLessThanOrEqual(0.0005);
    // conv3's first block (v1.5: stride on the 3x3) is 372,506,624, as in ResNet-50.
    expect(macsUnder(card, 'conv3_')).toBe(372_506_624 + 7 * BOTTLENECK);
    expect(macsUnder(card, 'conv4_')).toBe(372_506_624 + 35 * BOTTLENECK);
  });

  it('stacks [3, 8, 36, 3] bottlenecks ending at 56, 28, 14, 7 pixels', () => {
    expect(card.name).toBe('resnet-152');
    expect(count(card, 'add')).toBe(50);
    expect(layer(card, 'conv2_block3_add').outputShape).toEqual([56, 56, 256]);
    expect(layer(card, 'conv3_block8_add').outputShape).toEqual([28, 28, 512]);
    expect(layer(card, 'conv4_block36_add').outputShape).toEqual([14, 14, 1024]);
    expect(layer(card, 'conv5_block3_add').outputShape).toEqual([7, 7, 2048]);
    expect(card.layers.some((l) => l.name === 'conv3_block9_add')).toBe(false);
  });
});

describe('the existing ResNet cards are unchanged', () => {
  it('resnet-18: 11,689,512 parameters separate (11,684,712 folded), 1,814,073,344 MACs, 31 layers', () => {
    const card = resNet18();
    expect(card.name).toBe('resnet-18');
    expect(resNet18({ batchNorm: 'separate' }).params).toBe(11_689_512);
    expect(card.params).toBe(11_689_512 - 4_800);
    expect(multiplyAccumulates(card)).toBe(1_814_073_344);
    // conv1, pool, 8 x (two 3x3 and an add), 3 projections, pool, fc.
    expect(card.layers.length).toBe(2 + 8 * 3 + 3 + 2);
  });

  it('resnet-18-caffe: one projection more, 4,160 parameters and 12,845,056 MACs', () => {
    const card = resNet18({ variant: 'caffe' });
    expect(card.name).toBe('resnet-18-caffe');
    expect(card.params).toBe(11_684_712 + 4_160);
    expect(multiplyAccumulates(card)).toBe(1_814_073_344 + 12_845_056);
    expect(card.layers.length).toBe(32);
  });

  it('resnet-50: 25,557,032 parameters separate, 4,089,184,256 MACs, 72 layers', () => {
    const card = resNet50();
    expect(card.name).toBe('resnet-50');
    expect(resNet50({ batchNorm: 'separate' }).params).toBe(25_557_032);
    expect(card.params).toBe(25_557_032 - 26_560);
    // conv1 118,013,952; conv2 231,211,008 + 2 x BOTTLENECK; each later stage's first
    // block 372,506,624 and 3, 5, 2 more; fc 2,048,000.
    const conv2 = 231_211_008 + 2 * BOTTLENECK;
    const later = 3 * 372_506_624 + 10 * BOTTLENECK;
    expect(multiplyAccumulates(card)).toBe(118_013_952 + conv2 + later + 2_048_000);
    expect(multiplyAccumulates(card)).toBe(4_089_184_256);
    expect(card.layers.length).toBe(2 + 16 * 4 + 4 + 2);
  });

  it('resnet-101: 44,549,160 parameters separate, 7,801,405,440 MACs, 140 layers', () => {
    const card = resNet50({ depth: 101 });
    expect(card.name).toBe('resnet-101');
    expect(resNet50({ depth: 101, batchNorm: 'separate' }).params).toBe(44_549_160);
    expect(multiplyAccumulates(card)).toBe(4_089_184_256 + 17 * BOTTLENECK);
    expect(card.layers.length).toBe(2 + 33 * 4 + 4 + 2);
  });
});

describe('ResNet V2 50 at 299 (TF-slim resnet_v2_50)', () => {
  const card = resNetV2();
  const separate = resNetV2({ batchNorm: 'separate' });

  it('has 25,570,409 parameters with BN separate, block by block as worked by hand', () => {
    expect(separate.params).toBe(25_570_409);
    expect(layer(separate, 'conv1').params).toBe(7 * 7 * 3 * 64 + 64);
    expect(paramsUnder(separate, 'block1_')).toBe(215_936);
    expect(paramsUnder(separate, 'block2_')).toBe(1_220_608);
    expect(paramsUnder(separate, 'block3_')).toBe(7_102_464);
    expect(paramsUnder(separate, 'block4_')).toBe(14_966_784);
    expect(layer(separate, 'postnorm').params).toBe(2 * 2048);
    expect(layer(separate, 'logits').params).toBe(2048 * 1001 + 1001);
  });

  it('is Keras’s ResNet50V2 count once one logit goes and the BN moving statistics come in', () => {
    // 1000 classes: one row of 2048 weights and one bias fewer; Keras also counts
    // each BN channel's moving mean and variance: 22,720 channels.
    const bnChannels = sum(
      separate.layers.filter((l) => l.kind === 'batchNorm').map((l) => l.params / 2),
    );
    expect(bnChannels).toBe(22_720);
    expect(separate.params - 2049).toBe(25_568_360);
    expect(separate.params - 2049 + 2 * bnChannels).toBe(25_613_800);
  });

  it('folds only the BNs after conv1 and conv2 of each unit: 7,552 parameters fewer', () => {
    // 3 x 128 + 4 x 256 + 6 x 512 + 3 x 1024 channels keep one bias instead of two.
    expect(separate.params - card.params).toBe(7_552);
    expect(card.params).toBe(25_562_857);
  });

  it('does 6,536,213,248 multiply-adds, block by block as worked by hand', () => {
    expect(layer(card, 'conv1').flops / 2).toBe(150 * 150 * 7 * 7 * 3 * 64);
    // Block 1 at 75^2: unit 1 73,728 x 5,625; unit 2 69,632 x 5,625; unit 3's conv1
    // at 75^2, its strided conv2 and conv3 at 38^2.
    expect(macsUnder(card, 'block1_')).toBe(414_720_000 + 391_680_000 + 169_050_112);
    expect(macsUnder(card, 'block2_')).toBe(544_145_408 + 2 * 402_194_432 + 171_524_096);
    expect(macsUnder(card, 'block3_')).toBe(544_145_408 + 4 * 402_194_432 + 179_830_784);
    expect(macsUnder(card, 'block4_')).toBe(602_931_200 + 2 * 445_644_800);
    expect(layer(card, 'logits').flops / 2).toBe(2048 * 1001);
    expect(multiplyAccumulates(card)).toBe(6_536_213_248);
    expect(multiplyAccumulates(separate)).toBe(6_536_213_248);
  });

  it('maps 299 to 150, 75, then 38, 19, 10 at the end of blocks 1-3, and 10 x 10 x 2048', () => {
    expect(card.name).toBe('resnet-50-v2-299');
    expect(layer(card, 'conv1').outputShape).toEqual([150, 150, 64]);
    expect(layer(card, 'pool1').outputShape).toEqual([75, 75, 64]);
    expect(layer(card, 'block1_unit_3_add').outputShape).toEqual([38, 38, 256]);
    expect(layer(card, 'block2_unit_4_add').outputShape).toEqual([19, 19, 512]);
    expect(layer(card, 'block3_unit_6_add').outputShape).toEqual([10, 10, 1024]);
    expect(layer(card, 'block4_unit_3_add').outputShape).toEqual([10, 10, 2048]);
    expect(layer(card, 'postnorm').outputShape).toEqual([10, 10, 2048]);
    expect(layer(card, 'logits').outputShape).toEqual([1001]);
  });

  it('strides on each block’s last unit, in its 3x3, and subsamples the identity there', () => {
    expect(layer(card, 'block1_unit_2_conv2').outputShape).toEqual([75, 75, 64]);
    expect(layer(card, 'block1_unit_3_conv1').outputShape).toEqual([75, 75, 64]);
    expect(layer(card, 'block1_unit_3_conv2').outputShape).toEqual([38, 38, 64]);
    const subsample = layer(card, 'block1_unit_3_shortcut');
    expect(subsample).toMatchObject({ kind: 'pool', params: 0, outputShape: [38, 38, 256] });
    expect(subsample.flops).toBe(38 * 38 * 256); // a 1x1 window: one read per output
    // Block 4 does not stride: its last unit's shortcut is the identity.
    expect(card.layers.some((l) => l.name === 'block4_unit_3_shortcut')).toBe(false);
    expect(layer(card, 'block4_unit_3_conv2').outputShape).toEqual([10, 10, 512]);
  });

  it('projects preact in each block’s first unit with a biased 1x1, unstrided', () => {
    const at = card.layers.findIndex((l) => l.name === 'block2_unit_1_preact');
    const shortcut = layer(card, 'block2_unit_1_shortcut');
    expect(shortcut).toMatchObject({ kind: 'conv2d', params: 256 * 512 + 512 });
    expect(shortcut.outputShape).toEqual([38, 38, 512]);
    expect(shortcut.inputs).toEqual([at]);
    expect(card.layers[at + 1]?.name).toBe('block2_unit_1_conv1'); // reads preact too
    expect(layer(card, 'block1_unit_1_shortcut').params).toBe(64 * 256 + 256); // 64 -> 256 channels
  });

  it('adds an identity unit’s input, not its preact, and puts no ReLU after the add', () => {
    const input = card.layers.findIndex((l) => l.name === 'block3_unit_1_add');
    const add = layer(card, 'block3_unit_2_add');
    expect(add.inputs).toContain(input);
    expect(add.activation).toBeUndefined();
    expect(layer(card, 'block3_unit_2_preact').inputs).toBeUndefined(); // reads the add before it
  });

  it('keeps the 16 preacts and postnorm as scale-and-shift layers with ReLU even when folded', () => {
    expect(count(card, 'batchNorm')).toBe(17);
    expect(count(separate, 'batchNorm')).toBe(17 + 2 * 16);
    const preact = layer(card, 'block3_unit_2_preact');
    expect(preact).toMatchObject({ activation: 'relu', params: 2 * 1024 });
    expect(preact.flops).toBe(2 * 19 * 19 * 1024);
  });

  it('has a biased stem and conv3 without activation, and folds BN into conv1 and conv2 with ReLU', () => {
    expect(layer(card, 'conv1').activation).toBeUndefined();
    const conv3 = layer(card, 'block2_unit_2_conv3');
    expect(conv3.params).toBe(128 * 512 + 512);
    expect(conv3.activation).toBeUndefined();
    expect(layer(card, 'block2_unit_2_conv2')).toMatchObject({
      params: 9 * 128 * 128 + 128,
      activation: 'relu',
    });
    expect(layer(separate, 'block2_unit_2_conv2').params).toBe(9 * 128 * 128);
    expect(layer(separate, 'block2_unit_2_conv2_bn').params).toBe(2 * 128);
  });

  it('at 224 ends each block at 28, 14, 7 and 7 pixels', () => {
    const small = resNetV2({ resolution: 224 });
    expect(small.name).toBe('resnet-50-v2');
    expect(small.params).toBe(card.params);
    expect(layer(small, 'pool1').outputShape).toEqual([56, 56, 64]);
    expect(layer(small, 'block1_unit_3_add').outputShape).toEqual([28, 28, 256]);
    expect(layer(small, 'block3_unit_6_add').outputShape).toEqual([7, 7, 1024]);
    expect(layer(small, 'postnorm').outputShape).toEqual([7, 7, 2048]);
  });
});

describe('ResNet V2 152 at 299 (TF-slim resnet_v2_152)', () => {
  const card = resNetV2({ depth: 152 });
  const separate = resNetV2({ depth: 152, batchNorm: 'separate' });

  it('has 60,238,953 parameters with BN separate, 60,215,017 folded', () => {
    expect(paramsUnder(separate, 'block2_')).toBe(378_880 + 7 * 280_576);
    expect(paramsUnder(separate, 'block3_')).toBe(1_511_424 + 35 * 1_118_208);
    expect(separate.params).toBe(60_238_953);
    expect(card.params).toBe(60_238_953 - 23_936);
  });

  it('is Keras’s ResNet152V2, 60,380,648, with 1000 classes and BN moving statistics', () => {
    const bnChannels = sum(
      separate.layers.filter((l) => l.kind === 'batchNorm').map((l) => l.params / 2),
    );
    expect(bnChannels).toBe(71_872);
    expect(separate.params - 2049 + 2 * bnChannels).toBe(60_380_648);
  });

  it('does 20,210,823,936 multiply-adds: ResNet V2 50 with 4 + 30 more unstrided units', () => {
    expect(macsUnder(card, 'block2_')).toBe(544_145_408 + 6 * 402_194_432 + 171_524_096);
    expect(macsUnder(card, 'block3_')).toBe(544_145_408 + 34 * 402_194_432 + 179_830_784);
    expect(multiplyAccumulates(card)).toBe(6_536_213_248 + 34 * 402_194_432);
    expect(multiplyAccumulates(card)).toBe(20_210_823_936);
  });

  it('stacks [3, 8, 36, 3] units to the same 10 x 10 x 2048 map', () => {
    expect(card.name).toBe('resnet-152-v2-299');
    expect(count(card, 'add')).toBe(50);
    expect(count(card, 'batchNorm')).toBe(51);
    expect(layer(card, 'block2_unit_8_add').outputShape).toEqual([19, 19, 512]);
    expect(layer(card, 'block2_unit_7_add').outputShape).toEqual([38, 38, 512]);
    expect(layer(card, 'block3_unit_36_add').outputShape).toEqual([10, 10, 1024]);
    expect(layer(card, 'postnorm').outputShape).toEqual([10, 10, 2048]);
  });
});
