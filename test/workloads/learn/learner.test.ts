import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import type { ContinualSetting } from '../../../src/ml/continual/heads.js';
import { scoreTask } from '../../../src/ml/continual/score.js';
import { splitTasks, type TaskStream } from '../../../src/ml/continual/tasks.js';
import type { Dataset } from '../../../src/ml/data/dataset.js';
import { handleOf, type ModelHandle } from '../../../src/ml/models/handle.js';
import { buildModel } from '../../../src/ml/models/zoo.js';
import { initBackend } from '../../../src/ml/runtime.js';
import {
  type LearnInputs,
  type Learning,
  learnBase,
  learnStream,
  modelShape,
  type SettingStart,
} from '../../../src/workloads/learn/learner.js';
import { type ModelShape, memoryParts } from '../../../src/workloads/learn/memory.js';
import type { LearnMethod } from '../../../src/workloads/learn/schema.js';

const SEED = 4;
const LOCAL = { optimizer: 'adam', learningRate: 0.01, epochs: 2, batchSize: 16 } as const;

/**
 * 300 samples of 8 features in 6 classes (50 each): class c is centred on
 * 3 at feature c, unit normal noise. Split into tasks {0,1}, {2,3}, {4,5}
 * with 20% held out: 80 training samples per task.
 */
function clusters(): Dataset {
  const s = new RandomStreams(SEED).stream('clusters');
  const count = 300;
  const labels = Int32Array.from({ length: count }, (_, i) => i % 6);
  const features = Float32Array.from({ length: count * 8 }, (_, k) => {
    const i = Math.floor(k / 8);
    return s.normal() + (k % 8 === labels[i] ? 3 : 0);
  });
  return { name: 'clusters', features, labels, count, sampleShape: [8], numClasses: 6 };
}

const stream: TaskStream = splitTasks(
  clusters(),
  [
    [0, 1],
    [2, 3],
    [4, 5],
  ],
  { seed: SEED, testFraction: 0.2 },
);
const TRAIN = stream.tasks.map((t) => t.train.count);

/** The 2NN's shape as the workload reads it off its cost card (8-200-200-units). */
function shapeOf(units: number): ModelShape {
  const model = buildModel('2nn', { inputShape: [8], numClasses: units, seed: 0 });
  const shape = modelShape(handleOf(model));
  expect(shape.params).toBe(model.countParams());
  model.dispose();
  return shape;
}

const FINETUNE: LearnMethod = { method: 'finetune', name: 'finetune', layers: 'all' };
const EWC0: LearnMethod = { method: 'ewc', name: 'ewc0', lambda: 0 };
const EWC: LearnMethod = { method: 'ewc', name: 'ewc', lambda: 5000 };
const LWF0: LearnMethod = { method: 'lwf', name: 'lwf0', temperature: 2, alpha: 0 };
const REPLAY: LearnMethod = { method: 'replay', name: 'replay', buffer: 30 };
const JOINT: LearnMethod = { method: 'joint', name: 'joint' };

/** Each setting's inputs and start, built as the workload builds them. */
const runs = new Map<ContinualSetting, { inputs: LearnInputs; start: SettingStart }>();

function setUp(setting: ContinualSetting): void {
  const units = stream.tasks[0]!.heads[setting].outputUnits;
  const initial: ModelHandle = handleOf(
    buildModel('2nn', {
      inputShape: stream.tasks[0]!.train.sampleShape,
      numClasses: units,
      seed: SEED,
    }),
  );
  const baseline = stream.tasks.map((t) => scoreTask(initial, t, setting));
  runs.set(setting, {
    inputs: { stream, shape: shapeOf(units), local: LOCAL, seed: SEED },
    start: { setting, initial, baseline },
  });
}

const cache = new Map<string, Learning>();

/** learnStream of `method` under `setting`, computed once. */
function learn(setting: ContinualSetting, method: LearnMethod): Learning {
  const key = `${setting}/${method.name}`;
  let learning = cache.get(key);
  if (learning === undefined) {
    const { inputs, start } = runs.get(setting)!;
    learning = learnStream(inputs, start, method);
    expect(learning.failure).toBeNull();
    cache.set(key, learning);
  }
  return learning;
}

/** Whether two runs' per-task last-epoch losses are the same numbers (Object.is: bits, NaN, -0). */
function sameLosses(a: Learning, b: Learning): boolean {
  return (
    a.tasks.length === b.tasks.length &&
    a.tasks.every((task, t) => Object.is(task.loss, b.tasks[t]!.loss))
  );
}

beforeAll(async () => {
  await initBackend('wasm');
  setUp('task-incremental');
  setUp('class-incremental');
});

afterAll(() => {
  for (const { start } of runs.values()) start.initial.model.dispose();
});

