import { describe, expect, it } from 'vitest';
import { type CostCard, multiplyAccumulates } from '../../../src/ml/cost/index.js';
import { type DenseNetDepth, denseNet, denseNet121 } from '../../../src/ml/cost/zoo/densenet.js';
import { squeezeNet, squeezeNet11 } from '../../../src/ml/cost/zoo/squeezenet.js';
import { type VggDepth, vgg, vgg16 } from '../../../src/ml/cost/zoo/vgg-16.js';
import { layer, sum } from '../../helpers/cards.js';

/**
 * torchvision's VGG-11, -13, -19, DenseNet-169, -201, -161 and SqueezeNet
 * 1.0 against the totals published for their IMAGENET1K_V1 weights in
 * pytorch/vision torchvision/models/{vgg,densenet,squeezenet}.py (indexed
 * copies of the current files; the index did not give their commits):
 * `num_params` (BN kept separate) and `_ops` (G multiply-adds, printed to
 * three places, or two for densenet169's 3.36). The model pages on pytorch.org
 * (vgg13, vgg19, densenet169, densenet201, squeezenet1_0) show the same
 * `num_params` and `_ops` rounded to two places. The exact multiply-add
 * counts were recounted by a script written from the torchvision module
 * definitions, not from the cards; shapes and per-layer costs below are
 * worked out by hand from those definitions.
 */

const TOTALS: readonly {
  name: string;
  build: () => CostCard;
  params: number;
  macs: number;
  ops: number;
  places: number;
}[] = [
  {
    name: 'vgg-11',
    build: () => vgg({ depth: 11 }),
    params: 132_863_336,
    macs: 7_609_090_048,
    ops: 7.609,
    places: 3,
  },
  {
    name: 'vgg-13',
    build: () => vgg({ depth: 13 }),
    params: 133_047_848,
    macs: 11_308_466_176,
    ops: 11.308,
    places: 3,
  },
  {
    name: 'vgg-19',
    build: () => vgg({ depth: 19 }),
    params: 143_667_240,
    macs: 19_632_062_464,
    ops: 19.632,
    places: 3,
  },
  {
    name: 'densenet-169',
    build: () => denseNet({ depth: 169, batchNorm: 'separate' }),
    params: 14_149_480,
    macs: 3_359_843_328,
    ops: 3.36,
    places: 2,
  },
  {
    name: 'densenet-201',
    build: () => denseNet({ depth: 201, batchNorm: 'separate' }),
    params: 20_013_928,
    macs: 4_291_365_888,
    ops: 4.291,
    places: 3,
  },
  {
    name: 'densenet-161',
    build: () => denseNet({ depth: 161, batchNorm: 'separate' }),
    params: 28_681_000,
    macs: 7_727_907_072,
    ops: 7.728,
    places: 3,
  },
  {
    name: 'squeezenet-1.0-torchvision',
    build: () => squeezeNet({ version: '1.0', variant: 'torchvision' }),
    params: 1_248_424,
    macs: 818_924_576,
    ops: 0.819,
    places: 3,
  },
];

describe.each(TOTALS)('$name against torchvision’s totals', (t) => {
  const card = t.build();

  it(`is named ${t.name} and has torchvision’s ${t.params} parameters`, () => {
    expect(card.name).toBe(t.name);
    expect(card.params).toBe(t.params);
  });

  it(`does ${t.macs} multiply-adds, torchvision’s ${t.ops} G to its printed places`, () => {
    const macs = multiplyAccumulates(card);
    expect(macs).toBe(t.macs);
    expect(Math.abs(macs / 1e9 - t.ops)).toBeLessThanOrEqual(0.5 * 10 ** -t.places);
  });
});

