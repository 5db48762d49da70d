import { z } from 'zod';
import { quantity } from '../../scenario/units.js';
import { datasetSpec, modelSpec, optimizer } from '../compress/schema.js';

/**
 * The `federated` section of a scenario: a dataset partitioned over the
 * fleet's devices (one client per device), a model, a strategy, and how
 * rounds run in simulated time.
 */

const positive = { min: 0, exclusiveMin: true } as const;

export const partitionSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('iid').describe('Shuffle and deal equally') }),
  z.strictObject({
    kind: z
      .literal('dirichlet')
      .describe('Label skew: per class, shares over clients ~ Dir(alpha)'),
    alpha: z.number().positive(),
  }),
  z.strictObject({
    kind: z.literal('shards').describe("The FedAvg paper's label-sorted shards"),
    shardsPerClient: z.number().int().min(1).default(2),
  }),
  z.strictObject({
    kind: z.literal('quantity').describe('Quantity skew: client sizes ~ Dir(alpha), labels IID'),
    alpha: z.number().positive(),
  }),
]);

export const SELECTORS = ['random', 'power-of-choice', 'oort'] as const;

export const federatedSection = z.strictObject({
  tier: z
    .enum(['real', 'cost-only'])
    .default('real')
    .describe('real: clients train for real; cost-only: time, bytes and energy without training'),
  dataset: datasetSpec,
  partition: partitionSpec.default({ kind: 'iid' }),
  model: modelSpec,
  strategy: z
    .object({
      name: z.string().describe('fedavg, fedavgm, fedprox, fedadam, fedyogi, fedadagrad, scaffold'),
    })
    .catchall(z.union([z.number(), z.boolean()]))
    .describe('The strategy and its options (e.g. proximalMu, serverLearningRate, serverMomentum)'),
  rounds: z.number().int().min(1),
  clientsPerRound: z.number().int().min(1).describe('Updates the server aggregates per round (K)'),
  overCommit: z
    .number()
    .min(1)
    .default(1)
    .describe('Select ceil(K x overCommit) clients; the first K to report are aggregated'),
  selection: z.enum(SELECTORS).default('random'),
  candidates: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('power-of-choice: candidates sampled per round (default 2 x selected)'),
  deadline: quantity('duration', positive, 'A round closes this long after it starts').optional(),
  local: z
    .strictObject({
      optimizer: optimizer.default('sgd'),
      learningRate: z.number().positive().default(0.05),
      momentum: z.number().min(0).max(1).default(0.9),
      epochs: z.number().int().min(1).default(1),
      batchSize: z.number().int().min(1).default(10),
    })
    .default({ optimizer: 'sgd', learningRate: 0.05, momentum: 0.9, epochs: 1, batchSize: 10 }),
  server: z
    .strictObject({
      rtt: quantity('duration', { min: 0 }, "Round-trip time beyond each client's cell").default(0),
    })
    .default({ rtt: 0 }),
  retryAfter: quantity(
    'duration',
    positive,
    'Wait before trying again when no client is online',
  ).default(60),
  evaluateEvery: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe('Rounds between evaluations of the global model'),
  targetAccuracy: quantity(
    'fraction',
    { min: 0, max: 1 },
    'Accuracy for time/energy/bytes-to-target',
  ).optional(),
  workers: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe('Worker threads training clients (real tier); results do not depend on it'),
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('wasm'),
  samplesPerClient: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'Cost-only tier: samples each client trains on (default: the partition of the dataset)',
    ),
});

export type FederatedSection = z.output<typeof federatedSection>;
export type PartitionSpecInput = z.output<typeof partitionSpec>;
