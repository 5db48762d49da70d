import { describe, expect, it } from 'vitest';
import {
  type ModelShape,
  memoryParts,
  memoryTotal,
  trainingFlops,
} from '../../../src/workloads/learn/memory.js';
import type { LearnMethod } from '../../../src/workloads/learn/schema.js';

/**
 * The 2NN on flat MNIST (784-200-200-10): params 784 x 200 + 200 + 200 x 200
 * + 200 + 200 x 10 + 10 = 199,210; forward FLOPs 2 x MACs = 2 x (156,800 +
 * 40,000 + 2,000) = 397,600, of which the last layer 2 x 2,000 = 4,000;
 * activations 784 + 200 + 200 + 10 = 1,194 elements per sample.
 */
const SHAPE: ModelShape = {
  params: 199_210,
  flopsPerSample: 397_600,
  lastLayerFlops: 4_000,
  activationsPerSample: 1_194,
  features: 784,
};
const ADAM = { optimizer: 'adam', batchSize: 32 } as const;

const FINETUNE: LearnMethod = { method: 'finetune', name: 'finetune', layers: 'all' };
const LAST: LearnMethod = { method: 'finetune', name: 'last', layers: 'last' };
const EWC: LearnMethod = { method: 'ewc', name: 'ewc', lambda: 5000 };
const LWF: LearnMethod = { method: 'lwf', name: 'lwf', temperature: 2, alpha: 0.5 };
const REPLAY: LearnMethod = { method: 'replay', name: 'replay', buffer: 200 };
const JOINT: LearnMethod = { method: 'joint', name: 'joint' };

describe('memoryParts of the 2NN (4 bytes per parameter: 796,840)', () => {
  it('fine-tuning with adam: model and gradients 796,840 each, two moments 1,593,680, activations 2 x 32 x 1,194 x 4 = 305,664', () => {
    const parts = memoryParts(FINETUNE, SHAPE, ADAM, { stored: 0 });
    expect(parts).toEqual({
      model: 796_840,
      gradients: 796_840,
      optimizer: 1_593_680,
      activations: 305_664,
      method: 0,
    });
    expect(memoryTotal(parts)).toBe(3_493_024);
  });

  it('optimizer state: none for sgd, one slot (796,840) for momentum', () => {
    expect(
      memoryParts(FINETUNE, SHAPE, { optimizer: 'sgd', batchSize: 32 }, { stored: 0 }).optimizer,
    ).toBe(0);
    expect(
      memoryParts(FINETUNE, SHAPE, { optimizer: 'momentum', batchSize: 32 }, { stored: 0 })
        .optimizer,
    ).toBe(796_840);
  });

  it('activations scale with the batch: batch 10 holds 2 x 10 x 1,194 x 4 = 95,520 bytes', () => {
    expect(
      memoryParts(FINETUNE, SHAPE, { optimizer: 'sgd', batchSize: 10 }, { stored: 0 }).activations,
    ).toBe(95_520);
  });

  it('EWC keeps a Fisher and an anchor: 2 x 796,840 = 1,593,680 bytes', () => {
    expect(memoryParts(EWC, SHAPE, ADAM, { stored: 0 }).method).toBe(1_593_680);
  });

  it('LwF keeps the old model: 796,840 bytes', () => {
    expect(memoryParts(LWF, SHAPE, ADAM, { stored: 0 }).method).toBe(796_840);
  });

  it('replay stores n x (784 x 4 + 4) bytes: 200 samples take 628,000', () => {
    expect(memoryParts(REPLAY, SHAPE, ADAM, { stored: 200 }).method).toBe(628_000);
  });

  it('joint stores every sample seen: 1,000 samples take 3,140,000 bytes', () => {
    expect(memoryParts(JOINT, SHAPE, ADAM, { stored: 1_000 }).method).toBe(3_140_000);
  });
});

describe('trainingFlops of one task: 1,000 samples, 3 epochs, 94 steps', () => {
  const run = { samples: 1_000, epochs: 3, steps: 94, penalties: 1, fisherSamples: 1_000 };

  it('fine-tuning every layer: 3 x 397,600 x 3,000 = 3,578,400,000', () => {
    expect(trainingFlops(FINETUNE, SHAPE, run)).toBe(3_578_400_000);
  });

  it('fine-tuning the last layer: (397,600 + 2 x 4,000) x 3,000 = 1,216,800,000', () => {
    expect(trainingFlops(LAST, SHAPE, run)).toBe(1_216_800_000);
  });

  it('LwF adds the old model’s forward: 4 x 397,600 x 3,000 = 4,771,200,000', () => {
    expect(trainingFlops(LWF, SHAPE, run)).toBe(4_771_200_000);
  });

  it('EWC adds 4 x 199,210 x 94 for its penalty and 3 x 397,600 x 1,000 for its Fisher: 4,846,102,960', () => {
    // 3,578,400,000 + 74,902,960 + 1,192,800,000.
    expect(trainingFlops(EWC, SHAPE, run)).toBe(4_846_102_960);
  });

  it('EWC before any penalty (the first task) spends only training and the Fisher: 4,771,200,000', () => {
    expect(trainingFlops(EWC, SHAPE, { ...run, penalties: 0 })).toBe(4_771_200_000);
  });

  it('replay and joint pay for the samples they train on: 2,000 per epoch cost 7,156,800,000', () => {
    const doubled = { ...run, samples: 2_000 };
    expect(trainingFlops(REPLAY, SHAPE, doubled)).toBe(7_156_800_000);
    expect(trainingFlops(JOINT, SHAPE, doubled)).toBe(7_156_800_000);
  });

  it('non-EWC methods ignore steps, penalties and Fisher samples', () => {
    const other = { ...run, steps: 1, penalties: 7, fisherSamples: 5 };
    expect(trainingFlops(FINETUNE, SHAPE, other)).toBe(3_578_400_000);
    expect(trainingFlops(LWF, SHAPE, other)).toBe(4_771_200_000);
  });
});
