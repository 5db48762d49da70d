import { getFlatWeights } from '../../ml/models/weights.js';
import { formatClock, NO_PROGRESS, type ProgressReporter } from '../../progress.js';
import type { RunResult } from '../../vocabulary/run-result.js';
import { simulateAsync } from './async/run.js';
import { PrivacyLedger, privacyPlan } from './privacy/budget.js';
import { privacyPopulation, type ResolvedFederated } from './resolve.js';
import { inRound, trainRound } from './round-training.js';
import { RoundRunner } from './rounds.js';
import { secureAggregation } from './secure-aggregation.js';
import { createSelector } from './selectors/registry.js';
import { federatedTables, type RoundResult } from './tables.js';
import type { ClientTrainer } from './trainer.js';
import { startTrainer } from './trainer.js';
import { prepareTraining, type TrainingContext, trainingSetup } from './training.js';
import { nearChanceWarning, STDERR_WARNING, type WarningSink } from './warnings.js';
import { federatedWorld } from './world.js';

/**
 * Runs a federated scenario: rounds in simulated time on the fleet (see
 * `rounds.ts`), and on the real tier, real local training of the clients
 * whose updates arrived, aggregated by the strategy in client-id order and
 * evaluated on the held-out split. The cost-only tier simulates the same
 * rounds without training. A round whose training loss or model becomes NaN
 * ends the run as failed, recorded with its round. `progress` hears of each
 * round's end and changes nothing. A final global model whose held-out
 * accuracy stays near chance is reported to `warn` (and in summary.csv).
 */
export async function runFederated(
  resolved: ResolvedFederated,
  seed: number,
  progress: ProgressReporter = NO_PROGRESS,
  warn: WarningSink = STDERR_WARNING,
): Promise<RunResult> {
  const section = resolved.scenario.federated;
  const real = section.tier === 'real';
  const setup = trainingSetup(resolved, seed);
  let trainer: ClientTrainer | undefined;
  let context: TrainingContext;
  if (real) ({ trainer, context } = await startTrainer(setup, section.workers));
  else context = await prepareTraining(setup);
  try {
    return await simulate(resolved, seed, context, trainer, progress, warn);
  } finally {
    await trainer?.close();
  }
}

