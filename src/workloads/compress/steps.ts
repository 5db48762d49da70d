import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import {
  clusterWeights,
  globalMagnitudeMasks,
  magnitudeMask,
  PolynomialDecay,
} from '../../compression/index.js';
import { RandomStreams } from '../../engine/random.js';
import { InputError } from '../../errors.js';
import { shuffledOrder } from '../../ml/data/batches.js';
import type { Dataset } from '../../ml/data/dataset.js';
import { subset } from '../../ml/data/split.js';
import { type ModelHandle, probabilitiesOf } from '../../ml/models/handle.js';
import { loadModelFromDisk } from '../../ml/models/load.js';
import { getFlatWeights, setFlatWeights } from '../../ml/models/weights.js';
import { buildModel } from '../../ml/models/zoo.js';
import { tf } from '../../ml/runtime.js';
import {
  type StepInfo,
  softmaxCrossEntropy,
  type TrainOptions,
  trainModel,
} from '../../ml/train.js';
import { calibrateRanges } from './activation-quant.js';
import type { CompressStep, ModelSpec, TrainingSpec } from './schema.js';
import { chooseUnits, removeUnits } from './structured-prune.js';
import {
  floatWeights,
  keepStructure,
  kernelEntries,
  quantizeFlat,
  settle,
  unsettle,
  type Variant,
} from './variant.js';

/** What every step may need besides the variant. */
export interface StepContext {
  readonly train: Dataset;
  /** Held out from the training split: what calibration (and any choice) may look at. Never the test split. */
  readonly validation: Dataset;
  readonly training: TrainingSpec;
  readonly seed: number;
  /** Scenario file and its directory, for errors and relative paths. */
  readonly file: string;
  readonly baseDir: string;
}

/** Where a step sits in the scenario, for errors and seeds. */
export interface StepPlace {
  readonly variant: number;
  readonly step: number;
}

/** Applies one step to a variant, in place. Training that diverges sets `variant.failure`. */
export async function applyStep(
  variant: Variant,
  step: CompressStep,
  context: StepContext,
  place: StepPlace,
): Promise<void> {
  const where = `compress.variants[${place.variant}].steps[${place.step}]`;
  const seed = stepSeed(context.seed, variant.name, place.step);
  switch (step.kind) {
    case 'prune':
      return prune(variant, step, context, seed);
    case 'prune-structured': {
      if (variant.masks.size > 0 || variant.clusters.size > 0)
        throw new InputError(context.file, [
          { path: where, message: 'prune-structured must come before prune and cluster steps' },
        ]);
      unsettle(variant);
      variant.float = null;
      const model = sequentialOf(variant, context, where);
      const smaller = removeUnits(model, chooseUnits(model, step.fraction, step.norm));
      model.dispose();
      variant.handle = { model: smaller, outputs: variant.handle.outputs };
      variant.activationRanges = null;
      settle(variant);
      variant.steps.push(`prune-structured(${step.fraction}, ${step.norm})`);
      return fineTune(variant, context, seed, step.fineTuneEpochs, step.learningRate);
    }
    case 'quantize':
      return quantize(variant, step, context, seed, where);
    case 'cluster':
      return cluster(variant, step, context, seed, where);
    case 'distill':
      return distill(variant, step, context, seed, where);
    case 'fine-tune':
      return fineTune(variant, context, seed, step.epochs, step.learningRate);
  }
}

type Step<K extends CompressStep['kind']> = Extract<CompressStep, { kind: K }>;

/**
 * Magnitude pruning. One-shot: masks at the target sparsity, then
 * fine-tuning that keeps them. Polynomial (Zhu and Gupta, "To prune, or not
 * to prune", 2017, as TF Model Optimization's PolynomialDecay): while
 * fine-tuning, every `frequency` steps the masks are recomputed at a
 * sparsity rising from 0 to the target as 1 - (1 - t)^3 over the first 80%
 * of the steps; the target is enforced at the end.
 */