describe('VGG (torchvision’s vgg11, vgg13, vgg19)', () => {
  it('has depth - 3 convolutions and three dense layers: A 8, B 10, D 13, E 16', () => {
    const convs = (depth: VggDepth) =>
      vgg({ depth }).layers.filter((l) => l.kind === 'conv2d').length;
    expect([11, 13, 16, 19].map((d) => convs(d as VggDepth))).toEqual([8, 10, 13, 16]);
    expect(vgg({ depth: 11 }).layers.filter((l) => l.kind === 'dense').length).toBe(3);
  });

  it('gives VGG-11 one convolution in stages 1 and 2 and two in 3 to 5', () => {
    const card = vgg({ depth: 11 });
    expect(card.layers.some((l) => l.name === 'block1_conv2')).toBe(false);
    expect(layer(card, 'block1_conv1').outputShape).toEqual([224, 224, 64]);
    expect(layer(card, 'block2_conv1').params).toBe(3 * 3 * 64 * 128 + 128);
    expect(layer(card, 'block3_conv2').outputShape).toEqual([56, 56, 256]);
    // 224^2 x 27 x 64 + 112^2 x 576 x 128 + 56^2 x (1152 + 2304) x 256
    // + 28^2 x (2304 + 4608) x 512 + 14^2 x 2 x 4608 x 512 = 7,485,456,384.
    const conv = card.layers.filter((l) => l.kind === 'conv2d');
    expect(sum(conv.map((l) => l.flops / 2))).toBe(7_485_456_384);
  });

  it('gives VGG-19 a fourth 3x3 in stages 3 to 5: block3_conv4 does 56^2 x 9 x 256 x 256', () => {
    const conv = layer(vgg({ depth: 19 }), 'block3_conv4');
    expect(conv.flops / 2).toBe(1_849_688_064);
    expect(conv.params).toBe(590_080);
    expect(layer(vgg({ depth: 19 }), 'block5_conv4').outputShape).toEqual([14, 14, 512]);
  });

  it('reaches 7x7x512 at every depth, so the adaptive pool to (7, 7) has nothing to do', () => {
    for (const depth of [11, 13, 19] as const) {
      expect(layer(vgg({ depth }), 'block5_pool').outputShape).toEqual([7, 7, 512]);
      expect(layer(vgg({ depth }), 'fc1').params).toBe(25_088 * 4096 + 4096);
    }
  });

  it('returns logits, as torchvision does; Keras’s VGG-16 ends in a softmax', () => {
    expect(layer(vgg({ depth: 19 }), 'predictions').activation).toBeUndefined();
    expect(layer(vgg16(), 'predictions').activation).toBe('softmax');
    expect(vgg({ depth: 16 }).params).toBe(vgg16().params);
    expect(multiplyAccumulates(vgg({ depth: 16 }))).toBe(multiplyAccumulates(vgg16()));
  });

  it('rejects a depth it has no configuration for, naming it', () => {
    expect(() => vgg({ depth: 12 as VggDepth })).toThrow('depth(=12)');
  });
});

