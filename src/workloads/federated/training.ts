import { resolve } from 'node:path';
import { InputError } from '../../errors.js';
import type { Dataset, Split } from '../../ml/data/dataset.js';
import { loadSplit } from '../../ml/data/from-spec.js';
import { subset } from '../../ml/data/split.js';
import type { SampleRange } from '../../ml/evaluate.js';
import { checkModelFits, type ModelHandle } from '../../ml/models/handle.js';
import { loadModelFromDisk } from '../../ml/models/load.js';
import { getFlatWeights, setFlatWeights } from '../../ml/models/weights.js';
import { buildModel } from '../../ml/models/zoo.js';
import { type BackendPreference, initBackend } from '../../ml/runtime.js';
import type { DatasetSpec, ModelSpec } from '../../ml/spec.js';
import { trainModel } from '../../ml/train.js';
import { flipLabels } from './attacks/label-flip.js';
import type { ResolvedFederated } from './resolve.js';
import type { FederatedSection } from './schema.js';
import { type RangeScores, scoreRange } from './scores.js';
import type { TrainingOptions } from './strategies/client-hook.js';

/**
 * Local training of federated clients and scoring of the global model, the
 * same in the main thread and in worker threads: each thread builds the same
 * data split and model from the same description, a client's training is a
 * pure function of the global weights, its samples, the round's
 * configuration and its seed, and the test set is scored in fixed batches.
 * So results do not depend on which thread does which job.
 */

/** What a thread needs to train any client. */
export interface TrainingSetup {
  readonly dataset: DatasetSpec;
  readonly model: ModelSpec;
  readonly baseDir: string;
  readonly file: string;
  readonly seed: number;
  readonly backend: BackendPreference;
}

/** What every training thread of a run needs: its data set, model, files and seed. */
export function trainingSetup(resolved: ResolvedFederated, seed: number): TrainingSetup {
  const section = resolved.scenario.federated;
  return {
    dataset: section.dataset,
    model: section.model,
    baseDir: resolved.baseDir,
    file: resolved.file,
    seed,
    backend: section.backend,
  };
}

/**
 * One client's local training in one round: a training job, sent to whichever
 * thread takes it, with the options the strategy's client hook added to plain
 * training (its `prepare`).
 */
export interface ClientTask extends TrainingOptions {
  readonly client: number;
  /** Indices of its samples in the training split. */
  readonly indices: Int32Array;
  readonly local: FederatedSection['local'];
  readonly seed: number;
  /** A label-flipping attacker: its samples are relabelled l → numClasses − 1 − l (attacks/label-flip.ts). */
  readonly flipLabels?: boolean;
}

/** What local training returned. */
export interface ClientResult {
  readonly client: number;
  readonly weights: Float32Array;
  /** Mean training loss of its last epoch (NaN if it diverged). */
  readonly loss: number;
  readonly steps: number;
  readonly numExamples: number;
  readonly diverged: boolean;
  /** L2 norm of its weights minus the global weights (float64 sums in weight order). */
  readonly updateNorm: number;
}

/** A thread's data and model. */
export interface TrainingContext {
  readonly split: Split;
  readonly handle: ModelHandle;
  readonly backend: string;
}

/** Builds the split and the model of a setup (in whichever thread calls it). */
export async function prepareTraining(setup: TrainingSetup): Promise<TrainingContext> {
  const backend = await initBackend(setup.backend);
  const split = loadSplit(setup.dataset, setup.baseDir, setup.seed);
  const handle = await loadModel(setup, split.train);
  return { split, handle, backend };
}

/** Trains one client from the global weights; the context's model is left holding its result. */
export function trainClient(
  context: TrainingContext,
  global: Float32Array,
  task: ClientTask,
): ClientResult {
  const { handle, split } = context;
  setFlatWeights(handle.model, global);
  const data = subset(split.train, task.indices);
  if (task.flipLabels) flipLabels(data.labels, data.numClasses);
  const result = trainModel(handle, data, {
    optimizer: task.local.optimizer,
    learningRate: task.local.learningRate,
    momentum: task.local.momentum,
    epochs: task.local.epochs,
    batchSize: task.local.batchSize,
    seed: task.seed,
    ...trainingExtras(task, global),
  });
  const last = result.history[result.history.length - 1];
  const weights = getFlatWeights(handle.model);
  return {
    client: task.client,
    weights,
    loss: result.kind === 'diverged' ? Number.NaN : (last?.trainLoss ?? Number.NaN),
    steps: result.steps,
    numExamples: data.count,
    diverged: result.kind === 'diverged',
    updateNorm: distance(weights, global),
  };
}

/** A hook's training options as `trainModel` takes them: the proximal anchor is the global model. */
function trainingExtras(options: TrainingOptions, global: Float32Array) {
  const mu = options.proximalMu ?? 0;
  return {
    ...(mu > 0 ? { proximal: { mu, anchor: global } } : {}),
    ...(options.gradientCorrection ? { gradientCorrection: options.gradientCorrection } : {}),
  };
}

/** Test samples per forward pass when scoring the global model; fixed, so the bits do not depend on the threads. */
export const SCORE_BATCH_SIZE = 256;

/** The test set cut into batches of {@link SCORE_BATCH_SIZE}: the scoring jobs of one evaluation, in order. */
export function scoreRanges(count: number): SampleRange[] {
  const ranges: SampleRange[] = [];
  for (let start = 0; start < count; start += SCORE_BATCH_SIZE)
    ranges.push({ start, end: Math.min(count, start + SCORE_BATCH_SIZE) });
  return ranges;
}

/** The global model's scores on a range of the test set: label scores and confusion counts (see scores.ts). */
export function scoreGlobal(
  context: TrainingContext,
  global: Float32Array,
  range: SampleRange,
): RangeScores {
  setFlatWeights(context.handle.model, global);
  return scoreRange(context.handle, context.split.test, range, SCORE_BATCH_SIZE);
}

/** A thread's unit of work: train a client, or score the global model on a range of the test set. */
export type Job =
  | { readonly kind: 'train'; readonly task: ClientTask }
  | { readonly kind: 'score'; readonly range: SampleRange };

/** A job's result: a client's training, or a range's scores. */
export type JobResult = ClientResult | RangeScores;

/** Does `job` from the global weights, in this thread. */
export function runJob(context: TrainingContext, global: Float32Array, job: Job): JobResult {
  return job.kind === 'train'
    ? trainClient(context, global, job.task)
    : scoreGlobal(context, global, job.range);
}

/** The arrays a job's result can hand over to another thread instead of copying. */
export function transferables(result: JobResult): ArrayBuffer[] {
  const arrays =
    'weights' in result ? [result.weights] : [result.labelProbabilities, result.confusion];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}

/** Euclidean distance, accumulated in float64. */
function distance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}

async function loadModel(setup: TrainingSetup, train: Dataset): Promise<ModelHandle> {
  const spec = setup.model;
  const path = 'zoo' in spec ? 'federated.model.zoo' : 'federated.model.file';
  try {
    if ('zoo' in spec) {
      const model = buildModel(spec.zoo, {
        inputShape: train.sampleShape,
        numClasses: train.numClasses,
        seed: setup.seed,
      });
      return { model, outputs: 'logits' };
    }
    const handle = await loadModelFromDisk(resolve(setup.baseDir, spec.file));
    checkModelFits(handle, train);
    return handle;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError(setup.file, [{ path, message: error.message }]);
  }
}
