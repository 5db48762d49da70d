/**
 * Element-wise helpers over flat parameter vectors (one Float32Array per
 * model, all layers concatenated in a fixed order).
 *
 * Every function computes each element in float64 and rounds once to float32
 * on store. None mutates its inputs; each writes to `out` when given (which may
 * be one of the inputs, since element i of the result depends only on element
 * i of the inputs) and otherwise returns a new array.
 */

/** Throws a RangeError unless `b` has `a`'s length. */
export function requireSameLength(
  nameA: string,
  a: ArrayLike<number>,
  nameB: string,
  b: ArrayLike<number>,
): void {
  if (a.length !== b.length)
    throw new RangeError(`${nameB}.length(=${b.length}) must equal ${nameA}.length(=${a.length})`);
}

/** `out` when given (checked against `length`), else a new zeroed array of `length`. */
export function output(length: number, out?: Float32Array): Float32Array {
  if (out === undefined) return new Float32Array(length);
  if (out.length !== length)
    throw new RangeError(`out.length(=${out.length}) must equal the input length (=${length})`);
  return out;
}

/** a − b. */
export function subtract(a: Float32Array, b: Float32Array, out?: Float32Array): Float32Array {
  requireSameLength('a', a, 'b', b);
  const result = output(a.length, out);
  for (let i = 0; i < a.length; i++) result[i] = a[i]! - b[i]!;
  return result;
}

/** alpha·x + y (BLAS's axpy, without mutating y unless y is `out`). */
export function axpy(
  alpha: number,
  x: Float32Array,
  y: Float32Array,
  out?: Float32Array,
): Float32Array {
  requireSameLength('x', x, 'y', y);
  const result = output(x.length, out);
  for (let i = 0; i < x.length; i++) result[i] = alpha * x[i]! + y[i]!;
  return result;
}