describe('DenseNet-169, -201 and -161 (torchvision)', () => {
  const d161 = denseNet({ depth: 161 });

  it('ends DenseNet-161’s blocks at 384, 768, 2112 and 2208 channels and halves them in each transition', () => {
    // 96 + 6 x 48, then 192 + 12 x 48, 384 + 36 x 48, 1056 + 24 x 48.
    expect(layer(d161, 'features_denseblock1_concat').outputShape).toEqual([56, 56, 384]);
    expect(layer(d161, 'features_transition1_pool').outputShape).toEqual([28, 28, 192]);
    expect(layer(d161, 'features_denseblock2_concat').outputShape).toEqual([28, 28, 768]);
    expect(layer(d161, 'features_transition2_pool').outputShape).toEqual([14, 14, 384]);
    expect(layer(d161, 'features_denseblock3_concat').outputShape).toEqual([14, 14, 2112]);
    expect(layer(d161, 'features_transition3_pool').outputShape).toEqual([7, 7, 1056]);
    expect(layer(d161, 'features_norm5').outputShape).toEqual([7, 7, 2208]);
    expect(layer(d161, 'classifier').params).toBe(2208 * 1000 + 1000);
  });

  it('gives DenseNet-161 a 96-filter stem and 4 x 48 = 192-filter bottlenecks adding 48 channels', () => {
    expect(layer(d161, 'features_conv0').outputShape).toEqual([112, 112, 96]);
    const conv1 = layer(d161, 'features_denseblock2_denselayer3_conv1');
    expect(conv1.params).toBe((192 + 2 * 48) * 192 + 192); // reads 192 + 2 x 48, norm2 folded
    expect(conv1.outputShape).toEqual([28, 28, 192]);
    const conv2 = layer(d161, 'features_denseblock2_denselayer3_conv2');
    expect(conv2.params).toBe(3 * 3 * 192 * 48);
    expect(conv2.outputShape).toEqual([28, 28, 48]);
  });

  it('counts DenseNet-161’s multiply-adds block by block', () => {
    // Stem 112^2 x 7 x 7 x 3 x 96. Block at side s whose layers read c_i channels:
    // conv1 s^2 x 192 x sum(c_i), conv2 layers x s^2 x 9 x 192 x 48. Transition s^2 x c x c / 2.
    const stem = 177_020_928;
    const block1 = 3136 * 192 * (6 * 96 + 48 * 15) + 6 * 3136 * 82_944;
    const block2 = 784 * 192 * (12 * 192 + 48 * 66) + 12 * 784 * 82_944;
    const block3 = 196 * 192 * (36 * 384 + 48 * 630) + 36 * 196 * 82_944;
    const block4 = 49 * 192 * (24 * 1056 + 48 * 276) + 24 * 49 * 82_944;
    const transitions = 3136 * 384 * 192 + 784 * 768 * 384 + 196 * 2112 * 1056;
    const total = stem + block1 + block2 + block3 + block4 + transitions + 2208 * 1000;
    expect(total).toBe(7_727_907_072);
    expect(multiplyAccumulates(d161)).toBe(total);
  });

  it('ends DenseNet-169 at 1664 channels and DenseNet-201 at 1920, both from a 64-filter stem', () => {
    const d169 = denseNet({ depth: 169 });
    expect(layer(d169, 'features_denseblock3_concat').outputShape).toEqual([14, 14, 1280]);
    expect(layer(d169, 'features_transition3_pool').outputShape).toEqual([7, 7, 640]);
    expect(layer(d169, 'features_norm5').outputShape).toEqual([7, 7, 1664]);
    const d201 = denseNet({ depth: 201 });
    expect(layer(d201, 'features_denseblock3_concat').outputShape).toEqual([14, 14, 1792]);
    expect(layer(d201, 'features_transition3_pool').outputShape).toEqual([7, 7, 896]);
    expect(layer(d201, 'features_norm5').outputShape).toEqual([7, 7, 1920]);
    expect(layer(d201, 'features_conv0').outputShape).toEqual([112, 112, 64]);
  });

  it.each([
    [169, 82, 64, 128],
    [201, 98, 64, 128],
    [161, 78, 96, 192],
  ] as const)(
    'DenseNet-%i folds norm0 and its %i norm2s only; the norm1s, transitions’ norms and norm5 stay',
    (depth, layers, stem, bottleneck) => {
      const folded = denseNet({ depth: depth as DenseNetDepth });
      const separate = denseNet({ depth: depth as DenseNetDepth, batchNorm: 'separate' });
      expect(separate.params - folded.params).toBe(stem + layers * bottleneck);
      const bns = (c: CostCard) => c.layers.filter((l) => l.kind === 'batchNorm').length;
      expect(bns(folded)).toBe(layers + 3 + 1);
      expect(bns(separate)).toBe(layers + 3 + 1 + 1 + layers);
      expect(multiplyAccumulates(separate)).toBe(multiplyAccumulates(folded));
    },
  );

  it('joins every map of a block at its end: DenseNet-201’s third block joins 1 + 48', () => {
    const end = layer(denseNet({ depth: 201 }), 'features_denseblock3_concat');
    expect(end.inputs?.length).toBe(49);
    expect(end.outputElements).toBe(196 * (256 + 48 * 32));
  });

  it('rejects a depth torchvision does not build, naming it', () => {
    expect(() => denseNet({ depth: 264 as DenseNetDepth })).toThrow('depth(=264)');
  });
});

