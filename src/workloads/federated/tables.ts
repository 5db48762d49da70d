import type { Fleet } from '../../fleet/fleet.js';
import { type ClassMetrics, classMetrics } from '../../ml/metrics.js';
import type { Table, TableValue } from '../../results/table.js';
import type { ResolvedFederated } from './resolve.js';
import type { RoundTiming } from './rounds.js';
import { strategyLabel } from './strategies/registry.js';

/** A round as simulated and, on the real tier, as trained and evaluated. */
export interface RoundResult {
  readonly timing: RoundTiming;
  /**
   * `aggregated`, `skipped` (the strategy aggregated nothing), `no-clients`
   * (none online), `secagg-failed` (secure aggregation lost too many
   * clients) or `failed`.
   */
  status: 'aggregated' | 'skipped' | 'no-clients' | 'secagg-failed' | 'failed';
  /** Held-out accuracy and loss of the global model after the round, when evaluated. */
  accuracy: number | null;
  loss: number | null;
  /** Its held-out confusion matrix, `confusion[actual * classes + predicted]`, when evaluated. */
  confusion: Int32Array | null;
  /** Example-weighted mean of the clients' training losses. */
  trainLoss: number | null;
  /** Training loss each aggregated client reported. */
  clientLoss: Map<number, number>;
  /** Each aggregated client's drift: the L2 norm of its weights minus the round's global weights. */
  clientDrift: Map<number, number>;
  /** ε spent at the run's δ after this round, when a DP wrapper ran (real tier). */
  epsilon?: number | null;
}

