import { getFlatWeights } from '../../../ml/models/weights.js';
import { formatClock, type ProgressReporter } from '../../../progress.js';
import type { RunResult } from '../../../vocabulary/run-result.js';
import type { ResolvedFederated } from '../resolve.js';
import type { ClientTrainer } from '../trainer.js';
import type { TrainingContext } from '../training.js';
import { nearChanceWarning, type WarningSink } from '../warnings.js';
import type { FederatedWorld } from '../world.js';
import { type Replay, replay, type UpdateResult } from './replay.js';
import { type AsyncServer, FedAsyncServer, FedBuffServer } from './server.js';
import { type AsyncSettings, asyncSettings } from './settings.js';
import { asyncTables } from './tables.js';
import { runTimeline } from './timeline.js';

/** What an asynchronous run needs (run.ts builds it). */
export interface AsyncRunInput {
  readonly resolved: ResolvedFederated;
  readonly seed: number;
  readonly world: FederatedWorld;
  readonly context: TrainingContext;
  readonly trainer: ClientTrainer | undefined;
  readonly progress: ProgressReporter;
  readonly warn: WarningSink;
}

/**
 * Runs FedAsync or FedBuff: the timeline in simulated time (timeline.ts),
 * then on the real tier its replay with real training (replay.ts); the
 * cost-only tier stops after the timeline.
 */
export async function simulateAsync(input: AsyncRunInput): Promise<RunResult> {
  const { resolved, world, trainer, progress, context } = input;
  const section = resolved.scenario.federated;
  const settings = asyncSettings(section.mode as 'async' | 'buffered', section.async, section);
  const { fleet, samples } = world;
  const step = Math.max(1, Math.floor(settings.updates / 100));
  const report = (version: number, phase: string) => {
    if (version % step === 0 || version === settings.updates)
      progress.update(
        version / settings.updates,
        `${phase} ${version}/${settings.updates}, simulated ${formatClock(world.sim.now)}`,
      );
  };
  const timeline = runTimeline({
    ...world.trips,
    hasData: (c) => samples[c]! > 0,
    concurrency: settings.concurrency,
    bufferSize: settings.bufferSize,
    maxStaleness: settings.maxStaleness,
    updates: settings.updates,
    evaluateEvery: settings.evaluateEvery,
    evaluateEveryS: settings.evaluateEveryS,
    pick: world.streams.stream('async-dispatch'),
    onUpdate: trainer === undefined ? (u) => report(u.version, 'server update') : undefined,
  });
  fleet.finish();
  let trained: Replay | undefined;
  if (trainer !== undefined)
    trained = await replay({
      timeline,
      server: createServer(settings, getFlatWeights(context.handle.model), world),
      strategy: world.strategy,
      trainer,
      indices: world.indices,
      seed: input.seed,
      local: section.local,
      attackers: world.attackers,
      done: (version) => report(version, 'trained update'),
    });
  const results: UpdateResult[] =
    trained?.results ??
    timeline.updates.map((update) => ({
      update,
      status: 'aggregated',
      accuracy: null,
      loss: null,
      confusion: null,
      trainLoss: null,
    }));
  const failure = trained?.failure ?? null;
  const evaluated = results.filter((r) => r.accuracy !== null);
  const finalAccuracy = evaluated[evaluated.length - 1]?.accuracy ?? null;
  const warning =
    failure === null && finalAccuracy !== null
      ? nearChanceWarning(finalAccuracy, context.split.test.numClasses, results.length)
      : null;
  if (warning !== null) input.warn(warning);
  const tables = asyncTables({
    resolved,
    fleet,
    settings,
    timeline,
    results,
    clients: trained?.clients,
    failure,
    model: { modelBytes: world.modelBytes, flopsPerSample: world.flopsPerSample },
    warning,
  });
  return { tables, backend: context.backend };
}

function createServer(
  settings: AsyncSettings,
  initial: Float32Array,
  world: FederatedWorld,
): AsyncServer {
  return settings.mode === 'async'
    ? new FedAsyncServer(initial, settings.alpha, settings.staleness)
    : new FedBuffServer(initial, world.strategy, settings.staleness);
}
