import { radioModels } from '../../energy/radio.js';
import { RandomStreams } from '../../engine/random.js';
import { Simulation } from '../../engine/simulation.js';
import { InputError } from '../../errors.js';
import { Fleet } from '../../fleet/fleet.js';
import { resolvePrecision } from '../../fleet/roofline.js';
import { costCardFromModel } from '../../ml/cost/from-model.js';
import { getFlatWeights } from '../../ml/models/weights.js';
import { buildCells } from '../../network/cells.js';
import { Transfers } from '../../network/transfer.js';
import { formatClock, NO_PROGRESS, type ProgressReporter } from '../../progress.js';
import type { RunResult } from '../../vocabulary/run-result.js';
import { chooseAttackers } from './attacks/index.js';
import { partition } from './partitioners/registry.js';
import type { ResolvedFederated } from './resolve.js';
import { inRound, trainRound } from './round-training.js';
import { RoundRunner } from './rounds.js';
import type { FederatedSection } from './schema.js';
import { createSelector } from './selectors/registry.js';
import { BYTES_PER_PARAMETER, type ClientCost } from './strategies/strategy.js';
import { federatedTables, type RoundResult } from './tables.js';
import type { ClientTrainer } from './trainer.js';
import { startTrainer } from './trainer.js';
import { prepareTraining, type TrainingContext, trainingSetup } from './training.js';
import { nearChanceWarning, STDERR_WARNING, type WarningSink } from './warnings.js';

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
  const { scenario } = resolved;
  const section = scenario.federated;
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const fleet = new Fleet(sim, streams, resolved.groups, {
    baseDir: resolved.baseDir,
    radio: radioModels(scenario.radio),
  });
  const { cells, cellOf } = buildCells(sim, scenario, resolved.baseDir);
  const n = resolved.clientCount;
  const train = context.split.train;
  const indices = clientSamples(
    resolved,
    train.labels,
    train.numClasses,
    streams,
    trainer !== undefined,
  );
  const perClient = trainer === undefined ? section.samplesPerClient : undefined;
  const samples = Float64Array.from({ length: n }, (_, c) => perClient ?? indices[c]?.length ?? 0);
  const card = costCardFromModel(context.handle.model, 'federated');
  const modelBytes = card.params * BYTES_PER_PARAMETER;
  const strategy = resolved.strategy();
  const cost = strategy.clientCost(card.params);
  const trainFlops = (c: number) =>
    localTrainingFlops(card.flops, samples[c]!, section.local, cost);
  const rates = resolved.groups.map((g) => {
    const precision = resolvePrecision(g.profile, 'fp32');
    return precision.ok ? g.profile.throughput[precision.precision]!.achievableFlops : 0;
  });
  const secondsPerFlop = (c: number) =>
    1 / (rates[fleet.groupOf[c]!]! * fleet.throughputFactor[c]!);
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
        trainFlops(c) * secondsPerFlop(c) +
        (cost.bytesUp * 8) / cell.uplink.capacity
      );
    },
    deadlineS: section.deadline,
    candidates: section.candidates,
  });
  const runner = new RoundRunner({
    sim,
    fleet,
    cells,
    cellOf,
    transfers: new Transfers(sim, fleet, cells, cellOf),
    serverRttS: section.server.rtt,
    bytesDown: cost.bytesDown,
    bytesUp: cost.bytesUp,
    trainFlops,
    secondsPerFlop,
    eligible: (c) => fleet.isOnline(c) && samples[c]! > 0,
    selector,
    goal,
    selectCount: Math.ceil(goal * section.overCommit),
    deadlineS: section.deadline,
  });

  const attackers = chooseAttackers(section.attack, n, streams);
  let global = getFlatWeights(context.handle.model);
  const results: RoundResult[] = [];
  let failure: string | null = null;
  const roundDone = (round: number) =>
    progress.update(
      round / section.rounds,
      `round ${round}/${section.rounds}, simulated ${formatClock(sim.now)}`,
    );
  for (let round = 1; round <= section.rounds && failure === null; round++) {
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
      sim.run({ untilS: sim.now + section.retryAfter });
      continue;
    }
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
      attackers,
    });
    result.clientLoss = outcome.losses;
    result.clientDrift = outcome.drift;
    if (outcome.failure !== undefined) {
      failure = outcome.failure;
      result.status = 'failed';
      break;
    }
    if (outcome.aggregate.kind === 'skipped') result.status = 'skipped';
    else global = outcome.aggregate.weights;
    result.trainLoss =
      outcome.aggregate.kind === 'aggregated' ? (outcome.aggregate.loss ?? null) : null;
    for (const [c, loss] of outcome.losses) lastLoss[c] = loss;
    if (round % section.evaluateEvery === 0 || round === section.rounds) {
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
    { modelBytes, flopsPerSample: card.flops },
    warning,
  );
  // The report (accuracy against time, energy, bytes) is report.ts's, drawn by report/.
  return { tables, backend: context.backend };
}

/** Each client's training samples: the partition of the training split (both tiers, unless cost-only gives samplesPerClient). */
function clientSamples(
  resolved: ResolvedFederated,
  labels: Int32Array,
  numClasses: number,
  streams: RandomStreams,
  real: boolean,
): (Int32Array | undefined)[] {
  const section = resolved.scenario.federated;
  const n = resolved.clientCount;
  if (!real && section.samplesPerClient !== undefined) return new Array(n);
  if (n > labels.length)
    throw new InputError(resolved.file, [
      {
        path:
          section.samplesPerClient === undefined && !real ? 'federated.samplesPerClient' : 'fleet',
        message: `${n} clients cannot share ${labels.length} training samples${real ? '' : '; give samplesPerClient for the cost-only tier'}`,
      },
    ]);
  return partition(section.partition, labels, n, numClasses, streams.stream('partition'));
}

/**
 * FLOPs of one client's local training in a round: forward and backward
 * passes over its samples each epoch (the backward taken as twice the
 * forward), plus what the strategy adds to each of its optimizer steps
 * (FedProx's proximal gradient, SCAFFOLD's correction), with
 * ceil(samples / batchSize) steps per epoch.
 */
export function localTrainingFlops(
  flopsPerSample: number,
  samples: number,
  local: Pick<FederatedSection['local'], 'epochs' | 'batchSize'>,
  cost: Pick<ClientCost, 'flopsPerStep'>,
): number {
  const steps = local.epochs * Math.ceil(samples / local.batchSize);
  return 3 * flopsPerSample * samples * local.epochs + steps * cost.flopsPerStep;
}
