import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import {
  alexNet,
  type CostCard,
  conv2d,
  costCardSchema,
  dense,
  depthwiseConv2d,
  fedAvgCnn,
  flatten,
  globalAvgPool,
  layerBytesMoved,
  MODEL_ZOO,
  makeCard,
  maxPool,
  mobileNetV2,
  multiplyAccumulates,
  parseCostCard,
  residual,
  resNet50,
  sequential,
  weightBytes,
} from '../../../src/ml/cost/index.js';
import { layer, sum } from '../../helpers/cards.js';

describe('AlexNet (torchvision layout)', () => {
  it("has torchvision's 61,100,840 parameters and 0.71 G multiply-accumulates", () => {
    // https://pytorch.org/vision/stable/models/generated/torchvision.models.alexnet.html:
    // 61,100,840 params, 0.71 GFLOPS (torchvision counts multiply-accumulates).
    const card = alexNet();
    expect(card.params).toBe(61_100_840);
    expect(multiplyAccumulates(card) / 1e9).toBeCloseTo(0.71, 2);
  });

  it('grows its activation past the input at conv1 and shrinks it at each pooling', () => {
    const card = alexNet();
    const shape = (name: string) => card.layers.find((l) => l.name === name)!.outputShape;
    // conv1: 55 x 55 x 64 = 193,600 values, more than the input's 224 x 224 x 3 = 150,528;
    // pool1: 27 x 27 x 64 = 46,656, under a third of it (Neurosurgeon's split point).
    expect(shape('conv1')).toEqual([55, 55, 64]);
    expect(shape('pool1')).toEqual([27, 27, 64]);
    expect(shape('pool2')).toEqual([13, 13, 192]);
    expect(shape('pool5')).toEqual([6, 6, 256]);
  });
});

describe('FedAvg MNIST CNN', () => {
  it('has exactly the 1,663,370 parameters of the paper', () => {
    expect(fedAvgCnn().params).toBe(1_663_370);
  });

  it('counts each layer by hand', () => {
    // conv1: 5*5*1*32 + 32; conv2: 5*5*32*64 + 64; fc1: 3136*512 + 512; fc2: 512*10 + 10.
    expect(fedAvgCnn().layers.map((l) => [l.name, l.params, l.outputShape])).toEqual([
      ['conv1', 832, [28, 28, 32]],
      ['pool1', 0, [14, 14, 32]],
      ['conv2', 51_264, [14, 14, 64]],
      ['pool2', 0, [7, 7, 64]],
      ['reshape', 0, [3136]],
      ['fc1', 1_606_144, [512]],
      ['fc2', 5_130, [10]],
    ]);
  });

  it('does 12,273,152 multiply-accumulates', () => {
    // 28*28*32*25 + 14*14*64*(25*32) + 3136*512 + 512*10
    // = 627,200 + 10,035,200 + 1,605,632 + 5,120
    expect(multiplyAccumulates(fedAvgCnn())).toBe(12_273_152);
  });
});