async function simulate(
  resolved: ResolvedFederated,
  seed: number,
  context: TrainingContext,
  trainer: ClientTrainer | undefined,
  progress: ProgressReporter,
  warn: WarningSink,
): Promise<RunResult> {
  const section = resolved.scenario.federated;
  const world = federatedWorld(resolved, seed, context, trainer !== undefined);
  if (section.mode !== undefined && section.mode !== 'sync')
    return simulateAsync({ resolved, seed, world, context, trainer, progress, warn });
  const { sim, streams, fleet, cells, cellOf, indices, samples, strategy, cost } = world;
  const n = resolved.clientCount;
  const lastLoss = new Float64Array(n).fill(Number.NaN);
  const goal = section.clientsPerRound;
  const selector = createSelector(section.selection, {
    streams,
    lastLoss,
    samples,
    expectedS: (c) => {
      const cell = cells[cellOf[c]!]!;
      return (
        (cost.bytesDown * 8) / cell.downlink.capacity +
        world.trips.trainFlops(c) * world.trips.secondsPerFlop(c) +
        (cost.bytesUp * 8) / cell.uplink.capacity
      );
    },
    deadlineS: section.deadline,
    candidates: section.candidates,
    clientsPerRound: section.clientsPerRound,
  });
  const secure =
    section.secureAggregation === undefined
      ? undefined
      : secureAggregation(section.secureAggregation, section);
  const runner = new RoundRunner({
    ...world.trips,
    eligible: (c) => fleet.isOnline(c) && samples[c]! > 0,
    selector,
    // Poisson sampling takes whoever it draws and waits for all of them.
    goal: section.selection === 'poisson' ? Number.POSITIVE_INFINITY : goal,
    selectCount: Math.ceil(goal * section.overCommit),
    deadlineS: section.deadline,
    ...(secure === undefined
      ? {}
      : { secureAggregation: { settings: secure, seed, parameters: world.params } }),
  });

  let global = getFlatWeights(context.handle.model);
  const results: RoundResult[] = [];
  let failure: string | null = null;
  const roundDone = (round: number) =>
    progress.update(round / rounds, `round ${round}/${rounds}, simulated ${formatClock(sim.now)}`);
  const privacy = privacyPlan(
    strategy,
    section.privacy,
    privacyPopulation(section, resolved.clientCount),
  ).plan;
  const ledger = privacy !== null && trainer !== undefined ? new PrivacyLedger(privacy) : null;
  const rounds = privacy?.rounds ?? section.rounds;
  if (rounds < section.rounds)
    warn(
      `privacy: ${rounds} of ${section.rounds} rounds stay within targetEpsilon; stopping there`,
    );
  for (let round = 1; round <= rounds && failure === null; round++) {
    if (round > 1) roundDone(round - 1);
    const timing = runner.run(round);
    const result: RoundResult = {
      timing,
      status: 'aggregated',
      accuracy: null,
      loss: null,
      confusion: null,
      trainLoss: null,
      clientLoss: new Map(),
      clientDrift: new Map(),
    };
    results.push(result);
    if (timing.clients.length === 0) {
      result.status = 'no-clients';
      if (ledger !== null) result.epsilon = ledger.afterRound(round); // nothing released: unchanged
      sim.run({ untilS: sim.now + section.retryAfter });
      continue;
    }
    if (timing.secagg?.failedAt != null) result.status = 'secagg-failed';
    if (trainer === undefined) continue;
    const outcome = await trainRound({
      round,
      timing,
      global,
      strategy,
      trainer,
      indices,
      seed,
      local: section.local,
      attackers: world.attackers,
      ...(secure === undefined ? {} : { secure: { settings: secure, streams: world.streams } }),
    });
    result.clientLoss = outcome.losses;
    result.clientDrift = outcome.drift;
    if (outcome.failure !== undefined) {
      failure = outcome.failure;
      result.status = 'failed';
      break;
    }
    if (outcome.aggregate.kind === 'aggregated') global = outcome.aggregate.weights;
    else if (result.status === 'aggregated') result.status = 'skipped';
    if (ledger !== null) result.epsilon = ledger.afterRound(round);
    result.trainLoss =
      outcome.aggregate.kind === 'aggregated' ? (outcome.aggregate.loss ?? null) : null;
    for (const [c, loss] of outcome.losses) lastLoss[c] = loss;
    if (round % section.evaluateEvery === 0 || round === rounds) {
      const score = await inRound(round, trainer.evaluate(global));
      result.accuracy = score.accuracy;
      result.loss = score.loss;
      result.confusion = score.confusion;
      if (!Number.isFinite(score.loss)) {
        failure = `the global model's loss became ${score.loss} in round ${round}`;
        result.status = 'failed';
      }
    }
  }
  roundDone(results.length);
  fleet.finish();
  const evaluated = results.filter((r) => r.accuracy !== null);
  const finalAccuracy = evaluated[evaluated.length - 1]?.accuracy ?? null;
  const warning =
    failure === null && finalAccuracy !== null
      ? nearChanceWarning(finalAccuracy, context.split.test.numClasses, results.length)
      : null;
  if (warning !== null) warn(warning);
  const tables = federatedTables(
    resolved,
    fleet,
    results,
    failure,
    { modelBytes: world.modelBytes, flopsPerSample: world.flopsPerSample },
    warning,
    privacy === null ? null : { delta: privacy.delta },
  );
  // The report (accuracy against time, energy, bytes) is report.ts's, drawn by report/.
  return { tables, backend: context.backend };
}

export { localTrainingFlops } from './world.js';
