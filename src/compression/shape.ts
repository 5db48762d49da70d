/**
 * Shapes of weight tensors, in TensorFlow.js layout: row-major, the output
 * channel on the last axis (dense [in, out], conv2d [kh, kw, in, out],
 * depthwise [kh, kw, in, multiplier]).
 */

/** Number of elements of `shape` (1 for a scalar `[]`); throws on a bad dimension. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0)
      throw new RangeError(`shape [${shape.join(', ')}] has dimension ${dim}; want integers >= 0`);
    count *= dim;
  }
  return count;
}

/** Checks that `length` elements fill `shape` exactly. */
export function checkShape(length: number, shape: readonly number[]): void {
  const count = elementCount(shape);
  if (count !== length)
    throw new RangeError(
      `shape [${shape.join(', ')}] has ${count} elements but weights has ${length}`,
    );
}

/** Size of the last axis: the number of output channels (1 for a scalar). */
export function channelCount(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1]!;
}
