import { createHash } from 'node:crypto';
import { RandomStreams } from '../../engine/random.js';
import { Simulation } from '../../engine/simulation.js';
import { InputError, RunFailedError } from '../../errors.js';
import { Fleet } from '../../fleet/fleet.js';
import { resolvePrecision } from '../../fleet/roofline.js';
import { costCardFromModel } from '../../ml/cost/from-model.js';
import { getFlatWeights } from '../../ml/models/weights.js';
import { buildCells } from '../../network/cells.js';
import { Transfers } from '../../network/transfer.js';
import { formatClock, NO_PROGRESS, type ProgressReporter } from '../../progress.js';
import type { RunResult } from '../../vocabulary/run-result.js';
import { scaffoldClientControl } from './kernels/scaffold.js';
import { subtract } from './kernels/vector.js';
import { partition } from './partitioners/partition.js';
import { federatedReport } from './report.js';
import type { ResolvedFederated } from './resolve.js';
import { RoundRunner, type RoundTiming, type Selector } from './rounds.js';
import { oortSelector, powerOfChoiceSelector, randomSelector } from './selection.js';
import type { ClientUpdate, Strategy } from './strategies/strategy.js';
import { federatedTables, type RoundResult } from './tables.js';
import type { ClientTrainer } from './trainer.js';
import { startTrainer } from './trainer.js';
import { prepareTraining, type TrainingContext, trainingSetup } from './training.js';

/**
 * Runs a federated scenario: rounds in simulated time on the fleet (see
 * `rounds.ts`), and on the real tier, real local training of the clients
 * whose updates arrived, aggregated by the strategy in client-id order and
 * evaluated on the held-out split. The cost-only tier simulates the same
 * rounds without training. A round whose training loss or model becomes NaN
 * ends the run as failed, recorded with its round. `progress` hears of each
 * round's end and changes nothing.
 */
export async function runFederated(
  resolved: ResolvedFederated,
  seed: number,
  progress: ProgressReporter = NO_PROGRESS,
): Promise<RunResult> {
  const section = resolved.scenario.federated;
  const real = section.tier === 'real';
  const setup = trainingSetup(resolved, seed);
  let trainer: ClientTrainer | undefined;
  let context: TrainingContext;
  if (real) ({ trainer, context } = await startTrainer(setup, section.workers));
  else context = await prepareTraining(setup);
  try {
    return await simulate(resolved, seed, context, trainer, progress);
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
): Promise<RunResult> {
  const { scenario } = resolved;
  const section = scenario.federated;
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const fleet = new Fleet(sim, streams, resolved.groups, { baseDir: resolved.baseDir });
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
  const modelBytes = card.params * 4;
  // Local training: forward and backward passes, the backward taken as twice the forward.
  const trainFlops = (c: number) => 3 * card.flops * samples[c]! * section.local.epochs;
  const rates = resolved.groups.map((g) => {
    const precision = resolvePrecision(g.profile, 'fp32');
    return precision.ok ? g.profile.throughput[precision.precision]!.achievableFlops : 0;
  });
  const secondsPerFlop = (c: number) =>
    1 / (rates[fleet.groupOf[c]!]! * fleet.throughputFactor[c]!);
  const lastLoss = new Float64Array(n).fill(Number.NaN);
  const goal = section.clientsPerRound;
  const selector: Selector =
    section.selection === 'random'
      ? randomSelector(streams)
      : section.selection === 'power-of-choice'
        ? powerOfChoiceSelector(streams, lastLoss, section.candidates)
        : oortSelector(
            streams,
            lastLoss,
            samples,
            (c) => {
              const cell = cells[cellOf[c]!]!;
              const bits = modelBytes * 8;
              return (
                bits / cell.downlink.capacity +
                trainFlops(c) * secondsPerFlop(c) +
                bits / cell.uplink.capacity
              );
            },
            section.deadline,
          );
  const runner = new RoundRunner({
    sim,
    fleet,
    cells,
    cellOf,
    transfers: new Transfers(sim, fleet, cells, cellOf),
    serverRttS: section.server.rtt,
    modelBytes,
    trainFlops,
    secondsPerFlop,
    eligible: (c) => fleet.isOnline(c) && samples[c]! > 0,
    selector,
    goal,
    selectCount: Math.ceil(goal * section.overCommit),
    deadlineS: section.deadline,
  });

  const strategy = resolved.strategy();
  let global = getFlatWeights(context.handle.model);
  const controls = new Map<number, Float32Array>();
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
    const outcome = await trainRound(
      round,
      timing,
      global,
      strategy,
      trainer,
      indices,
      controls,
      seed,
      section.local,
    );
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
      if (!Number.isFinite(score.loss)) {
        failure = `the global model's loss became ${score.loss} in round ${round}`;
        result.status = 'failed';
      }
    }
  }
  roundDone(results.length);
  fleet.finish();
  const tables = federatedTables(resolved, fleet, results, failure, {
    modelBytes,
    flopsPerSample: card.flops,
  });
  const files = await federatedReport(scenario.name, tables.rounds!);
  return { tables, files, backend: context.backend };
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

interface RoundTraining {
  aggregate: ReturnType<Strategy['aggregateFit']>;
  losses: Map<number, number>;
  drift: Map<number, number>;
  failure?: string;
}

async function trainRound(
  round: number,
  timing: RoundTiming,
  global: Float32Array,
  strategy: Strategy,
  trainer: ClientTrainer,
  indices: readonly (Int32Array | undefined)[],
  controls: Map<number, Float32Array>,
  seed: number,
  local: ResolvedFederated['scenario']['federated']['local'],
): Promise<RoundTraining> {
  const config = strategy.configureFit(round, global);
  const arrived = [...timing.arrived].sort((a, b) => a - b);
  const c = config.serverControl;
  const controlOf = (client: number) => controls.get(client) ?? new Float32Array(global.length);
  const tasks = arrived.map((client) => ({
    client,
    indices: indices[client]!,
    local,
    seed: clientSeed(seed, round, client),
    proximalMu: config.proximalMu,
    ...(c ? { correction: subtract(c, controlOf(client)) } : {}),
  }));
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
  const updates: ClientUpdate[] = trained.map((r) => {
    if (!c)
      return { clientId: r.client, numExamples: r.numExamples, weights: r.weights, loss: r.loss };
    const before = controlOf(r.client);
    const after = scaffoldClientControl(
      before,
      c,
      global,
      r.weights,
      Math.max(1, r.steps),
      local.learningRate,
    );
    controls.set(r.client, after);
    return {
      clientId: r.client,
      numExamples: r.numExamples,
      weights: r.weights,
      loss: r.loss,
      controlDelta: subtract(after, before),
    };
  });
  const failures = timing.clients
    .filter((r) => r.outcome !== 'aggregated')
    .map((r) => ({ clientId: r.client, reason: r.outcome }));
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

/** The trainer's work for a round; a failed thread fails the run, naming the round. */
async function inRound<T>(round: number, work: Promise<T>): Promise<T> {
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