const mean = (values: number[]) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * - `rounds.csv`: per round, simulated time split into the aggregated
 *   clients' mean download, compute, upload and waiting; clients online,
 *   selected, aggregated, stragglers and dropouts by reason; bytes and energy
 *   of all selected clients; the global model's held-out accuracy and loss;
 *   with a DP wrapper, the ε spent so far (and the summary's final ε and δ);
 *   with secure aggregation, its phases' seconds, dropouts and the phase a
 *   failed round failed in.
 * - `clients.csv`: per selected client per round: outcome, phase times,
 *   energy, bytes, samples, training loss.
 * - `summary.csv`: totals, the final and best accuracy, and the simulated
 *   time, client energy and bytes until the target accuracy was first met,
 *   and `warning`: why the result deserves a look (see warnings.ts), or empty.
 * - `classes.csv`: per evaluated round and class, the global model's
 *   held-out precision, recall, F1 and support (rounds.csv's precision,
 *   recall and f1 are their means over the classes present, as sklearn's
 *   macro averages).
 * - `confusion.csv`: per evaluated round, the held-out confusion matrix in
 *   long form (actual, predicted, count), every cell.
 */
export function federatedTables(
  resolved: ResolvedFederated,
  fleet: Fleet,
  results: readonly RoundResult[],
  failure: string | null,
  model: { modelBytes: number; flopsPerSample: number },
  warning: string | null = null,
  privacy: { delta: number } | null = null,
): Record<string, Table> {
  const section = resolved.scenario.federated;
  const tier = section.tier;
  const secure = section.secureAggregation !== undefined;
  const groupName = (c: number) => resolved.groups[fleet.groupOf[c]!]!.spec.name;
  const rounds: TableValue[][] = [];
  const clients: TableValue[][] = [];
  const classes: TableValue[][] = [];
  const confusion: TableValue[][] = [];
  let timeToTarget: number | null = null;
  let energyToTarget: number | null = null;
  let bytesToTarget: number | null = null;
  let roundsToTarget: number | null = null;
  let energy = 0;
  let bytes = 0;
  for (const r of results) {
    const t = r.timing;
    const aggregated = t.clients.filter((c) => c.outcome === 'aggregated');
    const count = (outcome: string) => t.clients.filter((c) => c.outcome === outcome).length;
    const roundEnergy = sum(t.clients.map((c) => c.energyJ));
    const bytesDown = sum(t.clients.map((c) => c.bytesDown));
    const bytesUp = sum(t.clients.map((c) => c.bytesUp));
    energy += roundEnergy;
    bytes += bytesDown + bytesUp;
    if (
      timeToTarget === null &&
      section.targetAccuracy !== undefined &&
      r.accuracy !== null &&
      r.accuracy >= section.targetAccuracy
    ) {
      timeToTarget = t.endS;
      energyToTarget = energy;
      bytesToTarget = bytes;
      roundsToTarget = t.round;
    }
    const perClass = r.confusion === null ? null : classMetrics(r.confusion);
    const macro = perClass === null ? null : macroAverages(perClass);
    if (perClass !== null && r.confusion !== null) {
      for (const c of perClass)
        classes.push([t.round, c.classIndex, c.precision, c.recall, c.f1, c.support]);
      const k = perClass.length;
      r.confusion.forEach((count, i) => {
        confusion.push([t.round, Math.floor(i / k), i % k, count]);
      });
    }
    rounds.push([
      t.round,
      tier,
      r.status,
      t.startS,
      t.endS,
      t.endS - t.startS,
      mean(aggregated.map((c) => c.downloadS)),
      mean(aggregated.map((c) => c.computeS)),
      mean(aggregated.map((c) => c.uploadS)),
      mean(aggregated.map((c) => c.waitingS)),
      t.online,
      t.clients.length,
      aggregated.length,
      count('straggler'),
      count('offline'),
      count('battery-empty'),
      bytesDown,
      bytesUp,
      roundEnergy,
      r.accuracy,
      macro?.precision ?? null,
      macro?.recall ?? null,
      macro?.f1 ?? null,
      r.loss,
      r.trainLoss,
      ...(privacy === null ? [] : [r.epsilon ?? null]),
      ...(secure ? secaggCells(t) : []),
    ]);
    for (const c of t.clients) {
      clients.push([
        t.round,
        c.client,
        groupName(c.client),
        c.outcome,
        c.downloadS,
        c.computeS,
        c.uploadS,
        c.waitingS,
        c.energyJ,
        c.bytesDown,
        c.bytesUp,
        r.clientLoss.get(c.client) ?? null,
        r.clientDrift.get(c.client) ?? null,
      ]);
    }
  }
  const last = results[results.length - 1];
  const evaluated = results.filter((r) => r.accuracy !== null);
  const all = results.flatMap((r) => r.timing.clients);
  const summary: Record<string, TableValue> = {
    scenario: resolved.scenario.name,
    tier,
    strategy: strategyLabel(section.strategy),
    selection: section.selection,
    partition: section.partition.kind,
    clients: resolved.clientCount,
    clients_per_round: section.clientsPerRound,
    rounds: results.length,
    status: failure === null ? 'ok' : 'failed',
    failure: failure ?? '',
    warning: warning ?? '',
    model_bytes: model.modelBytes,
    model_flops_per_sample: model.flopsPerSample,
    time_s: last?.timing.endS ?? 0,
    client_energy_j: energy,
    bytes_down: sum(all.map((c) => c.bytesDown)),
    bytes_up: sum(all.map((c) => c.bytesUp)),
    participations: all.length,
    aggregated: all.filter((c) => c.outcome === 'aggregated').length,
    stragglers: all.filter((c) => c.outcome === 'straggler').length,
    dropped_offline: all.filter((c) => c.outcome === 'offline').length,
    dropped_battery: all.filter((c) => c.outcome === 'battery-empty').length,
    final_accuracy: evaluated[evaluated.length - 1]?.accuracy ?? null,
    final_loss: evaluated[evaluated.length - 1]?.loss ?? null,
    best_accuracy: evaluated.reduce<number | null>(
      (best, r) => (best === null || r.accuracy! > best ? r.accuracy! : best),
      null,
    ),
    target_accuracy: section.targetAccuracy ?? null,
    rounds_to_target: roundsToTarget,
    time_to_target_s: timeToTarget,
    energy_to_target_j: energyToTarget,
    bytes_to_target: bytesToTarget,
    fleet_energy_j: sum(
      Array.from(
        { length: fleet.count },
        (_, d) => fleet.energy.idleJ[d]! + fleet.energy.computeJ[d]! + fleet.radioEnergyJ(d),
      ),
    ),
    ...(secure ? secaggSummary(results) : {}),
    ...(privacy === null
      ? {}
      : {
          epsilon: results.reduce<number | null>((last, r) => r.epsilon ?? last, null),
          delta: privacy.delta,
        }),
  };
  return {
    summary: { columns: Object.keys(summary), rows: [Object.values(summary)] },
    rounds: {
      columns: [
        'round',
        'tier',
        'status',
        'start_s',
        'end_s',
        'duration_s',
        'download_s',
        'compute_s',
        'upload_s',
        'waiting_s',
        'online',
        'selected',
        'aggregated',
        'stragglers',
        'dropped_offline',
        'dropped_battery',
        'bytes_down',
        'bytes_up',
        'energy_j',
        'accuracy',
        'precision',
        'recall',
        'f1',
        'loss',
        'train_loss',
        ...(privacy === null ? [] : ['epsilon']),
        ...(secure ? SECAGG_COLUMNS : []),
      ],
      rows: rounds,
    },
    classes: {
      columns: ['round', 'class', 'precision', 'recall', 'f1', 'support'],
      rows: classes,
    },
    confusion: { columns: ['round', 'actual', 'predicted', 'count'], rows: confusion },
    clients: {
      columns: [
        'round',
        'client',
        'group',
        'outcome',
        'download_s',
        'compute_s',
        'upload_s',
        'waiting_s',
        'energy_j',
        'bytes_down',
        'bytes_up',
        'train_loss',
        'update_norm',
      ],
      rows: clients,
    },
  };
}

/** rounds.csv's secure-aggregation columns: each timed phase's seconds and the protocol's dropouts. */
const SECAGG_COLUMNS = [
  'secagg_share_keys_s',
  'secagg_masked_input_s',
  'secagg_unmasking_s',
  'secagg_dropped',
  'secagg_failed_phase',
];

/** The summary's secure-aggregation totals: rounds it failed, and seconds of its message rounds. */
function secaggSummary(results: readonly RoundResult[]): Record<string, TableValue> {
  const timings = results.flatMap((r) => (r.timing.secagg === undefined ? [] : [r.timing.secagg]));
  return {
    secagg_failed_rounds: timings.filter((s) => s.failedAt !== null).length,
    secagg_time_s: sum(
      timings.map((s) => s.phaseS['share-keys'] + s.phaseS['masked-input'] + s.phaseS.unmasking),
    ),
  };
}

function secaggCells(t: RoundTiming): TableValue[] {
  const s = t.secagg;
  if (s === undefined) return [null, null, null, null, null];
  return [
    s.phaseS['share-keys'],
    s.phaseS['masked-input'],
    s.phaseS.unmasking,
    s.droppedAt.size,
    s.failedAt ?? '',
  ];
}

/** Means of the per-class scores over the classes that are some sample's label or prediction (sklearn's macro). */
function macroAverages(perClass: readonly ClassMetrics[]): {
  precision: number;
  recall: number;
  f1: number;
} {
  const present = perClass.filter((c) => c.support + c.predicted > 0);
  const meanOf = (pick: (c: ClassMetrics) => number) => mean(present.map(pick));
  return {
    precision: meanOf((c) => c.precision),
    recall: meanOf((c) => c.recall),
    f1: meanOf((c) => c.f1),
  };
}
