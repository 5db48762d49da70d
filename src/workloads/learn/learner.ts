/**
 * Learning a task stream with one method under one setting, for real on
 * TF.js: each task is trained with the method's loss and data, then every
 * task's held-out set is scored, giving row t of the accuracy matrix. Every
 * method of a setting starts from the same model and shuffles each task's
 * data the same way, so their differences are the methods'.
 */

import { RandomStreams } from '../../engine/random.js';
import {
  consolidate,
  type EwcMemory,
  EwcPenalty,
  ewcLoss,
  mergeMemories,
} from '../../ml/continual/ewc.js';
import { diagonalFisher } from '../../ml/continual/fisher.js';
import { type ContinualSetting, mapLabels } from '../../ml/continual/heads.js';
import { lwfLoss } from '../../ml/continual/lwf.js';
import { headLoss, headMask } from '../../ml/continual/mask.js';
import { ReservoirBuffer } from '../../ml/continual/reservoir.js';
import { scoreTask } from '../../ml/continual/score.js';
import type { TaskStream } from '../../ml/continual/tasks.js';
import { costCardFromModel } from '../../ml/cost/from-model.js';
import { type Dataset, featureCount } from '../../ml/data/dataset.js';
import { subset } from '../../ml/data/split.js';
import { cloneModel } from '../../ml/models/clone.js';
import { handleOf, type ModelHandle } from '../../ml/models/handle.js';
import { getFlatWeights } from '../../ml/models/weights.js';
import type { LossFunction } from '../../ml/train/options.js';
import { trainModel } from '../../ml/train.js';
import { type MemoryParts, type ModelShape, memoryParts, trainingFlops } from './memory.js';
import type { LearnMethod, LearnSection } from './schema.js';

/** What learning one task took. */
export interface LearnedTask {
  /** False for the base task, learned before deployment (`learn.base`). */
  readonly onDevice: boolean;
  /** Samples trained on per epoch. */
  readonly samples: number;
  readonly steps: number;
  /** Device FLOPs of learning the task (memory.ts). */
  readonly flops: number;
  readonly memory: MemoryParts;
  /** Mean training loss of the last epoch. */
  readonly loss: number;
}

/** A method's run over the stream under one setting. */
export interface Learning {
  readonly method: LearnMethod;
  readonly setting: ContinualSetting;
  /** `matrix[i][j]`: held-out accuracy on task j after learning task i (rows up to a failure). */
  readonly matrix: number[][];
  /** Accuracy on each task of the untrained starting model (forward transfer's reference). */
  readonly baseline: number[];
  readonly tasks: LearnedTask[];
  /** Why learning stopped early (a diverged loss), or null. */
  readonly failure: string | null;
}

/** What every method of a setting shares. */
export interface SettingStart {
  readonly setting: ContinualSetting;
  /** The untrained starting model; each method trains a copy. */
  readonly initial: ModelHandle;
  /** With `learn.base`: the model after the base task (task 0), learned before deployment. */
  readonly based?: ModelHandle;
  readonly baseline: number[];
}

/** The run's shared inputs. */
export interface LearnInputs {
  readonly stream: TaskStream;
  readonly shape: ModelShape;
  readonly local: LearnSection['local'];
  readonly seed: number;
}

/** The seed of task t's epoch shuffles: the same for every method. */
export function taskSeed(seed: number, t: number): number {
  return new RandomStreams(seed).stream('learn-shuffle', t).integer(2 ** 31);
}

/** Plain training on one task's data under its head: the base task, learned once per setting. */
export function learnBase(inputs: LearnInputs, start: SettingStart): ModelHandle {
  const handle = handleOf(cloneModel(start.initial.model));
  const { data, loss } = taskData(inputs, start.setting, 0);
  trainModel(handle, data, trainOptions(inputs, 0, loss));
  return handle;
}

