import { z } from 'zod';
import { datasetSpec, modelSpec, optimizer } from '../../ml/spec.js';
import {
  MAX_BATCH_SIZE,
  MAX_DEVICES,
  MAX_DURATION_S,
  MAX_EPOCHS,
  MAX_ROUNDS,
  MAX_SAMPLES_PER_CLIENT,
  MAX_TRAINING_WORKERS,
} from '../../scenario/limits.js';
import { quantity } from '../../scenario/units.js';
import { asyncSpec, federatedMode } from './async/schema.js';
import { attackSpec } from './attacks/index.js';
import { partitionSpec } from './partitioners/registry.js';
import { privacySpec } from './privacy/budget.js';
import { secureAggregationSpec } from './secure-aggregation.js';
import { SELECTOR_NAMES } from './selectors/registry.js';
import { strategySpec } from './strategies/registry.js';

/**
 * The `federated` section of a scenario: a dataset partitioned over the
 * fleet's devices (one client per device), a model, a strategy, and how
 * rounds run in simulated time.
 */

const positiveDuration = { min: 0, exclusiveMin: true, max: MAX_DURATION_S } as const;
/** A client count: at most one per device of the largest fleet allowed. */
const clients = () => z.number().int().min(1).max(MAX_DEVICES);

/** The momentum of the `momentum` optimizer when a scenario gives none (TF.js's and Keras's usual 0.9). */
export const DEFAULT_LOCAL_MOMENTUM = 0.9;

/**
 * Each client's local training. `momentum` belongs to the `momentum`
 * optimizer only: it defaults to {@link DEFAULT_LOCAL_MOMENTUM} there, and
 * giving it with another optimizer, which would ignore it, is an error at
 * `local.momentum` naming that optimizer.
 */
const localTraining = z
  .strictObject({
    optimizer: optimizer.default('sgd'),
    learningRate: z.number().positive().default(0.05),
    momentum: z
      .number()
      .min(0)
      .lt(1)
      .optional()
      .describe(
        `Momentum of optimizer momentum only, in [0, 1) (default ${DEFAULT_LOCAL_MOMENTUM})`,
      ),
    epochs: z.number().int().min(1).max(MAX_EPOCHS).default(1),
    batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).default(10),
  })
  .default({ optimizer: 'sgd', learningRate: 0.05, epochs: 1, batchSize: 10 })
  .superRefine((local, ctx) => {
    if (local.momentum !== undefined && local.optimizer !== 'momentum')
      ctx.addIssue({
        code: 'custom',
        path: ['momentum'],
        message: `optimizer ${local.optimizer} does not use momentum; remove it, or use optimizer: momentum`,
        input: local.momentum,
      });
  })
  .transform((local) =>
    local.optimizer === 'momentum'
      ? { ...local, momentum: local.momentum ?? DEFAULT_LOCAL_MOMENTUM }
      : local,
  );

export const federatedSection = z.strictObject({
  tier: z
    .enum(['real', 'cost-only'])
    .default('real')
    .describe('real: clients train for real; cost-only: time, bytes and energy without training'),
  dataset: datasetSpec,
  partition: partitionSpec.default({ kind: 'iid' }),
  model: modelSpec,
  strategy: strategySpec,
  mode: federatedMode,
  async: asyncSpec.optional(),
  rounds: z.number().int().min(1).max(MAX_ROUNDS),
  clientsPerRound: clients().describe('Updates the server aggregates per round (K)'),
  overCommit: z
    .number()
    .min(1)
    .max(100) // selecting 100 x K clients to keep K is past any over-commitment in use
    .default(1)
    .describe('Select ceil(K x overCommit) clients; the first K to report are aggregated'),
  selection: z.enum(SELECTOR_NAMES).default('random'),
  candidates: clients()
    .optional()
    .describe('power-of-choice: candidates sampled per round (default 2 x selected)'),
  deadline: quantity(
    'duration',
    positiveDuration,
    'A round closes this long after it starts',
  ).optional(),
  local: localTraining,
  server: z
    .strictObject({
      rtt: quantity(
        'duration',
        { min: 0, max: MAX_DURATION_S },
        "Round-trip time beyond each client's cell",
      ).default(0),
    })
    .default({ rtt: 0 }),
  retryAfter: quantity(
    'duration',
    positiveDuration,
    'Wait before trying again when no client is online',
  ).default(60),
  evaluateEvery: z
    .number()
    .int()
    .min(1)
    .max(MAX_ROUNDS)
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
    .max(MAX_TRAINING_WORKERS) // each thread holds its own TF.js runtime and data
    .default(1)
    .describe('Worker threads training clients (real tier); results do not depend on it'),
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('wasm'),
  attack: attackSpec.optional(),
  privacy: privacySpec.optional(),
  // false: off, as a sweep writes it beside a setting (`[false, { threshold: 3 }]`).
  secureAggregation: z
    .union([z.literal(false), secureAggregationSpec])
    .optional()
    .transform((spec) => (spec === false ? undefined : spec)),
  samplesPerClient: z
    .number()
    .int()
    .min(1)
    .max(MAX_SAMPLES_PER_CLIENT)
    .optional()
    .describe(
      'Cost-only tier: samples each client trains on (default: the partition of the dataset)',
    ),
});

export type FederatedSection = z.output<typeof federatedSection>;
