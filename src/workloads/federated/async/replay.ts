import { type Attackers, attackTrainedFrom } from '../attacks/index.js';
import { clientJobs, inRound } from '../round-training.js';
import type { FederatedSection } from '../schema.js';
import type { ClientUpdate, Strategy } from '../strategies/strategy.js';
import type { ClientTrainer, Score } from '../trainer.js';
import type { AsyncServer } from './server.js';
import type { AsyncTimeline, Contribution, ServerUpdate } from './timeline.js';

/**
 * The real tier of the asynchronous modes: the timeline's server updates,
 * replayed with real training. A contribution trains from the version its
 * client downloaded, with the seed of round baseVersion + 1 (so FedBuff
 * with no staleness trains as the synchronous rounds do); its update then
 * reaches the server in arrival order. Training is batched: when a server
 * update needs a client not yet trained, every contribution whose version
 * already exists trains then, one trainer call per version. Results depend
 * only on the timeline, never on the batching or the threads.
 */

/** A server update as trained and evaluated. */
export interface UpdateResult {
  readonly update: ServerUpdate;
  status: 'aggregated' | 'skipped' | 'failed';
  accuracy: number | null;
  loss: number | null;
  confusion: Int32Array | null;
  trainLoss: number | null;
}

/** Per participation (dispatch index): its training loss and drift from its base. */
export interface ParticipationTraining {
  readonly loss: Map<number, number>;
  readonly drift: Map<number, number>;
}

export interface ReplayInput {
  readonly timeline: AsyncTimeline;
  readonly server: AsyncServer;
  readonly strategy: Strategy;
  readonly trainer: ClientTrainer;
  readonly indices: readonly (Int32Array | undefined)[];
  readonly seed: number;
  readonly local: FederatedSection['local'];
  /** The malicious clients: their training and updates are attacked (see attacks/). */
  readonly attackers?: Attackers;
  /** Hears each server update's end (progress only). */
  readonly done?: (version: number) => void;
}

export interface Replay {
  readonly results: UpdateResult[];
  readonly clients: ParticipationTraining;
  readonly failure: string | null;
}

export async function replay(input: ReplayInput): Promise<Replay> {
  const { timeline, server, trainer } = input;
  const versions = new Map<number, Float32Array>([[0, server.global]]);
  const users = new Map<number, number>(); // contributions still to reach the server, per base version
  const queue: Contribution[] = [];
  for (const u of timeline.updates)
    for (const c of u.contributions) {
      queue.push(c);
      const base = c.participation.baseVersion;
      users.set(base, (users.get(base) ?? 0) + 1);
    }
  // Trainable in order of base version (then dispatch): a pointer moves as versions appear.
  queue.sort(
    (a, b) =>
      a.participation.baseVersion - b.participation.baseVersion ||
      a.participation.index - b.participation.index,
  );
  let next = 0;
  const trained = new Map<number, ClientUpdate>();
  const clients: ParticipationTraining = { loss: new Map(), drift: new Map() };
  const results: UpdateResult[] = [];
  for (const u of timeline.updates) {
    const current = u.version - 1;
    if (u.contributions.some((c) => !trained.has(c.participation.index))) {
      const batch: Contribution[] = [];
      while (next < queue.length && queue[next]!.participation.baseVersion <= current)
        batch.push(queue[next++]!);
      const failure = await trainBatch(input, u.version, batch, versions, trained, clients);
      if (failure !== undefined) {
        results.push(failed(u));
        return { results, clients, failure };
      }
    }
    // The updates reach the server here, each attacker's attacked against its own base
    // version (ALIE over the benign deltas of the whole buffer).
    const received = attackTrainedFrom(
      input.attackers,
      u.contributions.map((c) => ({
        base: versions.get(c.participation.baseVersion)!,
        update: trained.get(c.participation.index)!,
      })),
      u.version,
    );
    u.contributions.forEach((c, i) => {
      const base = c.participation.baseVersion;
      server.receive({ update: received[i]!, base: versions.get(base)!, staleness: c.staleness });
      trained.delete(c.participation.index);
      const left = users.get(base)! - 1;
      users.set(base, left);
      if (left === 0 && base !== current) versions.delete(base);
    });
    const applied = server.apply(u.version);
    versions.set(u.version, server.global);
    if ((users.get(current) ?? 0) === 0) versions.delete(current);
    const result: UpdateResult = {
      update: u,
      status: applied.aggregated ? 'aggregated' : 'skipped',
      accuracy: null,
      loss: null,
      confusion: null,
      trainLoss: applied.loss ?? null,
    };
    results.push(result);
    if (server.global.some((w) => !Number.isFinite(w))) {
      result.status = 'failed';
      return { results, clients, failure: `the global model became NaN at version ${u.version}` };
    }
    if (u.evaluate) {
      const score: Score = await inRound(u.version, trainer.evaluate(server.global));
      result.accuracy = score.accuracy;
      result.loss = score.loss;
      result.confusion = score.confusion;
      if (!Number.isFinite(score.loss)) {
        result.status = 'failed';
        return {
          results,
          clients,
          failure: `the global model's loss became ${score.loss} at version ${u.version}`,
        };
      }
    }
    input.done?.(u.version);
  }
  return { results, clients, failure: null };
}

/** Trains `batch` (one trainer call per base version); the failure if a client diverged. */
async function trainBatch(
  input: ReplayInput,
  version: number,
  batch: readonly Contribution[],
  versions: ReadonlyMap<number, Float32Array>,
  trained: Map<number, ClientUpdate>,
  clients: ParticipationTraining,
): Promise<string | undefined> {
  const { strategy, trainer } = input;
  const hook = strategy.clientHook;
  let start = 0;
  while (start < batch.length) {
    const base = batch[start]!.participation.baseVersion;
    let end = start;
    while (end < batch.length && batch[end]!.participation.baseVersion === base) end++;
    const group = batch.slice(start, end);
    start = end;
    const global = versions.get(base)!;
    const round = base + 1;
    const config = strategy.configureFit(round, global);
    const { contexts, tasks } = clientJobs(
      input,
      round,
      global,
      config,
      group.map((c) => c.participation.record.client),
    );
    const results = await inRound(version, trainer.train(global, tasks));
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      const index = group[i]!.participation.index;
      clients.loss.set(index, r.loss);
      clients.drift.set(index, r.updateNorm);
      if (r.diverged || !Number.isFinite(r.loss))
        return `client ${r.client}'s training loss became NaN (version ${base})`;
      const update: ClientUpdate = {
        clientId: r.client,
        numExamples: r.numExamples,
        weights: r.weights,
        loss: r.loss,
      };
      trained.set(index, hook.finish(contexts[i]!, { update, steps: r.steps }));
    }
  }
  return undefined;
}

function failed(update: ServerUpdate): UpdateResult {
  return {
    update,
    status: 'failed',
    accuracy: null,
    loss: null,
    confusion: null,
    trainLoss: null,
  };
}