describe('MobileNetV2 1.0 @224', () => {
  it('has the 3,504,872 trainable parameters Keras reports when BN is kept separate', () => {
    expect(mobileNetV2({ batchNorm: 'separate' }).params).toBe(3_504_872);
  });

  it('folds BN to one bias per channel, 17,056 fewer parameters than Keras', () => {
    // BN channels: Conv1 32; block 0: 32 + 16; blocks with t = 6: 2 x 6 x cin + cout each,
    // 216 + 312 + 320 + 2x416 + 448 + 3x832 + 864 + 2x1248 + 1312 + 2x2080 + 2240; Conv_1 1280.
    // Sum 17,056; each keeps 1 of its 2 parameters (the shift becomes the conv bias).
    expect(mobileNetV2().params).toBe(3_504_872 - 17_056);
  });

  it('does about 300 M multiply-adds, as the paper states', () => {
    // Conv and dense layers only (the paper's convention); 300,774,272 here.
    expect(multiplyAccumulates(mobileNetV2()) / 300e6).toBeCloseTo(1, 2);
  });

  it('counts the first conv by hand', () => {
    const conv1 = layer(mobileNetV2(), 'Conv1');
    expect(conv1.outputShape).toEqual([112, 112, 32]);
    expect(conv1.params).toBe(3 * 3 * 3 * 32 + 32);
    expect(conv1.flops).toBe(2 * 112 * 112 * 32 * 27); // 2 x 10,838,016 MACs
    expect(conv1.inputElements).toBe(224 * 224 * 3);
    expect(conv1.outputElements).toBe(112 * 112 * 32);
  });

  it('counts block 1 (expand, strided depthwise, project) by hand', () => {
    const card = mobileNetV2();
    expect(layer(card, 'block_1_expand').flops).toBe(2 * 112 * 112 * 96 * 16);
    expect(layer(card, 'block_1_expand').params).toBe(16 * 96 + 96);
    expect(layer(card, 'block_1_depthwise').outputShape).toEqual([56, 56, 96]);
    expect(layer(card, 'block_1_depthwise').flops).toBe(2 * 56 * 56 * 96 * 9);
    expect(layer(card, 'block_1_depthwise').params).toBe(9 * 96 + 96);
    expect(layer(card, 'block_1_project').params).toBe(96 * 24 + 24);
    expect(layer(card, 'predictions').params).toBe(1280 * 1000 + 1000);
  });

  it('adds a residual in the ten blocks whose input and output shapes match', () => {
    const adds = mobileNetV2()
      .layers.filter((l) => l.kind === 'add')
      .map((l) => l.name);
    expect(adds).toEqual([2, 4, 5, 7, 8, 9, 11, 12, 14, 15].map((b) => `block_${b}_add`));
  });
});

describe('ResNet-50 @224', () => {
  it('has the 25,557,032 parameters torchvision reports when BN is kept separate', () => {
    expect(resNet50({ batchNorm: 'separate' }).params).toBe(25_557_032);
  });

  it('folds BN to one bias per channel, 26,560 fewer parameters', () => {
    // BN channels: conv1 64; conv2: 3 x (64+64+256) + 256; conv3: 4 x (128+128+512) + 512;
    // conv4: 6 x (256+256+1024) + 1024; conv5: 3 x (512+512+2048) + 2048.
    // = 64 + 1,408 + 3,584 + 10,240 + 11,264 = 26,560.
    expect(resNet50().params).toBe(25_557_032 - 26_560);
  });

  it('v1.5 does about 4.09 G multiply-adds (torchvision), v1 about 3.86 G (paper: 3.8 G)', () => {
    expect(multiplyAccumulates(resNet50()) / 4.09e9).toBeCloseTo(1, 2);
    expect(multiplyAccumulates(resNet50({ variant: 'v1' })) / 3.86e9).toBeCloseTo(1, 2);
  });

  it('is the ~8.2 GOP the hardware reference derives achievable rates from', () => {
    expect(resNet50().flops / 8.2e9).toBeCloseTo(1, 2);
  });

  it('counts the stem and stage shapes by hand', () => {
    const card = resNet50();
    expect(layer(card, 'conv1_conv').flops).toBe(2 * 112 * 112 * 64 * 7 * 7 * 3);
    expect(layer(card, 'conv1_conv').params).toBe(7 * 7 * 3 * 64 + 64);
    expect(layer(card, 'pool1_pool').outputShape).toEqual([56, 56, 64]);
    expect(layer(card, 'conv2_block3_add').outputShape).toEqual([56, 56, 256]);
    expect(layer(card, 'conv3_block4_add').outputShape).toEqual([28, 28, 512]);
    expect(layer(card, 'conv4_block6_add').outputShape).toEqual([14, 14, 1024]);
    expect(layer(card, 'conv5_block3_add').outputShape).toEqual([7, 7, 2048]);
  });

  it('strides on the 3x3 in v1.5 and on the first 1x1 in v1', () => {
    expect(layer(resNet50(), 'conv3_block1_1_conv').outputShape).toEqual([56, 56, 128]);
    expect(layer(resNet50({ variant: 'v1' }), 'conv3_block1_1_conv').outputShape).toEqual([
      28, 28, 128,
    ]);
  });

  it('reads both the block output and the projected shortcut in each add', () => {
    const card = resNet50();
    const add = layer(card, 'conv2_block1_add');
    const names = (add.inputs ?? []).map((i) => card.layers[i]?.name);
    expect(names).toEqual(['conv2_block1_3_conv', 'conv2_block1_0_conv']);
    expect(add.inputElements).toBe(2 * 56 * 56 * 256);
  });
});