/** Learns the stream with `method` from `start`; frees every model and tensor it made. */
export function learnStream(
  inputs: LearnInputs,
  start: SettingStart,
  method: LearnMethod,
): Learning {
  const { stream, shape, local } = inputs;
  const { setting } = start;
  const state = new MethodState(inputs, setting, method);
  const from = start.based ?? start.initial;
  const handle = handleOf(cloneModel(from.model));
  if (method.method === 'finetune' && method.layers === 'last') freezeAllButLast(handle);
  const matrix: number[][] = [];
  const tasks: LearnedTask[] = [];
  let failure: string | null = null;
  try {
    for (let t = 0; t < stream.tasks.length; t++) {
      const { data, loss } = state.trainingData(t);
      const memory = state.memory();
      const onDevice = !(t === 0 && start.based !== undefined);
      let steps = 0;
      let lastLoss = Number.NaN;
      if (onDevice) {
        const result = trainModel(handle, data, trainOptions(inputs, t, loss));
        steps = result.steps;
        lastLoss = result.history[result.history.length - 1]?.trainLoss ?? Number.NaN;
        if (result.kind === 'diverged') {
          failure = `the training loss became ${result.loss} while learning task ${t} (${stream.tasks[t]!.name})`;
          break;
        }
      }
      const penalties = state.penalties();
      state.afterTask(handle);
      tasks.push({
        onDevice,
        samples: data.count,
        steps,
        flops: onDevice
          ? trainingFlops(method, shape, {
              samples: data.count,
              epochs: local.epochs,
              steps,
              penalties,
              fisherSamples: method.method === 'ewc' ? stream.tasks[t]!.train.count : 0,
            })
          : 0,
        memory,
        loss: lastLoss,
      });
      matrix.push(stream.tasks.map((task) => scoreTask(handle, task, setting)));
    }
  } finally {
    state.dispose();
    handle.model.dispose();
  }
  return { method, setting, matrix, baseline: start.baseline, tasks, failure };
}

/** A task's training data (labels as the head's units), its head mask and its head-restricted loss. */
function taskData(inputs: LearnInputs, setting: ContinualSetting, t: number) {
  const task = inputs.stream.tasks[t]!;
  const data = mapLabels(task.train, task.heads[setting]);
  const mask = headMask(inputs.stream.tasks, t, setting);
  return { data, mask, loss: headLoss(mask) };
}

function trainOptions(inputs: LearnInputs, t: number, loss: LossFunction) {
  const { local } = inputs;
  return {
    optimizer: local.optimizer,
    learningRate: local.learningRate,
    ...(local.momentum === undefined ? {} : { momentum: local.momentum }),
    epochs: local.epochs,
    batchSize: local.batchSize,
    seed: taskSeed(inputs.seed, t),
    loss,
  };
}

/** Only the last layer with weights trains. */
function freezeAllButLast(handle: ModelHandle): void {
  const layers = handle.model.layers.filter((l) => l.weights.length > 0);
  for (const layer of layers.slice(0, -1)) layer.trainable = false;
}

/** What a method keeps between tasks: penalties, the old model, a buffer, the data seen. */
class MethodState {
  /** EWC: the penalty of every task learned so far, merged (ewc.ts `mergeMemories`). */
  private penalty: EwcPenalty | undefined;
  /** EWC: each task's Fisher and anchor (classic), or the one online memory. */
  private readonly memories: EwcMemory[] = [];
  private teacher: ModelHandle | undefined;
  private readonly buffer: ReservoirBuffer | undefined;
  private readonly seen: Dataset[] = [];
  /** The task being learned: its own data, mask and loss. */
  private current: ReturnType<typeof taskData> | undefined;

  constructor(
    private readonly inputs: LearnInputs,
    private readonly setting: ContinualSetting,
    private readonly method: LearnMethod,
  ) {
    const streams = new RandomStreams(inputs.seed);
    if (method.method === 'replay')
      this.buffer = new ReservoirBuffer(
        method.buffer,
        inputs.shape.features,
        streams.stream('replay-reservoir'),
      );
  }

