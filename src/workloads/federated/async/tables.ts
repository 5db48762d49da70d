import type { Fleet } from '../../../fleet/fleet.js';
import { type ClassMetrics, classMetrics } from '../../../ml/metrics.js';
import type { Table, TableValue } from '../../../results/table.js';
import type { ResolvedFederated } from '../resolve.js';
import { strategyLabel } from '../strategies/registry.js';
import type { ParticipationTraining, UpdateResult } from './replay.js';
import type { AsyncSettings } from './settings.js';
import type { AsyncTimeline } from './timeline.js';

export interface AsyncTablesInput {
  readonly resolved: ResolvedFederated;
  readonly fleet: Fleet;
  readonly settings: AsyncSettings;
  readonly timeline: AsyncTimeline;
  /** One per server update (on the real tier, up to a failure). */
  readonly results: readonly UpdateResult[];
  readonly clients: ParticipationTraining | undefined;
  readonly failure: string | null;
  readonly model: { modelBytes: number; flopsPerSample: number };
  readonly warning: string | null;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * The largest of `values`, or `initial` if none is larger: a loop, since
 * `Math.max(...values)` overflows the stack for a long array (a run may make
 * up to 1e8 server updates, and a buffer may hold a million contributions).
 */
function maxOf(values: Iterable<number>, initial: number): number {
  let max = initial;
  for (const v of values) if (v > max) max = v;
  return max;
}

/**
 * - `updates.csv`: per server update: simulated time, the version it makes,
 *   its contributions' clients and staleness (count, mean, max and the list,
 *   `;`-separated in arrival order), the clients' energy and bytes of every
 *   trip ended by then (cumulative), and the global model's held-out scores
 *   when evaluated.
 * - `staleness.csv`: the staleness histogram of the updates the server used.
 * - `clients.csv`: per trip in dispatch order: the version it downloaded,
 *   its outcome (`stale`: arrived too old, dropped), phase times, energy,
 *   bytes, training loss and drift.
 * - `summary.csv`: the sync summary's columns where they mean the same
 *   (time, energy, bytes, accuracy, time/energy/bytes to target), with
 *   `mode`, `server_updates`, `updates_to_target` and staleness figures in
 *   place of rounds.
 */
export function asyncTables(input: AsyncTablesInput): Record<string, Table> {
  const { resolved, fleet, settings, timeline, results, failure, model } = input;
  const section = resolved.scenario.federated;
  const groupName = (c: number) => resolved.groups[fleet.groupOf[c]!]!.spec.name;
  const rows: TableValue[][] = [];
  const histogram = new Map<number, number>();
  let target: UpdateResult | null = null;
  for (const r of results) {
    const u = r.update;
    const staleness = u.contributions.map((c) => c.staleness);
    for (const s of staleness) histogram.set(s, (histogram.get(s) ?? 0) + 1);
    if (
      target === null &&
      section.targetAccuracy !== undefined &&
      r.accuracy !== null &&
      r.accuracy >= section.targetAccuracy
    )
      target = r;
    const macro = r.confusion === null ? null : macroAverages(classMetrics(r.confusion));
    rows.push([
      u.version,
      section.tier,
      r.status,
      u.timeS,
      u.contributions.length,
      staleness.length === 0 ? 0 : sum(staleness) / staleness.length,
      maxOf(staleness, 0),
      staleness.join(';'),
      u.contributions.map((c) => c.participation.record.client).join(';'),
      u.energyJ,
      u.bytesDown,
      u.bytesUp,
      r.accuracy,
      macro?.precision ?? null,
      macro?.recall ?? null,
      macro?.f1 ?? null,
      r.loss,
      r.trainLoss,
    ]);
  }
  const trips = timeline.participations.map((p) => p.record);
  const used = sum([...histogram.values()]);
  const stalenessSum = sum([...histogram].map(([s, count]) => s * count));
  const evaluated = results.filter((r) => r.accuracy !== null);
  const last = results[results.length - 1];
  const count = (outcome: string) => trips.filter((c) => c.outcome === outcome).length;
  const summary: Record<string, TableValue> = {
    scenario: resolved.scenario.name,
    tier: section.tier,
    mode: settings.mode,
    strategy: settings.mode === 'async' ? 'fedasync' : strategyLabel(section.strategy),
    selection: 'random',
    partition: section.partition.kind,
    clients: resolved.clientCount,
    concurrency: settings.concurrency,
    buffer_size: settings.bufferSize,
    server_updates: results.length,
    status: failure === null ? 'ok' : 'failed',
    failure: failure ?? '',
    warning: input.warning ?? '',
    model_bytes: model.modelBytes,
    model_flops_per_sample: model.flopsPerSample,
    time_s: last?.update.timeS ?? timeline.endS,
    client_energy_j: sum(trips.map((c) => c.energyJ)),
    bytes_down: sum(trips.map((c) => c.bytesDown)),
    bytes_up: sum(trips.map((c) => c.bytesUp)),
    participations: trips.length,
    aggregated: used,
    stragglers: count('straggler'),
    dropped_offline: count('offline'),
    dropped_battery: count('battery-empty'),
    dropped_stale: count('stale'),
    mean_staleness: used === 0 ? null : stalenessSum / used,
    max_staleness: used === 0 ? null : maxOf(histogram.keys(), 0),
    final_accuracy: evaluated[evaluated.length - 1]?.accuracy ?? null,
    final_loss: evaluated[evaluated.length - 1]?.loss ?? null,
    best_accuracy:
      evaluated.length === 0
        ? null
        : maxOf(
            evaluated.map((r) => r.accuracy!),
            Number.NEGATIVE_INFINITY,
          ),
    target_accuracy: section.targetAccuracy ?? null,
    updates_to_target: target?.update.version ?? null,
    time_to_target_s: target?.update.timeS ?? null,
    energy_to_target_j: target?.update.energyJ ?? null,
    bytes_to_target: target === null ? null : target.update.bytesDown + target.update.bytesUp,
    fleet_energy_j: sum(
      Array.from(
        { length: fleet.count },
        (_, d) => fleet.energy.idleJ[d]! + fleet.energy.computeJ[d]! + fleet.radioEnergyJ(d),
      ),
    ),
  };
  const loss = input.clients?.loss;
  const drift = input.clients?.drift;
  return {
    summary: { columns: Object.keys(summary), rows: [Object.values(summary)] },
    updates: { columns: UPDATE_COLUMNS, rows },
    staleness: {
      columns: ['staleness', 'updates', 'fraction'],
      rows: [...histogram.keys()]
        .sort((a, b) => a - b)
        .map((s) => [s, histogram.get(s)!, histogram.get(s)! / used]),
    },
    clients: {
      columns: CLIENT_COLUMNS,
      rows: timeline.participations.map((p) => {
        const c = p.record;
        return [
          p.index,
          p.baseVersion,
          c.client,
          groupName(c.client),
          c.outcome,
          p.startS,
          c.downloadS,
          c.computeS,
          c.uploadS,
          c.energyJ,
          c.bytesDown,
          c.bytesUp,
          loss?.get(p.index) ?? null,
          drift?.get(p.index) ?? null,
        ];
      }),
    },
  };
}

/** updates.csv's columns; energy and bytes are cumulative (every trip ended by then). */
export const UPDATE_COLUMNS = [
  'version',
  'tier',
  'status',
  'time_s',
  'contributions',
  'staleness_mean',
  'staleness_max',
  'staleness',
  'clients',
  'energy_j',
  'bytes_down',
  'bytes_up',
  'accuracy',
  'precision',
  'recall',
  'f1',
  'loss',
  'train_loss',
];

const CLIENT_COLUMNS = [
  'participation',
  'version',
  'client',
  'group',
  'outcome',
  'start_s',
  'download_s',
  'compute_s',
  'upload_s',
  'energy_j',
  'bytes_down',
  'bytes_up',
  'train_loss',
  'update_norm',
];

/** Means of the per-class scores over the classes that are some sample's label or prediction (sklearn's macro). */
function macroAverages(perClass: readonly ClassMetrics[]) {
  const present = perClass.filter((c) => c.support + c.predicted > 0);
  const meanOf = (pick: (c: ClassMetrics) => number) =>
    present.length === 0 ? 0 : sum(present.map(pick)) / present.length;
  return {
    precision: meanOf((c) => c.precision),
    recall: meanOf((c) => c.recall),
    f1: meanOf((c) => c.f1),
  };
}
