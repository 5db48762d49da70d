import type { Table } from '../../results/table.js';
import type { RunTables } from '../../vocabulary/run-result.js';

/** One evaluation of the global model, with what the run had spent by then. */
export interface AccuracyPoint {
  /** The round (sync) or server update (async) evaluated. */
  readonly step: number;
  /** Simulated time of the evaluation, s. */
  readonly time_s: number;
  /** The clients' energy so far, J. */
  readonly energy_j: number;
  /** Bytes moved so far, both ways. */
  readonly bytes: number;
  /** Held-out accuracy of the global model. */
  readonly accuracy: number;
}

/**
 * The global model's held-out accuracy after each evaluated round (rounds.csv)
 * or server update (updates.csv), with the simulated time, cumulative client
 * energy and bytes moved at that moment: the same axes for every mode, so a
 * sync run and an asynchronous one compare. Empty when nothing was evaluated
 * (the cost-only tier).
 */
export function accuracyPoints(tables: RunTables): AccuracyPoint[] {
  const updates = tables.updates;
  if (updates !== undefined) {
    const col = (name: string) => updates.columns.indexOf(name);
    return updates.rows
      .filter((row) => typeof row[col('accuracy')] === 'number')
      .map((row) => ({
        step: row[col('version')] as number,
        time_s: row[col('time_s')] as number,
        energy_j: row[col('energy_j')] as number,
        bytes: (row[col('bytes_down')] as number) + (row[col('bytes_up')] as number),
        accuracy: row[col('accuracy')] as number,
      }));
  }
  const rounds = tables.rounds;
  if (rounds === undefined) return [];
  const col = (name: string) => rounds.columns.indexOf(name);
  let energyJ = 0;
  let bytes = 0;
  const points: AccuracyPoint[] = [];
  for (const row of rounds.rows) {
    energyJ += row[col('energy_j')] as number;
    bytes += (row[col('bytes_down')] as number) + (row[col('bytes_up')] as number);
    const accuracy = row[col('accuracy')];
    if (typeof accuracy === 'number')
      points.push({
        step: row[col('round')] as number,
        time_s: row[col('end_s')] as number,
        energy_j: energyJ,
        bytes,
        accuracy,
      });
  }
  return points;
}

/** The most points a sweep keeps of one run's curve (see {@link federatedCurve}). */
export const MAX_CURVE_POINTS = 1000;

/**
 * The run's accuracy curve as a sweep keeps it (`curves.csv`): time_s,
 * accuracy, energy_j, bytes per evaluation; null when nothing was evaluated.
 * A run evaluated more than {@link MAX_CURVE_POINTS} times keeps every k-th
 * evaluation, k = ⌈n / MAX_CURVE_POINTS⌉, and always its last.
 */
export function federatedCurve(tables: RunTables): Table | null {
  const points = accuracyPoints(tables);
  if (points.length === 0) return null;
  const every = Math.ceil(points.length / MAX_CURVE_POINTS);
  const kept = points.filter((_, i) => i % every === 0 || i === points.length - 1);
  return {
    columns: ['time_s', 'accuracy', 'energy_j', 'bytes'],
    rows: kept.map((p) => [p.time_s, p.accuracy, p.energy_j, p.bytes]),
  };
}