  /** Task t's data and loss under the method. */
  trainingData(t: number): { data: Dataset; loss: LossFunction } {
    const own = taskData(this.inputs, this.setting, t);
    this.current = own;
    const method = this.method;
    const tasks = this.inputs.stream.tasks;
    let { data, loss } = own;
    if (method.method === 'joint' && this.seen.length > 0) data = concat([...this.seen, data]);
    if (method.method === 'replay' && this.buffer !== undefined && this.buffer.size > 0)
      data = concat([data, this.replayed(t, data)]);
    if (method.method === 'ewc' && this.penalty !== undefined) loss = ewcLoss(this.penalty, loss);
    if (method.method === 'lwf' && this.teacher !== undefined) {
      const previous = tasks[t - 1]!.heads[this.setting];
      const columns =
        this.setting === 'task-incremental'
          ? tasks.slice(0, t).flatMap((task) => task.heads[this.setting].trainUnits)
          : previous.trainUnits;
      loss = lwfLoss({
        teacher: this.teacher,
        temperature: method.temperature,
        alpha: method.alpha,
        columns,
        base: loss,
      });
    }
    return { data, loss };
  }

  /**
   * As many samples as the task has, drawn with replacement from the buffer
   * (experience replay pairing every new sample with a remembered one:
   * Chaudhry et al., "On Tiny Episodic Memories in Continual Learning", 2019).
   */
  private replayed(t: number, own: Dataset): Dataset {
    const memory = this.buffer!.toDataset(own);
    const draw = new RandomStreams(this.inputs.seed).stream('replay-draw', t);
    const rows = Int32Array.from({ length: own.count }, () => draw.integer(memory.count));
    return subset(memory, rows);
  }

  /** EWC penalties in the training loss now (0 before the first task is consolidated, then 1). */
  penalties(): number {
    return this.penalty === undefined ? 0 : 1;
  }

  /** Memory while learning the next task. */
  memory(): MemoryParts {
    const { local, shape } = this.inputs;
    const stored =
      this.method.method === 'replay'
        ? this.method.buffer
        : this.seen.reduce((n, d) => n + d.count, 0);
    return memoryParts(this.method, shape, local, { stored });
  }

  /** Keeps what the method needs of task t (the one `trainingData` gave last) once it is learned. */
  afterTask(handle: ModelHandle): void {
    const method = this.method;
    const own = this.current!;
    if (method.method === 'joint') this.seen.push(own.data);
    if (method.method === 'replay') this.buffer!.offerAll(own.data);
    if (method.method === 'lwf') {
      this.teacher?.model.dispose();
      this.teacher = handleOf(cloneModel(handle.model));
    }
    if (method.method === 'ewc') {
      const fresh = {
        fisher: diagonalFisher(handle, own.data, { mask: own.mask }),
        anchor: getFlatWeights(handle.model),
      };
      if (method.gamma === undefined) this.memories.push(fresh);
      else this.memories.splice(0, 1, consolidate(this.memories[0], fresh, method.gamma));
      this.penalty?.dispose();
      this.penalty = new EwcPenalty(handle, mergeMemories(this.memories), method.lambda);
    }
  }

  dispose(): void {
    this.penalty?.dispose();
    this.teacher?.model.dispose();
  }
}

/** The samples of `parts` one after another (same sample shape and classes). */
function concat(parts: readonly Dataset[]): Dataset {
  const first = parts[0]!;
  const width = featureCount(first);
  const count = parts.reduce((n, d) => n + d.count, 0);
  const features = new Float32Array(count * width);
  const labels = new Int32Array(count);
  let at = 0;
  for (const part of parts) {
    features.set(part.features.subarray(0, part.count * width), at * width);
    labels.set(part.labels.subarray(0, part.count), at);
    at += part.count;
  }
  return { ...first, features, labels, count };
}

/** What memory and compute depend on, from the model's cost card. */
export function modelShape(handle: ModelHandle): ModelShape {
  const card = costCardFromModel(handle.model, 'learn');
  const weighted = card.layers.filter((l) => l.params > 0);
  const input = card.inputShape.reduce((a, b) => a * b, 1);
  return {
    params: card.params,
    flopsPerSample: card.flops,
    lastLayerFlops: weighted[weighted.length - 1]?.flops ?? 0,
    activationsPerSample: input + card.layers.reduce((n, l) => n + l.outputElements, 0),
    features: input,
  };
}