async function prune(variant: Variant, step: Step<'prune'>, context: StepContext, seed: number) {
  const setMasks = (sparsity: number) => {
    const flat = getFlatWeights(variant.handle.model); // floats: called between unsettle and settle
    const entries = kernelEntries(variant);
    const tensors = entries.map((e) => flat.subarray(e.offset, e.offset + e.length));
    const masks =
      step.scope === 'global'
        ? globalMagnitudeMasks(tensors, sparsity)
        : tensors.map((t) => magnitudeMask(t, sparsity));
    variant.masks = new Map(entries.map((e, i) => [e.name, masks[i]!]));
    setFlatWeights(variant.handle.model, keepStructure(variant, flat));
  };
  variant.steps.push(`prune(${step.sparsity}, ${step.scope}, ${step.schedule})`);
  unsettle(variant);
  const steps = step.fineTuneEpochs * Math.ceil(context.train.count / context.training.batchSize);
  const endStep = Math.floor((0.8 * steps) / step.frequency) * step.frequency;
  if (step.schedule === 'oneshot' || endStep === 0) {
    setMasks(step.sparsity);
    settle(variant);
    return fineTune(variant, context, seed, step.fineTuneEpochs, step.learningRate);
  }
  const schedule = new PolynomialDecay({
    initialSparsity: 0,
    finalSparsity: step.sparsity,
    beginStep: 0,
    endStep,
    frequency: step.frequency,
  });
  await fineTune(variant, context, seed, step.fineTuneEpochs, step.learningRate, (info) => {
    const turn = schedule.at(info.step);
    if (turn.shouldPrune) setMasks(turn.sparsity);
  });
  setMasks(step.sparsity);
  settle(variant);
}

async function quantize(
  variant: Variant,
  step: Step<'quantize'>,
  context: StepContext,
  seed: number,
  where: string,
) {
  unsettle(variant);
  variant.quant =
    step.bits === 16
      ? { bits: 16 }
      : { bits: step.bits, scheme: step.scheme, granularity: step.granularity };
  const format = step.bits === 16 ? 'fp16' : `int${step.bits} ${step.scheme} ${step.granularity}`;
  // QAT here fake-quantizes the weights only; the step's text says so in variants.csv.
  const mode = step.mode === 'aware' ? 'aware, weights only' : step.mode;
  variant.steps.push(`quantize(${format}, ${mode})`);
  settle(variant);
  if (step.mode === 'aware') await fineTune(variant, context, seed, step.epochs, step.learningRate);
  variant.activationRanges = null;
  if (step.bits !== 16 && step.calibrationSamples > 0) {
    const model = sequentialOf(variant, context, `${where}.calibrationSamples`);
    // A seeded random sample of the validation split: datasets are often stored class by class.
    const pool = context.validation;
    const n = Math.min(step.calibrationSamples, pool.count);
    const order = shuffledOrder(pool.count, new RandomStreams(seed).stream('calibration'));
    const calibration = subset(pool, order.subarray(0, n));
    const samples = tf.tensor(calibration.features, [n, ...pool.sampleShape]);
    variant.activationRanges = calibrateRanges(model, samples);
    samples.dispose();
  }
}

/**
 * Weight clustering (Han et al., "Deep Compression", ICLR 2016; TF Model
 * Optimization's weight clustering): each kernel's weights become k shared
 * values by k-means with linear initialisation; fine-tuning moves each
 * centroid to the mean of its members. On a pruned kernel, cluster 0 is
 * exactly 0.0 and holds the pruned weights, and the kept ones share k - 1.
 */
async function cluster(
  variant: Variant,
  step: Step<'cluster'>,
  context: StepContext,
  seed: number,
  where: string,
) {
  const flat = floatWeights(variant);
  unsettle(variant);
  variant.clusters = new Map();
  for (const entry of kernelEntries(variant)) {
    const values = flat.subarray(entry.offset, entry.offset + entry.length);
    const mask = variant.masks.get(entry.name);
    if (mask === undefined) {
      const { assignments } = clusterWeights(values, { clusters: step.clusters });
      variant.clusters.set(entry.name, { k: step.clusters, assignments });
      continue;
    }
    if (step.clusters < 2)
      throw new InputError(context.file, [
        {
          path: `${where}.clusters`,
          message: 'a pruned model needs at least 2 clusters (one is the pruned zeros)',
          value: step.clusters,
        },
      ]);
    const kept = values.filter((_: number, i: number) => mask[i] === 1);
    const assignments =
      step.clusters <= 256 ? new Uint8Array(values.length) : new Uint16Array(values.length);
    if (kept.length > 0) {
      const inner = clusterWeights(kept, { clusters: step.clusters - 1 }).assignments;
      let j = 0;
      for (let i = 0; i < values.length; i++) if (mask[i] === 1) assignments[i] = inner[j++]! + 1;
    }
    variant.clusters.set(entry.name, { k: step.clusters, assignments });
  }
  variant.steps.push(`cluster(${step.clusters})`);
  settle(variant);
  return fineTune(variant, context, seed, step.fineTuneEpochs, step.learningRate);
}

