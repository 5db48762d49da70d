import { describe, expect, it } from 'vitest';
import { operatorClass } from '../../../src/fleet/layer-plan.js';
import {
  type CostCard,
  MAC_KINDS,
  MODEL_ZOO,
  mnasNet05,
  multiplyAccumulates,
  shuffleNetV2,
} from '../../../src/ml/cost/index.js';
import { layer, sum } from '../../helpers/cards.js';

/**
 * Cards for two more networks of Qualcomm AI Hub's table, torchvision's
 * `mnasnet0_5` and `shufflenet_v2_x1_0`, against the figures torchvision
 * publishes for their IMAGENET1K_V1 weights: MNASNet0_5 `num_params` 2218512,
 * `_ops` 0.104 (pytorch/vision torchvision/models/mnasnet.py at
 * 8c118f16b43ef496f8310ac11943c86bbfd377a6); ShuffleNet_V2_X1_0 `num_params`
 * 2278604, `_ops` 0.145 (torchvision/models/shufflenetv2.py, current main).
 * The exact multiply-add counts below were worked out stage by stage from
 * the module definitions (output positions x kernel area x input channels
 * per group x filters), and recounted by a separate script written from the
 * torchvision source rather than from the cards; that script also gives
 * torchvision's `num_params` exactly for the other published widths
 * (MNASNet 0.75, 1.0, 1.3; ShuffleNet V2 0.5x, 1.5x, 2.0x).
 */

const macsUnder = (card: CostCard, prefix: string) =>
  sum(
    card.layers
      .filter((l) => l.name.startsWith(prefix) && MAC_KINDS.includes(l.kind))
      .map((l) => l.flops / 2),
  );

/**
 * torchvision's published totals for each: `num_params` (BN kept separate),
 * the BN channels folding drops a parameter from, the exact multiply-adds
 * and `_ops` (G multiply-adds, three places).
 */
const TOTALS = [
  {
    name: 'MNASNet 0.5',
    build: mnasNet05,
    params: 2_218_512,
    bn: 10_312,
    macs: 104_455_968,
    ops: 0.104,
  },
  {
    name: 'ShuffleNet V2',
    build: shuffleNetV2,
    params: 2_278_604,
    bn: 8_090,
    macs: 144_907_992,
    ops: 0.145,
  },
];

describe.each(TOTALS)('$name against torchvision’s totals', ({ build, params, bn, macs, ops }) => {
  it(`has ${params} parameters with BN kept separate, ${bn} fewer folded`, () => {
    expect(build({ batchNorm: 'separate' }).params).toBe(params);
    // Folded, each BN channel keeps one bias instead of a scale and a shift.
    expect(build().params).toBe(params - bn);
  });

  it(`does ${macs} multiply-adds, which round to ${ops} G, either way`, () => {
    expect(multiplyAccumulates(build())).toBe(macs);
    expect(Math.abs(macs / 1e9 - ops)).toBeLessThanOrEqual(0.0005);
    expect(multiplyAccumulates(build({ batchNorm: 'separate' }))).toBe(macs);
  });
});

