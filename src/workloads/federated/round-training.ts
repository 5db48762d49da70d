import { createHash } from 'node:crypto';
import type { RandomStreams } from '../../engine/random.js';
import { RunFailedError } from '../../errors.js';
import { type Attackers, attackTraining, attackUpdates } from './attacks/index.js';
import type { RoundTiming } from './rounds.js';
import type { FederatedSection } from './schema.js';
import type { SecureAggregation } from './secure-aggregation.js';
import { secureSum } from './secure-sum.js';
import type { ClientContext } from './strategies/client-hook.js';
import type { AggregateResult, ClientUpdate, FitConfig, Strategy } from './strategies/strategy.js';
import type { ClientTrainer } from './trainer.js';
import type { ClientResult, ClientTask } from './training.js';

/**
 * The real tier's part of a round: the clients whose updates arrived train
 * (their strategy's client hook around each), attackers among them change
 * their updates (attacks/), and the strategy aggregates the updates in
 * client-id order.
 */

/** What the training of one round needs. */
export interface RoundInput {
  /** The round, from 1. */
  readonly round: number;
  /** The round in simulated time: who arrived, who failed. */
  readonly timing: RoundTiming;
  /** The global model at the round's start; not modified. */
  readonly global: Float32Array;
  readonly strategy: Strategy;
  readonly trainer: ClientTrainer;
  /** Each client's samples (indices into the training split). */
  readonly indices: readonly (Int32Array | undefined)[];
  /** The run's seed (each client's training seed derives from it: {@link clientSeed}). */
  readonly seed: number;
  readonly local: FederatedSection['local'];
  /** Which clients are malicious and their attack (see attacks/); none when absent. */
  readonly attackers?: Attackers | undefined;
  /** Secure aggregation's settings and the run's streams, when the scenario asks for it. */
  readonly secure?: { readonly settings: SecureAggregation; readonly streams: RandomStreams };
}

/** What a round's training gave: the strategy's result, each client's loss and drift, or why it failed. */
export interface RoundTraining {
  aggregate: AggregateResult;
  losses: Map<number, number>;
  /** ‖w_k − w_global‖ per client. */
  drift: Map<number, number>;
  /** Set when a client's loss or the aggregated model became NaN: the run ends failed. */
  failure?: string;
}

/**
 * Trains the round's arrived clients and aggregates them: for each client in
 * id order, the hook's `prepare` makes its training options; the trainer
 * trains them all (an attacker's job flips its labels under `label-flip`);
 * the hook's `finish` turns each result into its update; attackers' updates
 * are replaced per their attack; with secure aggregation the protocol sums
 * them (secure-sum.ts); `aggregateFit` gets the updates and the round's
 * failed clients. A thread
 * that fails rejects with a RunFailedError naming the round.
 */
export async function trainRound(input: RoundInput): Promise<RoundTraining> {
  const { round, timing, global, strategy, trainer } = input;
  const config = strategy.configureFit(round, global);
  const hook = strategy.clientHook;
  const clients = [...timing.arrived].sort((a, b) => a - b);
  const { contexts, tasks } = clientJobs(input, round, global, config, clients);
  const trained = await inRound(round, trainer.train(global, tasks));
  const losses = new Map(trained.map((r) => [r.client, r.loss]));
  const drift = new Map(trained.map((r) => [r.client, r.updateNorm]));
  const diverged = trained.find((r) => r.diverged || !Number.isFinite(r.loss));
  if (diverged)
    return {
      aggregate: { kind: 'skipped', reason: 'diverged' },
      losses,
      drift,
      failure: `client ${diverged.client}'s training loss became NaN in round ${round}`,
    };
  const finished = trained.map((r, i) =>
    hook.finish(contexts[i]!, { update: plainUpdate(r), steps: r.steps }),
  );
  let updates = attackUpdates(input.attackers, global, finished, round);
  const failures = timing.clients
    .filter((r) => r.outcome !== 'aggregated')
    .map((r) => ({ clientId: r.client, reason: r.outcome }));
  if (input.secure !== undefined && timing.secagg !== undefined && updates.length > 0) {
    const sum = secureSum({
      round,
      seed: input.seed,
      ...input.secure,
      timing: timing.secagg,
      global,
      updates,
    });
    if (!sum.ok) return { aggregate: { kind: 'skipped', reason: sum.reason }, losses, drift };
    updates = [sum.update];
  }
  const aggregate = strategy.aggregateFit(round, global, updates, failures);
  if (aggregate.kind === 'aggregated' && aggregate.weights.some((w) => !Number.isFinite(w)))
    return {
      aggregate,
      losses,
      drift,
      failure: `the aggregated model became NaN in round ${round}`,
    };
  return { aggregate, losses, drift };
}

/** What clientJobs needs of a round's input (sync rounds and the asynchronous replay share it). */
export type JobInput = Pick<RoundInput, 'strategy' | 'indices' | 'seed' | 'local' | 'attackers'>;

/**
 * Each client's context for its strategy hook and its training job: its
 * samples, the seed of (round, client), the hook's options and, for a
 * label-flipping attacker, its flipped labels.
 */
export function clientJobs(
  input: JobInput,
  round: number,
  global: Float32Array,
  config: FitConfig,
  clients: readonly number[],
): { contexts: ClientContext[]; tasks: ClientTask[] } {
  const hook = input.strategy.clientHook;
  const contexts: ClientContext[] = clients.map((clientId) => ({
    round,
    clientId,
    global,
    config,
    indices: input.indices[clientId]!,
    seed: clientSeed(input.seed, round, clientId),
    local: input.local,
  }));
  const tasks: ClientTask[] = contexts.map((context) => ({
    client: context.clientId,
    indices: context.indices,
    local: context.local,
    seed: context.seed,
    ...hook.prepare(context),
    ...attackTraining(input.attackers, context.clientId),
  }));
  return { contexts, tasks };
}

/** The update plain training gives: the trained model, its examples and loss. */
function plainUpdate(result: ClientResult): ClientUpdate {
  return {
    clientId: result.client,
    numExamples: result.numExamples,
    weights: result.weights,
    loss: result.loss,
  };
}

/** The trainer's work for a round; a failed thread fails the run, naming the round. */
export async function inRound<T>(round: number, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof RunFailedError)) throw error;
    throw new RunFailedError(`round ${round}: ${error.message}`, { cause: error });
  }
}

/** The seed of a client's local training in a round: the first 4 bytes of SHA-256 of (seed, round, client). */
export function clientSeed(seed: number, round: number, client: number): number {
  return createHash('sha256')
    .update(`edgesim/federated/${seed}/${round}/${client}`)
    .digest()
    .readUInt32BE(0);
}