describe('every zoo card', () => {
  it.each(Object.keys(MODEL_ZOO))('%s has totals equal to the sums over its layers', (name) => {
    const card = (MODEL_ZOO[name] as () => CostCard)();
    expect(card.params).toBe(sum(card.layers.map((l) => l.params)));
    expect(card.flops).toBe(sum(card.layers.map((l) => l.flops)));
  });

  it('is listed under mobilenet-v2, resnet-50 and fedavg-cnn', () => {
    expect(Object.keys(MODEL_ZOO).sort()).toEqual([
      'alexnet',
      'densenet-121',
      'densenet-161',
      'densenet-169',
      'densenet-201',
      'ds-cnn',
      'efficientnet-b0',
      'efficientnet-b4',
      'efficientnet-b4-224',
      'efficientnet-lite0',
      'fc-autoencoder',
      'fedavg-cnn',
      'inception-v1',
      'inception-v1-slim',
      'inception-v3',
      'inception-v3-224',
      'mnasnet-0.5',
      'mobilenet-v1',
      'mobilenet-v1-0.25-96',
      'mobilenet-v2',
      'mobilenet-v3-large',
      'mobilenet-v3-small',
      'regnet-x-3.2gf',
      'regnet-y-800mf',
      'resnet-101',
      'resnet-152',
      'resnet-152-v2-299',
      'resnet-18',
      'resnet-18-caffe',
      'resnet-34',
      'resnet-50',
      'resnet-50-v1',
      'resnet-50-v1-299',
      'resnet-50-v2-299',
      'resnet-8',
      'resnext-101-32x8d',
      'resnext-50-32x4d',
      'shufflenet-v2',
      'squeezenet-1.0-torchvision',
      'squeezenet-1.1',
      'squeezenet-1.1-torchvision',
      'ssd-mobilenet-v1',
      'ssd-mobilenet-v1-coral',
      'ssd-mobilenet-v2',
      'ssd-mobilenet-v2-coral',
      'vgg-11',
      'vgg-13',
      'vgg-16',
      'vgg-19',
      'wide-resnet-50-2',
    ]);
  });
});

describe('bytes', () => {
  it('stores weights at the precision: the FedAvg CNN is 1,663,370 B in int8, half that in int4', () => {
    expect(weightBytes(fedAvgCnn(), 'int8')).toBe(1_663_370);
    expect(weightBytes(fedAvgCnn(), 'int4')).toBe(831_685);
    expect(weightBytes(fedAvgCnn(), 'fp32')).toBe(4 * 1_663_370);
  });

  it('moves a layer’s weights, inputs and outputs', () => {
    // conv1 fp32: (832 weights + 28*28 input + 28*28*32 output) x 4 B
    expect(layerBytesMoved(layer(fedAvgCnn(), 'conv1'), 'fp32')).toBe((832 + 784 + 25_088) * 4);
    expect(layerBytesMoved(layer(fedAvgCnn(), 'reshape'), 'fp32')).toBe(0);
  });
});