describe('MNASNet 0.5 (torchvision)', () => {
  const card = mnasNet05();

  it('counts its multiply-adds stage by stage', () => {
    // Stem: 112^2 x (27 x 16 + 9 x 16 + 16 x 8) = 8,830,976.
    expect(macsUnder(card, 'layers_0') + macsUnder(card, 'layers_3')).toBe(7_225_344);
    expect(macsUnder(card, 'layers_6')).toBe(1_605_632);
    // layers.8: 112^2 x 8 x 24 + 56^2 x (9 x 24 + 24 x 16) = 4,290,048 for its first block,
    // 56^2 x (16 x 48 + 9 x 48 + 48 x 16) = 6,171,648 for each of the other two.
    expect(macsUnder(card, 'layers_8_')).toBe(16_633_344);
    expect(macsUnder(card, 'layers_9_')).toBe(12_493_824);
    expect(macsUnder(card, 'layers_10_')).toBe(14_422_464);
    expect(macsUnder(card, 'layers_11_')).toBe(10_489_920);
    expect(macsUnder(card, 'layers_12_')).toBe(22_790_880);
    // layers.13: 7^2 x (96 x 576 + 9 x 576 + 576 x 160) = 7,479,360.
    expect(macsUnder(card, 'layers_13_')).toBe(7_479_360);
    // layers.14: 7^2 x 160 x 1280; classifier.1: 1280 x 1000.
    expect(layer(card, 'layers_14').flops / 2).toBe(10_035_200);
    expect(layer(card, 'classifier_1').flops / 2).toBe(1_280_000);
  });

  it('scales the stem too (version 2): 16 filters, then 8, not version 1’s 32 and 16', () => {
    expect(layer(card, 'layers_0').outputShape).toEqual([112, 112, 16]);
    expect(layer(card, 'layers_0').params).toBe(3 * 3 * 3 * 16 + 16);
    expect(layer(card, 'layers_3').outputShape).toEqual([112, 112, 16]);
    expect(layer(card, 'layers_6').outputShape).toEqual([112, 112, 8]);
    expect(layer(card, 'layers_6').activation).toBeUndefined();
  });

  it('ends each stack at the rounded depths 16, 24, 40, 48, 96, 160 on 56, 28, 14, 14, 7, 7 pixels', () => {
    expect(layer(card, 'layers_8_2_project').outputShape).toEqual([56, 56, 16]);
    expect(layer(card, 'layers_9_2_project').outputShape).toEqual([28, 28, 24]);
    expect(layer(card, 'layers_10_2_project').outputShape).toEqual([14, 14, 40]);
    expect(layer(card, 'layers_11_1_project').outputShape).toEqual([14, 14, 48]);
    expect(layer(card, 'layers_12_3_project').outputShape).toEqual([7, 7, 96]);
    expect(layer(card, 'layers_13_0_project').outputShape).toEqual([7, 7, 160]);
    expect(layer(card, 'layers_14').outputShape).toEqual([7, 7, 1280]);
  });

  it('expands by 3 in the first two stacks and 6 after, with 5x5 kernels in stacks 9, 10 and 12', () => {
    expect(layer(card, 'layers_8_0_expand').outputShape).toEqual([112, 112, 24]);
    expect(layer(card, 'layers_9_1_expand').outputShape).toEqual([28, 28, 72]);
    expect(layer(card, 'layers_10_1_expand').outputShape).toEqual([14, 14, 240]);
    expect(layer(card, 'layers_9_0_depthwise').kernel).toEqual([5, 5]);
    expect(layer(card, 'layers_11_0_depthwise').kernel).toEqual([3, 3]);
    expect(layer(card, 'layers_12_0_depthwise').kernel).toEqual([5, 5]);
  });

  it('adds the input back in every block of a stack but its first: 2 + 2 + 2 + 1 + 3 + 0', () => {
    const adds = card.layers.filter((l) => l.kind === 'add');
    expect(adds.length).toBe(10);
    expect(card.layers.some((l) => l.name === 'layers_13_0_add')).toBe(false);
  });

  it('keeps a scale and a shift per channel as their own layers when BN is separate', () => {
    const separate = mnasNet05({ batchNorm: 'separate' });
    expect(layer(separate, 'layers_8_0_expand').params).toBe(8 * 24);
    expect(layer(separate, 'layers_8_0_expand_bn').params).toBe(2 * 24);
    expect(layer(separate, 'layers_8_0_expand_bn').activation).toBe('relu');
    expect(layer(separate, 'layers_8_0_project_bn').activation).toBeUndefined();
  });
});

