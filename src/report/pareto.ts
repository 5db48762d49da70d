import type { Direction } from './columns.js';

/**
 * Indices of the non-dominated points, in input order. Point p dominates q
 * when p is at least as good in every coordinate and strictly better in one
 * ("good" per `directions`: 'min' or 'max' per coordinate). Equal points do
 * not dominate each other, so duplicates on the front are all kept. A point
 * with a non-finite coordinate is never on the front and dominates nothing.
 *
 * O(n^2 k): fronts are drawn over configurations, a few thousand at most.
 */
export function paretoFront(
  points: readonly (readonly number[])[],
  directions: readonly Direction[],
): number[] {
  const k = directions.length;
  const oriented = points.map((point) => {
    if (point.length !== k) {
      throw new Error(`paretoFront: point has ${point.length} coordinates for ${k} directions`);
    }
    return point.every(Number.isFinite)
      ? point.map((v, i) => (directions[i] === 'max' ? -v : v))
      : null;
  });
  const dominates = (p: readonly number[], q: readonly number[]): boolean => {
    let strictly = false;
    for (let i = 0; i < k; i++) {
      if (p[i]! > q[i]!) return false;
      if (p[i]! < q[i]!) strictly = true;
    }
    return strictly;
  };
  const front: number[] = [];
  oriented.forEach((q, j) => {
    if (q === null) return;
    if (!oriented.some((p) => p !== null && p !== q && dominates(p, q))) front.push(j);
  });
  return front;
}
