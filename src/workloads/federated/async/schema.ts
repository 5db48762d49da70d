import { z } from 'zod';
import { MAX_DEVICES, MAX_DURATION_S, MAX_ROUNDS } from '../../../scenario/limits.js';
import { quantity } from '../../../scenario/units.js';
import { stalenessSpec } from './staleness.js';

/** How the server takes updates: rounds, FedAsync's mixing, or FedBuff's buffer. */
export const federatedMode = z
  .enum(['sync', 'async', 'buffered'])
  .optional()
  .describe(
    'sync (the default): rounds; async: FedAsync, each update mixed in as it arrives; buffered: FedBuff, every K arrivals through the server optimiser',
  );

export type FederatedMode = NonNullable<z.output<typeof federatedMode>>;

/** Server updates at most (each one FedAsync arrival, or one FedBuff buffer). */
export const MAX_SERVER_UPDATES = 100 * MAX_ROUNDS;

/**
 * The `federated.async` block: the asynchronous modes' settings (ignored in
 * sync mode, so a sweep over `mode` can keep it). Both `mode` and this block
 * are optional without defaults, so a sync scenario validates (and hashes)
 * as it did before they existed. Defaults follow the sync
 * settings so that the three modes do comparable work: `concurrency` and
 * `bufferSize` default to clientsPerRound, `updates` to as many client
 * updates as the rounds aggregate (rounds x clientsPerRound / K, K = 1 for
 * FedAsync).
 */
export const asyncSpec = z
  .strictObject({
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(MAX_DEVICES)
      .optional()
      .describe('Clients training at once, between 1 and the clients (default clientsPerRound)'),
    updates: z
      .number()
      .int()
      .min(1)
      .max(MAX_SERVER_UPDATES)
      .optional()
      .describe(
        'Server updates to run (default: rounds x clientsPerRound / K, as many client updates as the sync rounds)',
      ),
    alpha: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe('async: mixing weight alpha in (0, 1]; a_t = alpha x s(staleness)'),
    staleness: stalenessSpec
      .optional()
      .describe('s(staleness): default constant (async), polynomial a = 0.5 (buffered)'),
    bufferSize: z
      .number()
      .int()
      .min(1)
      .max(MAX_DEVICES)
      .optional()
      .describe(
        'buffered: arrivals K per server update, at most the clients (default clientsPerRound)',
      ),
    maxStaleness: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Updates older than this many versions are dropped (default: none are)'),
    evaluateEvery: z
      .number()
      .int()
      .min(1)
      .max(MAX_SERVER_UPDATES)
      .optional()
      .describe('Server updates between evaluations (default: a round’s worth)'),
    evaluateEveryS: quantity(
      'duration',
      { min: 0, exclusiveMin: true, max: MAX_DURATION_S },
      'Also evaluate at the first server update past each multiple of this simulated time',
    ).optional(),
  })
  .describe('Asynchronous modes (FedAsync, FedBuff)');

export type AsyncSpec = z.output<typeof asyncSpec>;
