/**
 * Continual-learning metrics from an accuracy matrix.
 *
 * `R[i][j]` is the accuracy on task j (test data) after learning task i, for
 * T tasks (a T x T matrix, 0-based); `b[j]` is the accuracy on task j of the
 * model before any task was learned (a randomly initialised model), used only
 * by forward transfer. With T tasks:
 *
 * - average accuracy (Lopez-Paz and Ranzato, "Gradient Episodic Memory for
 *   Continual Learning", NeurIPS 2017, arXiv:1706.08840, Section 5 "ACC"):
 *   ACC = (1/T) sum_j R[T-1][j];
 * - backward transfer (same paper, "BWT"):
 *   BWT = 1/(T-1) sum_{j<T-1} (R[T-1][j] - R[j][j]); negative is forgetting;
 * - forward transfer (same paper, "FWT"):
 *   FWT = 1/(T-1) sum_{j>0} (R[j-1][j] - b[j]);
 * - average forgetting (Chaudhry, Dokania, Ajanthan and Torr, "Riemannian
 *   Walk for Incremental Learning", ECCV 2018, arXiv:1801.10112, Eq. 1-2,
 *   evaluated after the last task k = T): f_j = max_{l in 0..T-2} R[l][j] -
 *   R[T-1][j] for j < T-1, averaged over those j. The maximum runs over
 *   every earlier row, as in the paper (rows l < j, before task j was
 *   learned, are included; they rarely win).
 *
 * The transfers and forgetting need T >= 2 and are `undefined` for one task.
 */

/** The four summary numbers of an accuracy matrix (accuracies as fractions in [0, 1]). */
export interface ContinualMetrics {
  /** Tasks: the matrix's size T. */
  readonly tasks: number;
  /** ACC: mean accuracy over all tasks after learning the last. */
  readonly averageAccuracy: number;
  /** Chaudhry et al.'s average forgetting (>= 0 when no task improved later); undefined for T = 1. */
  readonly forgetting: number | undefined;
  /** GEM's backward transfer; undefined for T = 1. */
  readonly backwardTransfer: number | undefined;
  /** GEM's forward transfer; undefined for T = 1 or when no baseline `b` was given. */
  readonly forwardTransfer: number | undefined;
}

/** An accuracy matrix: `r[i][j]` = accuracy on task j after learning task i. */
export type AccuracyMatrix = readonly (readonly number[])[];

/**
 * Computes ACC, forgetting, BWT and FWT (definitions in the file header).
 * `baseline[j]` is the untrained model's accuracy on task j (for FWT).
 * Throws a RangeError when `r` is empty or not square, `baseline` has the
 * wrong length, or a value is not a finite number.
 */
export function continualMetrics(
  r: AccuracyMatrix,
  baseline?: readonly number[],
): ContinualMetrics {
  const t = checkMatrix(r, baseline);
  const last = r[t - 1]!;
  const averageAccuracy = mean(last.slice());
  if (t < 2) {
    return {
      tasks: t,
      averageAccuracy,
      forgetting: undefined,
      backwardTransfer: undefined,
      forwardTransfer: undefined,
    };
  }
  const earlier = Array.from({ length: t - 1 }, (_, j) => j);
  const forgetting = mean(
    earlier.map((j) => Math.max(...r.slice(0, t - 1).map((row) => row[j]!)) - last[j]!),
  );
  const backwardTransfer = mean(earlier.map((j) => last[j]! - r[j]![j]!));
  const forwardTransfer =
    baseline === undefined ? undefined : mean(earlier.map((j) => r[j]![j + 1]! - baseline[j + 1]!));
  return { tasks: t, averageAccuracy, forgetting, backwardTransfer, forwardTransfer };
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function checkMatrix(r: AccuracyMatrix, baseline: readonly number[] | undefined): number {
  const t = r.length;
  if (t < 1) throw new RangeError('accuracy matrix(=[]) must have at least one row');
  r.forEach((row, i) => {
    if (row.length !== t) {
      throw new RangeError(
        `accuracy matrix row ${i} has ${row.length} values; must have ${t} (square)`,
      );
    }
    row.forEach((v, j) => {
      finite(`accuracy matrix[${i}][${j}]`, v);
    });
  });
  if (baseline !== undefined) {
    if (baseline.length !== t) {
      throw new RangeError(`baseline length(=${baseline.length}) must equal the task count (${t})`);
    }
    baseline.forEach((v, j) => {
      finite(`baseline[${j}]`, v);
    });
  }
  return t;
}

function finite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name}(=${value}) must be a finite number`);
}