/**
 * Knowledge distillation (Hinton, Vinyals and Dean, "Distilling the
 * Knowledge in a Neural Network", 2015): the student minimises
 * alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha) * CE(labels, student),
 * where _T is the softmax at temperature T; the T^2 keeps the soft term's
 * gradients on the scale of the hard one's. The teacher is the variant as
 * it stands (as deployed); the student replaces it, without its constraints.
 */
async function distill(
  variant: Variant,
  step: Step<'distill'>,
  context: StepContext,
  seed: number,
  where: string,
) {
  const teacher = variant.handle;
  const student = await loadStudent(step.student, context, seed, `${where}.student`);
  const { temperature: t, alpha } = step;
  const loss = (logits: tf.Tensor2D, labels: tf.Tensor1D, inputs: tf.Tensor): tf.Scalar => {
    const teacherLogits = tf.log(tf.maximum(probabilitiesOf(teacher, inputs), 1e-30));
    const soft = tf.softmax(tf.div(teacherLogits, t));
    const kl = tf.mean(
      tf.sum(
        tf.mul(
          soft,
          tf.sub(tf.logSoftmax(tf.div(teacherLogits, t)), tf.logSoftmax(tf.div(logits, t))),
        ),
        1,
      ),
    );
    const hard = softmaxCrossEntropy(logits, labels, inputs);
    return tf.add(tf.mul(alpha * t * t, kl), tf.mul(1 - alpha, hard)) as tf.Scalar;
  };
  variant.handle = student;
  variant.masks = new Map();
  variant.clusters = new Map();
  variant.quant = null;
  variant.float = null;
  variant.activationRanges = null;
  variant.steps.push(`distill(T=${t}, alpha=${alpha})`);
  try {
    await fineTune(variant, context, seed, step.epochs, step.learningRate, undefined, loss);
  } finally {
    teacher.model.dispose();
  }
}

async function loadStudent(spec: ModelSpec, context: StepContext, seed: number, where: string) {
  if ('file' in spec) return loadModelFromDisk(resolve(context.baseDir, spec.file));
  return zooModel(spec.zoo, context.train, seed, context.file, `${where}.zoo`);
}

/** A zoo model for a dataset; a model that cannot take the dataset's samples is an input error at `path`. */
export function zooModel(
  name: Extract<ModelSpec, { zoo: string }>['zoo'],
  data: Dataset,
  seed: number,
  file: string,
  path: string,
): ModelHandle {
  try {
    const model = buildModel(name, {
      inputShape: data.sampleShape,
      numClasses: data.numClasses,
      seed,
    });
    return { model, outputs: 'logits' };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError(file, [
      { path, message: `cannot build "${name}" for ${data.name}: ${error.message}`, value: name },
    ]);
  }
}

/** Trains the variant keeping its constraints; records divergence as the variant's failure. */
async function fineTune(
  variant: Variant,
  context: StepContext,
  seed: number,
  epochs: number,
  learningRate: number | undefined,
  onStep?: (info: StepInfo) => void,
  loss?: TrainOptions['loss'],
): Promise<void> {
  if (epochs === 0 || variant.failure !== null) return;
  unsettle(variant);
  const constrained = variant.masks.size > 0 || variant.clusters.size > 0;
  const { optimizer, momentum, batchSize } = context.training;
  const result = trainModel(variant.handle, context.train, {
    optimizer,
    momentum,
    batchSize,
    epochs,
    learningRate: learningRate ?? context.training.learningRate,
    seed,
    ...(loss ? { loss } : {}),
    ...(variant.quant
      ? { weightTransform: (flat: Float32Array) => quantizeFlat(variant, flat) }
      : {}),
    afterStep: (model, info) => {
      onStep?.(info);
      if (constrained || onStep)
        setFlatWeights(model, keepStructure(variant, getFlatWeights(model)));
    },
  });
  variant.steps.push(`fine-tune(${epochs} epochs)`);
  if (result.kind === 'diverged')
    variant.failure = `training diverged at epoch ${result.epoch}, step ${result.step} (loss ${result.loss})`;
  settle(variant);
}

function sequentialOf(variant: Variant, context: StepContext, path: string): tf.Sequential {
  const model = variant.handle.model;
  if (model instanceof tf.Sequential) return model;
  throw new InputError(context.file, [
    { path, message: 'this step needs a Sequential model (layers in a chain)', value: model.name },
  ]);
}

/** A seed per (run seed, variant, step): the first 4 bytes of SHA-256 of the three. */
function stepSeed(seed: number, variant: string, step: number): number {
  return createHash('sha256')
    .update(`edgesim/compress/${seed}/${variant}/${step}`)
    .digest()
    .readUInt32BE(0);
}