describe('the builder', () => {
  it('infers valid, same and explicit padding', () => {
    const card = sequential(
      'pads',
      [10, 10, 2],
      [
        conv2d({ filters: 4, kernel: 3, padding: 'valid', name: 'valid' }),
        conv2d({ filters: 4, kernel: 3, stride: 2, padding: 'same', name: 'same' }),
        conv2d({ filters: 4, kernel: 3, stride: 2, padding: 1, name: 'explicit' }),
      ],
    );
    // valid: 10 - 3 + 1 = 8; same: ceil(8 / 2) = 4; explicit: floor((4 + 2 - 3) / 2) + 1 = 2
    expect(card.layers.map((l) => l.outputShape)).toEqual([
      [8, 8, 4],
      [4, 4, 4],
      [2, 2, 4],
    ]);
  });

  it('names unnamed layers after their kind, Keras-style', () => {
    const card = sequential(
      'names',
      [4, 4, 1],
      [conv2d({ filters: 1, kernel: 1 }), conv2d({ filters: 1, kernel: 1 })],
    );
    expect(card.layers.map((l) => l.name)).toEqual(['conv2d', 'conv2d_1']);
  });

  it('costs a residual add as one addition per element, reading both operands', () => {
    const card = sequential('res', [8, 8, 4], [residual([depthwiseConv2d({ kernel: 3 })])]);
    const add = card.layers[1];
    expect(add).toMatchObject({
      kind: 'add',
      flops: 256,
      inputElements: 512,
      outputElements: 256,
      inputs: [0, -1],
    });
  });

  it('rejects a residual whose branches differ in shape', () => {
    expect(() =>
      sequential('bad', [8, 8, 4], [residual([conv2d({ filters: 8, kernel: 1 })])]),
    ).toThrow(/add needs equal shapes \(got \[8, 8, 8\] and \[8, 8, 4\]\)/);
  });

  it('rejects dense on a spatial input', () => {
    expect(() => sequential('bad', [8, 8, 4], [dense({ units: 2 })])).toThrow(/flatten/);
  });

  it('rejects a non-integer filter count, naming it', () => {
    expect(() => sequential('bad', [8, 8, 4], [conv2d({ filters: 2.5, kernel: 1 })])).toThrow(
      /filters must be a positive integer \(got 2.5\)/,
    );
  });

  it('costs a grouped convolution at 1/groups of a full one', () => {
    const card = sequential('grouped', [8, 8, 4], [conv2d({ filters: 8, kernel: 3, groups: 2 })]);
    // Each of 8 filters sees 4 / 2 = 2 channels: 8 x 8 x 8 x 3 x 3 x 2 = 9,216 MACs;
    // weights 3 x 3 x 2 x 8 = 144, plus 8 biases.
    expect(card.layers[0]).toMatchObject({ flops: 2 * 9_216, params: 152, kernel: [3, 3] });
  });

  it('refuses groups that do not divide the channels, and one channel a group', () => {
    expect(() =>
      sequential('bad', [8, 8, 4], [conv2d({ filters: 6, kernel: 3, groups: 4 })]),
    ).toThrow(/4 input channels and 6 filters must both divide into 4 groups/);
    expect(() =>
      sequential('bad', [8, 8, 4], [conv2d({ filters: 8, kernel: 3, groups: 4 })]),
    ).toThrow(/4 groups of one input channel each is a depthwise convolution; use depthwiseConv2d/);
  });

  it('counts pooling per window element read', () => {
    const card = sequential('pool', [4, 4, 2], [maxPool({ pool: 2 }), globalAvgPool(), flatten()]);
    expect(card.layers.map((l) => l.flops)).toEqual([2 * 2 * 2 * 4, 2 * 2 * 2, 0]);
  });
});

describe('cards given as data', () => {
  const data = {
    name: 'two-layer',
    inputShape: [4],
    layers: [
      {
        name: 'fc1',
        kind: 'dense',
        flops: 24,
        params: 15,
        inputElements: 4,
        outputElements: 3,
        outputShape: [3],
      },
      {
        name: 'fc2',
        kind: 'dense',
        flops: 6,
        params: 4,
        inputElements: 3,
        outputElements: 1,
        outputShape: [1],
      },
    ],
  };

  it('parses and fills in the totals', () => {
    expect(parseCostCard(data)).toMatchObject({ params: 19, flops: 30 });
  });

  it('round-trips a zoo card through JSON', () => {
    const card = resNet50();
    expect(parseCostCard(JSON.parse(JSON.stringify(card)))).toEqual(card);
  });

  it('rejects totals that disagree with the layers, naming the field', () => {
    expect(() => parseCostCard({ ...data, params: 20 }, 'my.json')).toThrow(
      /my.json: params: params is 20 but the layers sum to 19/,
    );
  });

  it('rejects a repeated layer name and an input from a later layer', () => {
    const [fc1, fc2] = data.layers;
    const result = costCardSchema.safeParse({
      ...data,
      layers: [fc1, { ...fc2, name: 'fc1', inputs: [1] }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'layer name "fc1" is used twice',
      'input 1 is not an earlier layer (this is layer 1)',
    ]);
  });

  it('throws an InputError for a missing field', () => {
    expect(() => parseCostCard({ name: 'x', inputShape: [1], layers: [{ name: 'a' }] })).toThrow(
      InputError,
    );
  });

  it('makeCard rejects a repeated layer name', () => {
    const l = data.layers[0] as CostCard['layers'][number];
    expect(() => makeCard('dup', [4], [l, l])).toThrow(/"fc1" is used twice/);
  });
});
