/**
 * Krum and Multi-Krum selection.
 *
 * Blanchard, El Mhamdi, Guerraoui, Stainer, "Machine Learning with
 * Adversaries: Byzantine Tolerant Gradient Descent", NeurIPS 2017
 * (arXiv:1703.02019): with n updates of which at most f are Byzantine
 * (n > 2f + 2), the score of update i is the sum of its squared distances
 * to its n − f − 2 nearest other updates; Krum picks the update of least
 * score, Multi-Krum the m updates of least score (scores computed once).
 *
 * The scores read a distance matrix computed once per round
 * ({@link pairwiseSquaredDistances}); each score adds its nearest distances
 * in float64 from +0 in ascending order. Ties go to the lowest index, as
 * numpy's argmin in Flower's aggregate_krum (adap/flower,
 * framework/py/flwr/server/strategy/aggregate.py at 0cb7993a), and a NaN
 * score ranks after every number. Over a subset of s updates (Bulyan's
 * repeated Krum), the neighbours counted are max(1, s − f − 2), as Flower's
 * `num_closest`.
 */

/** Neighbours a Krum score counts among `size` updates: max(1, size − f − 2), as Flower. */
export function krumNeighbours(size: number, f: number): number {
  return Math.max(1, size - f - 2);
}

/**
 * The Krum score of each of `candidates` (indices into the n × n matrix
 * `distances`), among those candidates only: the sum of its
 * {@link krumNeighbours} smallest distances to the others, in ascending order.
 */
export function krumScores(
  distances: Float64Array,
  n: number,
  f: number,
  candidates: readonly number[] = indices(n),
): Float64Array {
  const size = candidates.length;
  const near = Math.min(krumNeighbours(size, f), size - 1);
  const scores = new Float64Array(size);
  const row = new Float64Array(size - 1);
  candidates.forEach((i, c) => {
    let at = 0;
    for (const j of candidates) if (j !== i) row[at++] = distances[i * n + j]!;
    row.sort();
    let score = 0;
    for (let t = 0; t < near; t++) score += row[t]!;
    scores[c] = score;
  });
  return scores;
}

/**
 * Multi-Krum: the indices of the `m` updates of least score (Krum for m = 1),
 * in ascending index order. Requires n > 2f + 2 and 1 <= m <= n − f.
 */
export function multiKrum(distances: Float64Array, n: number, f: number, m = 1): number[] {
  requireKrum(n, f, m);
  const scores = krumScores(distances, n, f);
  return rankByScore(scores)
    .slice(0, m)
    .sort((a, b) => a - b);
}

/** Positions 0..scores.length−1 by ascending score, ties by position, NaN last. */
export function rankByScore(scores: Float64Array): number[] {
  const key = (i: number) => (Number.isNaN(scores[i]!) ? Number.POSITIVE_INFINITY : scores[i]!);
  return indices(scores.length).sort((a, b) => key(a) - key(b) || a - b);
}

/** Throws a RangeError unless Krum may run on n updates with f attackers, selecting m. */
export function requireKrum(n: number, f: number, m: number): void {
  if (!(Number.isInteger(f) && f >= 0)) throw new RangeError(`f(=${f}) must be an integer >= 0`);
  if (!(n > 2 * f + 2))
    throw new RangeError(
      `Krum needs n > 2f + 2 updates: n(=${n}) with f(=${f}) needs n >= ${2 * f + 3}`,
    );
  if (!(Number.isInteger(m) && m >= 1 && m <= n - f))
    throw new RangeError(`m(=${m}) must be an integer in [1, n − f] = [1, ${n - f}]`);
}

function indices(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
