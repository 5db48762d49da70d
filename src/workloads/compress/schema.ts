import { z } from 'zod';
import {
  type DatasetSpec,
  datasetSpec,
  type ModelSpec,
  modelSpec,
  optimizer,
} from '../../ml/spec.js';
import {
  MAX_BATCH_SIZE,
  MAX_EPOCHS,
  MAX_NAME_LENGTH,
  MAX_STEPS,
  MAX_VARIANTS,
} from '../../scenario/limits.js';
import { quantity } from '../../scenario/units.js';

/**
 * The `compress` section of a scenario: a dataset, a model, how to train it,
 * and the compression pipelines to apply to it. Each variant is an ordered
 * list of steps run on a copy of the trained model; each becomes one row of
 * `variants.csv`.
 */

const name = z
  .string()
  .max(MAX_NAME_LENGTH)
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]*$/,
    'must start with a letter and use only letters, digits, _ . -',
  );

const sparsity = quantity(
  'fraction',
  { min: 0, max: 1, exclusiveMax: true },
  'Fraction of weights set to zero, in [0, 1)',
);

const epochs = (text: string) => z.number().int().min(0).max(MAX_EPOCHS).describe(text);

// The model and dataset specs are ml/spec.ts's (federated trains too); re-exported.
export { datasetSpec, modelSpec, optimizer, ZOO_MODELS } from '../../ml/spec.js';

const training = z.strictObject({
  optimizer: optimizer.default('adam'),
  learningRate: z.number().positive().default(0.001),
  momentum: z.number().min(0).max(1).default(0.9),
  epochs: epochs('Passes over the training set').default(5),
  batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).default(32),
});

const fineTune = {
  fineTuneEpochs: epochs('Epochs of training after the step, keeping its constraint').default(1),
  learningRate: z.number().positive().optional().describe('Default: the training learning rate'),
};

const pruneStep = z.strictObject({
  kind: z.literal('prune').describe('Unstructured magnitude pruning'),
  sparsity,
  scope: z
    .enum(['layer', 'global'])
    .default('layer')
    .describe('Threshold per layer or across all layers'),
  schedule: z
    .enum(['oneshot', 'polynomial'])
    .default('oneshot')
    .describe(
      'oneshot: prune then fine-tune; polynomial: raise sparsity gradually while fine-tuning (TF Model Optimization)',
    ),
  frequency: z
    .number()
    .int()
    .min(1)
    .max(1e9)
    .default(50)
    .describe('Polynomial schedule: steps between pruning updates'),
  ...fineTune,
});

const pruneStructuredStep = z.strictObject({
  kind: z.literal('prune-structured').describe('Remove whole neurons and filters by norm'),
  fraction: quantity(
    'fraction',
    { min: 0, max: 1, exclusiveMax: true },
    'Share of units removed from each hidden layer',
  ),
  norm: z.enum(['l1', 'l2']).default('l1'),
  ...fineTune,
});

const quantizeStep = z.strictObject({
  kind: z.literal('quantize'),
  bits: z.literal([16, 8, 4]).describe('16 = fp16; 8 and 4 = integers'),
  scheme: z.enum(['symmetric', 'asymmetric']).default('symmetric'),
  granularity: z.enum(['per-tensor', 'per-channel']).default('per-channel'),
  mode: z
    .enum(['post-training', 'aware'])
    .default('post-training')
    .describe(
      'aware: weight-only quantization-aware training (weights fake-quantized, straight-through estimator); activations are not fake-quantized while training, only calibrated after it',
    ),
  epochs: epochs('Quantization-aware training epochs').default(1),
  learningRate: z.number().positive().optional(),
  calibrationSamples: z
    .number()
    .int()
    .min(0)
    .max(1_000_000) // calibration keeps these samples' activations in memory
    .default(512)
    .describe(
      'Validation samples used to calibrate activation ranges (integer bits only; at most the validation split); 0 leaves activations in float',
    ),
});

const clusterStep = z.strictObject({
  kind: z
    .literal('cluster')
    .describe('Weight clustering: k-means with shared centroids per tensor'),
  clusters: z.number().int().min(1).max(65536),
  ...fineTune,
});

const distillStep = z.strictObject({
  kind: z
    .literal('distill')
    .describe('Knowledge distillation into a smaller student (Hinton et al. 2015)'),
  student: modelSpec,
  temperature: z.number().positive().default(4),
  alpha: z
    .number()
    .min(0)
    .max(1)
    .default(0.9)
    .describe('Weight of the soft (teacher) loss; 1 - alpha on the labels'),
  epochs: epochs('Student training epochs').default(5),
  learningRate: z.number().positive().optional(),
});

const fineTuneStep = z.strictObject({
  kind: z.literal('fine-tune'),
  epochs: epochs('Epochs of training'),
  learningRate: z.number().positive().optional(),
});

export const compressStep = z.discriminatedUnion('kind', [
  pruneStep,
  pruneStructuredStep,
  quantizeStep,
  clusterStep,
  distillStep,
  fineTuneStep,
]);

export const compressSection = z.strictObject({
  dataset: datasetSpec,
  validationFraction: quantity(
    'fraction',
    { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
    'Share of the training split held out for validation (stratified by class, seeded): activation calibration uses it and variants.csv reports it, so settings are chosen without the test split, which is scored once, at the end',
  ).default(0.1),
  model: modelSpec,
  train: training.default(training.parse({})),
  backend: z
    .enum(['auto', 'tensorflow', 'wasm', 'cpu'])
    .default('wasm')
    .describe('TF.js backend; wasm is bit-reproducible across machines'),
  profiles: z
    .array(
      z.union([
        z.string().max(MAX_NAME_LENGTH),
        z.strictObject({
          profile: z.string().max(MAX_NAME_LENGTH).describe('Hardware profile name'),
          stack: z
            .string()
            .max(MAX_NAME_LENGTH)
            .describe("A software stack the profile's calibration measured"),
        }),
      ]),
    )
    .max(1000)
    .optional()
    .describe(
      'Hardware profiles to estimate latency and energy on, each a name or { profile, stack }; default all',
    ),
  variants: z
    .array(z.strictObject({ name, steps: z.array(compressStep).max(MAX_STEPS) }))
    .max(MAX_VARIANTS) // each variant trains and measures its own model copy
    .default([])
    .describe('Compression pipelines; the uncompressed baseline is always included'),
});

export type CompressSection = z.output<typeof compressSection>;
export type CompressStep = z.output<typeof compressStep>;
export type { DatasetSpec, ModelSpec };
export type TrainingSpec = z.output<typeof training>;
