/**
 * Shapes of weight tensors, in TensorFlow.js layout: row-major, the output
 * channel on the last axis (dense [in, out], conv2d [kh, kw, in, out]), except
 * depthwise kernels [kh, kw, in, multiplier], whose output channel is
 * in × multiplier + m: the last two axes together.
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

/** Size of the last axis (1 for a scalar): the number of output channels of a standard kernel. */
export function channelCount(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1]!;
}

/**
 * Where a kernel's output channels lie: `standard` on the last axis (dense,
 * conv2d); `depthwise` on the last two axes of [kh, kw, in, multiplier], output
 * channel in × multiplier + m (TF.js DepthwiseConv2D). Either way element i of
 * the row-major tensor belongs to output channel i mod (number of channels).
 */
export type KernelLayout = 'standard' | 'depthwise';

/** Number of output channels of a kernel of `shape` in `layout`; depthwise needs rank 4. */
export function outputChannels(
  shape: readonly number[],
  layout: KernelLayout = 'standard',
): number {
  if (layout === 'standard') return channelCount(shape);
  if (shape.length !== 4)
    throw new RangeError(
      `a depthwise kernel has shape [kh, kw, in, multiplier]; got [${shape.join(', ')}]`,
    );
  return shape[2]! * shape[3]!;
}