describe.each(['task-incremental', 'class-incremental'] as const)('learnStream, %s', (setting) => {
  it('EWC with lambda = 0 is fine-tuning bit for bit: same matrix, same per-task losses', () => {
    const plain = learn(setting, FINETUNE);
    const ewc = learn(setting, EWC0);
    expect(ewc.matrix).toEqual(plain.matrix);
    expect(sameLosses(ewc, plain)).toBe(true);
  });

  it('EWC with lambda = 5000 trains differently from fine-tuning after task 0', () => {
    const plain = learn(setting, FINETUNE);
    const ewc = learn(setting, EWC);
    expect(ewc.tasks[0]!.loss).toBe(plain.tasks[0]!.loss);
    expect(ewc.tasks[1]!.loss).not.toBe(plain.tasks[1]!.loss);
  });

  it('LwF with alpha = 0 is fine-tuning bit for bit: same matrix, same per-task losses', () => {
    const plain = learn(setting, FINETUNE);
    const lwf = learn(setting, LWF0);
    expect(lwf.matrix).toEqual(plain.matrix);
    expect(sameLosses(lwf, plain)).toBe(true);
  });

  it('the accuracy matrix is 3 x 3 with every value in [0, 1], each a multiple of 1/20', () => {
    for (const method of [FINETUNE, EWC, REPLAY]) {
      const { matrix } = learn(setting, method);
      expect(matrix.length).toBe(3);
      for (const row of matrix) {
        expect(row.length).toBe(3);
        for (const v of row) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
          // 20 held-out samples per task (10 per class).
          expect(Math.abs(v * 20 - Math.round(v * 20))).toBeLessThan(1e-9);
        }
      }
    }
  });

  it('fine-tuning: ceil(80 / 16) x 2 = 10 steps and 3 x FLOPs x 80 x 2 per task, memory without a method part', () => {
    const { inputs } = runs.get(setting)!;
    const F = inputs.shape.flopsPerSample;
    const memory = memoryParts(FINETUNE, inputs.shape, LOCAL, { stored: 0 });
    expect(TRAIN).toEqual([80, 80, 80]);
    for (const task of learn(setting, FINETUNE).tasks) {
      expect(task.onDevice).toBe(true);
      expect(task.samples).toBe(80);
      expect(task.steps).toBe(10);
      expect(task.flops).toBe(3 * F * 80 * 2);
      expect(task.memory).toEqual(memory);
    }
  });

  it('EWC: task 0 pays training and its Fisher; later tasks also 4 x params x 10 steps of penalty', () => {
    const { inputs } = runs.get(setting)!;
    const { flopsPerSample: F, params: P } = inputs.shape;
    const tasks = learn(setting, EWC).tasks;
    expect(tasks.map((t) => t.flops)).toEqual([
      3 * F * 160 + 3 * F * 80,
      3 * F * 160 + 4 * P * 10 + 3 * F * 80,
      3 * F * 160 + 4 * P * 10 + 3 * F * 80,
    ]);
    for (const task of tasks) expect(task.memory.method).toBe(2 * 4 * P);
  });

  it('replay trains on each task plus as many replayed samples from task 1 on: 80, 160, 160', () => {
    const { inputs } = runs.get(setting)!;
    const tasks = learn(setting, REPLAY).tasks;
    expect(tasks.map((t) => t.samples)).toEqual([80, 160, 160]);
    expect(tasks.map((t) => t.steps)).toEqual([10, 20, 20]);
    // The buffer's 30 samples of 8 float32 features and a label: 30 x (8 x 4 + 4) = 1,080 bytes.
    for (const task of tasks) {
      expect(task.memory).toEqual(memoryParts(REPLAY, inputs.shape, LOCAL, { stored: 30 }));
      expect(task.memory.method).toBe(1_080);
    }
  });

  it('joint trains on every task seen: 80, 160, 240 samples, storing 0, 80, 160 earlier ones', () => {
    const tasks = learn(setting, JOINT).tasks;
    expect(tasks.map((t) => t.samples)).toEqual([80, 160, 240]);
    // 36 bytes a sample (8 x 4 + 4).
    expect(tasks.map((t) => t.memory.method)).toEqual([0, 80 * 36, 160 * 36]);
  });

  it('with a base, task 0 is learned off the device (0 FLOPs, 0 steps) and the rest as fine-tuning from it', () => {
    const { inputs, start } = runs.get(setting)!;
    const based = learnBase(inputs, start);
    const learning = learnStream(inputs, { ...start, based }, FINETUNE);
    const row0 = stream.tasks.map((t) => scoreTask(based, t, setting));
    based.model.dispose();
    expect(learning.tasks.map((t) => t.onDevice)).toEqual([false, true, true]);
    expect(learning.tasks[0]!.flops).toBe(0);
    expect(learning.tasks[0]!.steps).toBe(0);
    expect(learning.tasks[1]!.flops).toBe(3 * inputs.shape.flopsPerSample * 80 * 2);
    expect(learning.matrix[0]).toEqual(row0);
    // The base task trains with task 0's shuffle seed, as on-device fine-tuning does: same matrix.
    expect(learning.matrix).toEqual(learn(setting, FINETUNE).matrix);
  });
});