describe('SqueezeNet 1.0 (torchvision’s squeezenet1_0)', () => {
  const card = squeezeNet({ version: '1.0', variant: 'torchvision' });

  it('maps 224 to 109, 54, 27 and 13 with ceil-mode pools after conv1, fire4 and fire8', () => {
    // (224 - 7) // 2 + 1 = 109; ceil((109 - 3) / 2) + 1 = 54; ceil(51 / 2) + 1 = 27
    // (floor mode would give 26); ceil(24 / 2) + 1 = 13.
    expect(layer(card, 'conv1').outputShape).toEqual([109, 109, 96]);
    expect(layer(card, 'pool1').outputShape).toEqual([54, 54, 96]);
    expect(layer(card, 'fire4_concat').outputShape).toEqual([54, 54, 256]);
    expect(layer(card, 'pool4').outputShape).toEqual([27, 27, 256]);
    expect(layer(card, 'fire8_concat').outputShape).toEqual([27, 27, 512]);
    expect(layer(card, 'pool8').outputShape).toEqual([13, 13, 512]);
    expect(layer(card, 'conv10').outputShape).toEqual([13, 13, 1000]);
    expect(layer(card, 'pool10').outputShape).toEqual([1000]);
  });

  it('costs conv1, fire4 and conv10 as worked by hand', () => {
    expect(layer(card, 'conv1').flops / 2).toBe(109 * 109 * 7 * 7 * 3 * 96); // 167,664,672
    expect(layer(card, 'conv1').params).toBe(7 * 7 * 3 * 96 + 96);
    // fire4 at 54^2: squeeze 128 x 32, expand 32 x 128 and 9 x 32 x 128.
    const fire4 = card.layers.filter((l) => l.name.startsWith('fire4_') && l.kind === 'conv2d');
    expect(sum(fire4.map((l) => l.flops / 2))).toBe(2916 * (4096 + 4096 + 36_864));
    expect(layer(card, 'conv10').flops / 2).toBe(86_528_000);
    expect(layer(card, 'conv10').activation).toBe('relu');
  });

  it('reads each pool window of 3x3 on the pooled map: pool4 27^2 x 256 x 9', () => {
    expect(layer(card, 'pool4').flops).toBe(27 * 27 * 256 * 9);
  });

  it('is built only as torchvision’s, and 1.1 stays the default version', () => {
    expect(() => squeezeNet({ version: '1.0' })).toThrow("variant 'torchvision'");
    expect(squeezeNet()).toEqual(squeezeNet11());
    expect(squeezeNet({ variant: 'torchvision' })).toEqual(
      squeezeNet11({ variant: 'torchvision' }),
    );
  });
});

describe('the cards these builders already made are unchanged', () => {
  it('vgg-16: 138,357,544 parameters, 15,470,264,320 multiply-adds, a softmax at the end', () => {
    const card = vgg16();
    expect(card.name).toBe('vgg-16');
    expect(card.params).toBe(138_357_544);
    expect(multiplyAccumulates(card)).toBe(15_470_264_320);
    expect(card.layers.length).toBe(13 + 5 + 1 + 3);
    expect(layer(card, 'predictions').activation).toBe('softmax');
  });

  it('densenet-121: 7,978,856 parameters with BN separate, 7,971,368 folded, 2,834,161,664 multiply-adds', () => {
    expect(denseNet121().name).toBe('densenet-121');
    expect(denseNet121({ batchNorm: 'separate' }).params).toBe(7_978_856);
    expect(denseNet121().params).toBe(7_971_368);
    expect(multiplyAccumulates(denseNet121())).toBe(2_834_161_664);
    expect(denseNet121()).toEqual(denseNet({ depth: 121 }));
  });

  it('squeezenet-1.1: 1,235,496 parameters and 418,467,520 multiply-adds at 227', () => {
    const card = squeezeNet11();
    expect(card.name).toBe('squeezenet-1.1');
    expect(card.params).toBe(1_235_496);
    expect(multiplyAccumulates(card)).toBe(418_467_520);
  });

  it('squeezenet-1.1-torchvision: 1,235,496 parameters and 349,151,936 multiply-adds at 224', () => {
    const card = squeezeNet11({ variant: 'torchvision' });
    expect(card.name).toBe('squeezenet-1.1-torchvision');
    expect(card.params).toBe(1_235_496);
    expect(multiplyAccumulates(card)).toBe(349_151_936);
  });
});
