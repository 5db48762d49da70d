/**
 * The claims of issue #21 on split MNIST (the 10,000 digits of the mnist
 * package, 5 two-digit tasks, 20% of each class held out), 2NN zoo model,
 * adam at 0.01, 3 epochs of batch 64 per task, seeds 1, 2 and 3:
 *
 * - task-incremental: EWC (lambda 5000) and LwF (T = 2, alpha 0.5) end at
 *   least 5 points of average accuracy above plain fine-tuning, on every
 *   seed (van de Ven and Tolias, arXiv:1904.07734, 2019, Table 4: on split
 *   MNIST task-IL, EWC and LwF reach ~98-99% against fine-tuning's ~87%);
 * - class-incremental: replay of a 200-sample buffer ends at least 20 points
 *   above the better of EWC and LwF on every seed (their Table 4: the
 *   regularisation methods stay near 20%, one task's worth, while replay does
 *   not), and fine-tuning forgets more than half of what it learned.
 *
 * Prints each run's ACC, forgetting and BWT, for the README. Slow (trains
 * 21 runs of 5 tasks): in the `slow` project.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ContinualSetting } from '../../../src/ml/continual/heads.js';
import { scoreTask } from '../../../src/ml/continual/score.js';
import type { TaskStream } from '../../../src/ml/continual/tasks.js';
import { handleOf } from '../../../src/ml/models/handle.js';
import { buildModel } from '../../../src/ml/models/zoo.js';
import { initBackend } from '../../../src/ml/runtime.js';
import {
  type LearnInputs,
  learnStream,
  modelShape,
  type SettingStart,
} from '../../../src/workloads/learn/learner.js';
import type { ModelShape } from '../../../src/workloads/learn/memory.js';
import { type ContinualMetrics, continualMetrics } from '../../../src/workloads/learn/metrics.js';
import type { LearnMethod } from '../../../src/workloads/learn/schema.js';
import { taskStream } from '../../../src/workloads/learn/stream.js';

const SEEDS = [1, 2, 3];
const LOCAL = { optimizer: 'adam', learningRate: 0.01, epochs: 3, batchSize: 64 } as const;

const FINETUNE: LearnMethod = { method: 'finetune', name: 'finetune', layers: 'all' };
const EWC: LearnMethod = { method: 'ewc', name: 'ewc', lambda: 5000 };
const LWF: LearnMethod = { method: 'lwf', name: 'lwf', temperature: 2, alpha: 0.5 };
const REPLAY: LearnMethod = { method: 'replay', name: 'replay', buffer: 200 };

const RUNS: readonly { setting: ContinualSetting; methods: readonly LearnMethod[] }[] = [
  { setting: 'task-incremental', methods: [FINETUNE, EWC, LWF] },
  { setting: 'class-incremental', methods: [FINETUNE, EWC, LWF, REPLAY] },
];

/** metrics[seed][setting][method name]. */
type Table = Map<number, Map<ContinualSetting, Map<string, ContinualMetrics>>>;

/** The 2NN's shape as the workload reads it off its cost card. */
function shapeOf(stream: TaskStream, units: number): ModelShape {
  const model = buildModel('2nn', {
    inputShape: stream.tasks[0]!.train.sampleShape,
    numClasses: units,
    seed: 0,
  });
  const shape = modelShape(handleOf(model));
  model.dispose();
  return shape;
}

/** Learns every method of every setting on the stream of `seed`. */
function runSeed(seed: number): Map<ContinualSetting, Map<string, ContinualMetrics>> {
  const stream = taskStream({ kind: 'split-mnist', testFraction: 0.2 }, '.', seed);
  const bySetting = new Map<ContinualSetting, Map<string, ContinualMetrics>>();
  for (const { setting, methods } of RUNS) {
    const units = stream.tasks[0]!.heads[setting].outputUnits;
    const inputs: LearnInputs = { stream, shape: shapeOf(stream, units), local: LOCAL, seed };
    const initial = handleOf(
      buildModel('2nn', {
        inputShape: stream.tasks[0]!.train.sampleShape,
        numClasses: units,
        seed,
      }),
    );
    const baseline = stream.tasks.map((t) => scoreTask(initial, t, setting));
    const start: SettingStart = { setting, initial, baseline };
    const byMethod = new Map<string, ContinualMetrics>();
    for (const method of methods) {
      const learning = learnStream(inputs, start, method);
      expect(learning.failure).toBeNull();
      byMethod.set(method.name, continualMetrics(learning.matrix, learning.baseline));
    }
    initial.model.dispose();
    bySetting.set(setting, byMethod);
  }
  return bySetting;
}

const pct = (v: number | undefined) =>
  v === undefined ? '-' : (100 * v).toFixed(1).replace(/^-0\.0$/, '0.0');

function printTable(table: Table): void {
  const lines = ['seed | setting           | method   |  ACC % | forgetting % | BWT %'];
  for (const [seed, bySetting] of table)
    for (const [setting, byMethod] of bySetting)
      for (const [name, m] of byMethod)
        lines.push(
          `${seed}    | ${setting.padEnd(17)} | ${name.padEnd(8)} | ${pct(m.averageAccuracy).padStart(6)} | ${pct(m.forgetting).padStart(12)} | ${pct(m.backwardTransfer).padStart(5)}`,
        );
  console.log(lines.join('\n'));
}

describe('issue #21 claims on split MNIST (2NN, adam 0.01, 3 epochs, seeds 1-3)', () => {
  const table: Table = new Map();

  beforeAll(async () => {
    await initBackend('wasm');
    const started = Date.now();
    for (const seed of SEEDS) table.set(seed, runSeed(seed));
    printTable(table);
    console.log(`trained in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }, 400_000);

  const metric = (seed: number, setting: ContinualSetting, name: string): ContinualMetrics =>
    table.get(seed)!.get(setting)!.get(name)!;

  it.each(SEEDS)(
    'task-incremental, seed %i: EWC and LwF end >= 5 points above fine-tuning',
    (seed) => {
      const acc = (name: string) => metric(seed, 'task-incremental', name).averageAccuracy;
      expect(acc('ewc')).toBeGreaterThanOrEqual(acc('finetune') + 0.05);
      expect(acc('lwf')).toBeGreaterThanOrEqual(acc('finetune') + 0.05);
    },
  );

  it.each(SEEDS)(
    'class-incremental, seed %i: replay(200) ends >= 20 points above the better of EWC and LwF',
    (seed) => {
      const acc = (name: string) => metric(seed, 'class-incremental', name).averageAccuracy;
      expect(acc('replay')).toBeGreaterThanOrEqual(Math.max(acc('ewc'), acc('lwf')) + 0.2);
    },
  );

  it.each(SEEDS)('class-incremental, seed %i: fine-tuning forgets more than half', (seed) => {
    expect(metric(seed, 'class-incremental', 'finetune').forgetting).toBeGreaterThan(0.5);
  });
});
