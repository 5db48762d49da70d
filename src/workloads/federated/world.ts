import { radioModels } from '../../energy/radio.js';
import { RandomStreams } from '../../engine/random.js';
import { Simulation } from '../../engine/simulation.js';
import { InputError } from '../../errors.js';
import { Fleet } from '../../fleet/fleet.js';
import { resolvePrecision } from '../../fleet/roofline.js';
import { costCardFromModel } from '../../ml/cost/from-model.js';
import { buildCells } from '../../network/cells.js';
import { Transfers } from '../../network/transfer.js';
import { type Attackers, chooseAttackers } from './attacks/index.js';
import { partition } from './partitioners/registry.js';
import type { ResolvedFederated } from './resolve.js';
import type { FederatedSection } from './schema.js';
import { ADVERTISE_BYTES } from './secagg/wire.js';
import { BYTES_PER_PARAMETER, type ClientCost, type Strategy } from './strategies/strategy.js';
import type { TrainingContext } from './training.js';
import type { TripOptions } from './trips.js';

/**
 * What every federated mode runs on: the simulation, its seeded streams, the
 * fleet and its cells, each client's samples, the model's cost card, a fresh
 * strategy, and the trip options (bytes each way, training time) that
 * rounds.ts and async/timeline.ts share.
 */
export interface FederatedWorld {
  readonly sim: Simulation;
  readonly streams: RandomStreams;
  readonly fleet: Fleet;
  readonly cells: TripOptions['cells'];
  readonly cellOf: Uint32Array;
  /** Each client's training samples (real tier, or cost-only without samplesPerClient). */
  readonly indices: readonly (Int32Array | undefined)[];
  /** Each client's sample count. */
  readonly samples: Float64Array;
  readonly params: number;
  readonly flopsPerSample: number;
  readonly modelBytes: number;
  readonly strategy: Strategy;
  readonly cost: ClientCost;
  readonly trips: TripOptions;
  /** The malicious clients of `federated.attack` (none without one). */
  readonly attackers: Attackers | undefined;
}

/** Builds the world of one run; `real` when clients train for real. */
export function federatedWorld(
  resolved: ResolvedFederated,
  seed: number,
  context: TrainingContext,
  real: boolean,
): FederatedWorld {
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
  const indices = clientSamples(resolved, train.labels, train.numClasses, streams, real);
  const perClient = real ? undefined : section.samplesPerClient;
  const samples = Float64Array.from({ length: n }, (_, c) => perClient ?? indices[c]?.length ?? 0);
  const card = costCardFromModel(context.handle.model, 'federated');
  const strategy = resolved.strategy(streams);
  const cost = strategy.clientCost(card.params);
  const trainFlops = (c: number) =>
    localTrainingFlops(card.flops, samples[c]!, section.local, cost);
  const rates = resolved.groups.map((g) => {
    const precision = resolvePrecision(g.profile, 'fp32');
    return precision.ok ? g.profile.throughput[precision.precision]!.achievableFlops : 0;
  });
  const secondsPerFlop = (c: number) =>
    1 / (rates[fleet.groupOf[c]!]! * fleet.throughputFactor[c]!);
  return {
    sim,
    streams,
    fleet,
    cells,
    cellOf,
    indices,
    samples,
    params: card.params,
    flopsPerSample: card.flops,
    modelBytes: card.params * BYTES_PER_PARAMETER,
    strategy,
    cost,
    trips: {
      sim,
      fleet,
      cells,
      cellOf,
      transfers: new Transfers(sim, fleet, cells, cellOf),
      serverRttS: section.server.rtt,
      bytesDown: cost.bytesDown,
      // With secure aggregation a training trip ends with the client's public keys; its masked
      // update moves in the protocol's own message rounds (secagg-phases.ts).
      bytesUp: section.secureAggregation === undefined ? cost.bytesUp : ADVERTISE_BYTES,
      trainFlops,
      secondsPerFlop,
    },
    attackers: chooseAttackers(section.attack, resolved.clientCount, streams, resolved.groups),
  };
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