describe('ShuffleNet V2 1.0x (torchvision)', () => {
  const card = shuffleNetV2();

  it('counts its multiply-adds stage by stage', () => {
    // conv1: 112^2 x 27 x 24.
    expect(layer(card, 'conv1').flops / 2).toBe(8_128_512);
    // stage2, block 0: branch1 28^2 x (9 x 24 + 24 x 58) = 1,260,672; branch2 56^2 x 24 x 58
    // + 28^2 x (9 x 58 + 58 x 58) = 7,411,936. Blocks 1-3: 28^2 x (58 x 58 x 2 + 9 x 58) = 5,684,000 each.
    expect(macsUnder(card, 'stage2_0_')).toBe(8_672_608);
    expect(macsUnder(card, 'stage2_')).toBe(25_724_608);
    // stage3: block 0 16,233,504; blocks 1-7 14^2 x (116 x 116 x 2 + 9 x 116) = 5,479,376 each.
    expect(macsUnder(card, 'stage3_0_')).toBe(16_233_504);
    expect(macsUnder(card, 'stage3_')).toBe(54_589_136);
    // stage4: block 0 16,028,880; blocks 1-3 7^2 x (232 x 232 x 2 + 9 x 232) = 5,377,064 each.
    expect(macsUnder(card, 'stage4_')).toBe(32_160_072);
    // conv5: 7^2 x 464 x 1024; fc: 1024 x 1000.
    expect(layer(card, 'conv5').flops / 2).toBe(23_281_664);
    expect(layer(card, 'fc').flops / 2).toBe(1_024_000);
  });

  it('reaches 116, 232 and 464 channels at 28, 14 and 7 pixels, then conv5 to 1024', () => {
    expect(layer(card, 'conv1').outputShape).toEqual([112, 112, 24]);
    expect(layer(card, 'maxpool').outputShape).toEqual([56, 56, 24]);
    expect(layer(card, 'stage2_3_shuffle').outputShape).toEqual([28, 28, 116]);
    expect(layer(card, 'stage3_7_shuffle').outputShape).toEqual([14, 14, 232]);
    expect(layer(card, 'stage4_3_shuffle').outputShape).toEqual([7, 7, 464]);
    expect(layer(card, 'conv5').outputShape).toEqual([7, 7, 1024]);
    expect(layer(card, 'fc').params).toBe(1024 * 1000 + 1000);
  });

  it('runs both branches of a stride-2 block on the whole input', () => {
    // branch1's depthwise reads the 56x56x24 pool; branch2's first 1x1 reads it too.
    expect(layer(card, 'stage2_0_branch1_0').inputElements).toBe(56 * 56 * 24);
    const branch2 = layer(card, 'stage2_0_branch2_0');
    expect(branch2.inputElements).toBe(56 * 56 * 24);
    expect(branch2.inputs).toEqual([card.layers.findIndex((l) => l.name === 'maxpool')]);
    expect(layer(card, 'stage2_0_branch1_2').outputShape).toEqual([28, 28, 58]);
  });

  it('in a stride-1 block, reads half the channels into branch2 and joins the other half: no split layer', () => {
    const shuffle0 = card.layers.findIndex((l) => l.name === 'stage2_0_shuffle');
    const first = layer(card, 'stage2_1_branch2_0');
    expect(first.inputElements).toBe(28 * 28 * 58);
    expect(first.params).toBe(58 * 58 + 58);
    const concat = layer(card, 'stage2_1_concat');
    const branchEnd = card.layers.findIndex((l) => l.name === 'stage2_1_branch2_5');
    expect(concat.inputs).toEqual([shuffle0, branchEnd]);
    expect(concat.inputElements).toBe(28 * 28 * (58 + 58));
    expect(concat.outputShape).toEqual([28, 28, 116]);
    expect(card.layers.some((l) => /split|chunk/.test(l.name))).toBe(false);
  });

  it('shuffles every block’s output as a copy the latency model times as element-wise', () => {
    const shuffles = card.layers.filter((l) => l.kind === 'channelShuffle');
    expect(shuffles.length).toBe(4 + 8 + 4);
    expect(card.layers.filter((l) => l.kind === 'concat').length).toBe(16);
    const shuffle = layer(card, 'stage3_2_shuffle');
    expect(shuffle).toMatchObject({ flops: 0, params: 0 });
    expect(shuffle.inputElements).toBe(14 * 14 * 232);
    expect(shuffle.outputElements).toBe(14 * 14 * 232);
    expect(operatorClass(shuffle)).toBe('elementwise');
  });

  it('has no ReLU after the depthwise convolutions, and keeps their BN apart when asked', () => {
    expect(layer(card, 'stage2_0_branch1_0').activation).toBeUndefined();
    expect(layer(card, 'stage2_0_branch2_3').activation).toBeUndefined();
    expect(layer(card, 'stage2_0_branch2_5').activation).toBe('relu');
    const separate = shuffleNetV2({ batchNorm: 'separate' });
    expect(layer(separate, 'stage2_0_branch1_0').params).toBe(9 * 24);
    expect(layer(separate, 'stage2_0_branch1_0_bn').params).toBe(2 * 24);
    expect(layer(separate, 'stage2_0_branch1_0_bn').activation).toBeUndefined();
  });
});

describe('the AI Hub cards in MODEL_ZOO', () => {
  it.each(['mnasnet-0.5', 'shufflenet-v2'])('%s is listed under its own name', (name) => {
    expect((MODEL_ZOO[name] as () => CostCard)().name).toBe(name);
  });
});
