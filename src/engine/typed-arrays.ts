/**
 * Growing struct-of-arrays state: the per-entity typed arrays of a
 * simulation (transfers in flight, requests of a run) double when full.
 */

/** The typed arrays state is kept in. */
export type StateArray = Int32Array | Uint8Array | Uint32Array | Float64Array;

/** A copy of `a` of length `size` (>= its length), of the same type, zero past its end. */
export function grownArray<T extends StateArray>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
