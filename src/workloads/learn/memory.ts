/**
 * The memory a device needs to learn with a method, in bytes, and the
 * training compute it spends: what tasks.csv reports and what is checked
 * against each profile's memory capacity before any training starts.
 *
 * Memory, float32 throughout (4 bytes per value), P trainable parameters:
 * - the model: 4P; its gradients: 4P;
 * - optimizer state: none for sgd, 4P for momentum, 8P for adam (two moments);
 * - one batch's activations and their gradients: 2 x batch x (input + every
 *   layer's output elements) x 4 (an estimate: frameworks free some early);
 * - EWC: a Fisher diagonal and an anchor, 8P (the penalties of every task
 *   learned merge into one: ewc.ts `mergeMemories`);
 * - LwF: the frozen copy of the old model, 4P;
 * - replay: the buffer, M x (features x 4 + 4) (reservoir.ts);
 * - joint: every training sample seen so far, N x (features x 4 + 4).
 * The task's own data streams through in batches (from a sensor or storage),
 * so it is not held beyond the batch.
 *
 * Compute of learning one task (the convention of federated learning,
 * world.ts): 3 x forward FLOPs x samples trained x epochs (the backward pass
 * taken as twice the forward), where the samples include replayed ones and,
 * for joint, every task seen; fine-tuning the last layer only spends one
 * forward pass and the last layer's backward (2 x its FLOPs). LwF adds the
 * old model's forward pass on every sample; EWC adds its penalty's gradient,
 * {@link EWC_FLOPS_PER_PARAMETER} per parameter per penalty per step, and
 * after the task its Fisher: one forward and backward pass per sample.
 */
import type { LearnMethod } from './schema.js';

const FLOAT = 4;
const LABEL = 4;

/** FLOPs of the EWC penalty's gradient per parameter and step: theta - theta*, x F, x lambda, + into the gradient. */
export const EWC_FLOPS_PER_PARAMETER = 4;

/** What the memory and compute of a method depend on. */
export interface ModelShape {
  /** Trainable parameters. */
  readonly params: number;
  /** Forward FLOPs per sample. */
  readonly flopsPerSample: number;
  /** Forward FLOPs per sample of the last layer. */
  readonly lastLayerFlops: number;
  /** Input plus every layer's output elements, per sample. */
  readonly activationsPerSample: number;
  /** Features per sample. */
  readonly features: number;
}

/** A method's memory by part, in bytes. */
export interface MemoryParts {
  readonly model: number;
  readonly gradients: number;
  readonly optimizer: number;
  readonly activations: number;
  /** EWC's Fishers and anchors, LwF's old model, replay's buffer, joint's stored data. */
  readonly method: number;
}

/** The sum of the parts. */
export function memoryTotal(parts: MemoryParts): number {
  return parts.model + parts.gradients + parts.optimizer + parts.activations + parts.method;
}

/** Optimizer state values per parameter. */
const OPTIMIZER_SLOTS = { sgd: 0, momentum: 1, adam: 2 } as const;

/**
 * Memory while learning a task with `method`, given `stored` samples kept
 * (replay's buffer, joint's data seen).
 */
export function memoryParts(
  method: LearnMethod,
  shape: ModelShape,
  training: { optimizer: keyof typeof OPTIMIZER_SLOTS; batchSize: number },
  held: { stored: number },
): MemoryParts {
  const p = shape.params * FLOAT;
  const sample = shape.features * FLOAT + LABEL;
  const methodBytes = {
    finetune: 0,
    ewc: 2 * p,
    lwf: p,
    replay: held.stored * sample,
    joint: held.stored * sample,
  }[method.method];
  return {
    model: p,
    gradients: p,
    optimizer: OPTIMIZER_SLOTS[training.optimizer] * p,
    activations: 2 * training.batchSize * shape.activationsPerSample * FLOAT,
    method: methodBytes,
  };
}

/** What one task's learning trains on and costs in FLOPs. */
export interface TaskCompute {
  /** Samples trained on per epoch (the task's, plus replayed or earlier tasks' ones). */
  readonly samples: number;
  readonly steps: number;
  readonly flops: number;
}

/**
 * FLOPs of learning one task (file header): `samples` per epoch over
 * `epochs`, `steps` optimizer steps, the old model's forward on the task's
 * own `taskSamples` (LwF), the Fisher over `fisherSamples` (EWC).
 */
export function trainingFlops(
  method: LearnMethod,
  shape: ModelShape,
  run: { samples: number; epochs: number; steps: number; penalties: number; fisherSamples: number },
): number {
  const passes = run.samples * run.epochs;
  const perSample =
    method.method === 'finetune' && method.layers === 'last'
      ? shape.flopsPerSample + 2 * shape.lastLayerFlops
      : 3 * shape.flopsPerSample;
  let flops = perSample * passes;
  if (method.method === 'lwf') flops += shape.flopsPerSample * passes;
  if (method.method === 'ewc') {
    flops += EWC_FLOPS_PER_PARAMETER * shape.params * run.steps * run.penalties;
    flops += 3 * shape.flopsPerSample * run.fisherSamples;
  }
  return flops;
}

/**
 * The most memory `method` needs over a stream whose tasks have `trainCounts`
 * training samples: joint holds every earlier task while learning the last.
 */
export function peakMemory(
  method: LearnMethod,
  shape: ModelShape,
  training: { optimizer: keyof typeof OPTIMIZER_SLOTS; batchSize: number },
  trainCounts: readonly number[],
): MemoryParts {
  const earlier = trainCounts.slice(0, -1).reduce((a, b) => a + b, 0);
  const stored =
    method.method === 'replay' ? method.buffer : method.method === 'joint' ? earlier : 0;
  return memoryParts(method, shape, training, { stored });
}
