/**
 * Scores for structured pruning: remove whole units (dense neurons, conv
 * filters) with the smallest norm.
 *
 * Li, Kadav, Durdanovic, Samet and Graf, "Pruning Filters for Efficient
 * ConvNets", ICLR 2017 (the L1 norm of each filter); L2 is also offered.
 * In TF.js layouts a unit is an index of the LAST axis (dense [in, out],
 * conv2d [kh, kw, in, out]), which is the default axis here.
 */

import { checkShape } from './shape.js';

/** Which norm scores a unit. */
export type UnitNorm = 'l1' | 'l2';

/**
 * Norm of each slice along `axis` (default: the last axis, one score per
 * output unit): sum |w| for 'l1', sqrt(sum w²) for 'l2', accumulated in float64.
 */
export function unitNorms(
  weights: Float32Array,
  shape: readonly number[],
  axis = shape.length - 1,
  norm: UnitNorm = 'l2',
): Float64Array {
  checkShape(weights.length, shape);
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length)
    throw new RangeError(`axis(=${axis}) must be an integer in [0, ${shape.length})`);
  const units = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const sums = new Float64Array(units);
  for (let start = 0; start < weights.length; start += units * inner) {
    for (let u = 0; u < units; u++) {
      const offset = start + u * inner;
      let sum = 0;
      for (let j = 0; j < inner; j++) {
        const w = weights[offset + j]!;
        sum += norm === 'l1' ? Math.abs(w) : w * w;
      }
      sums[u] = sums[u]! + sum;
    }
  }
  if (norm === 'l2') for (let u = 0; u < units; u++) sums[u] = Math.sqrt(sums[u]!);
  return sums;
}

/**
 * Indices (ascending) of the units to keep after removing the
 * round(fractionToRemove × n) units of smallest norm (Math.round, halves up);
 * equal norms are removed in index order. Throws RangeError unless
 * 0 ≤ fractionToRemove < 1 or when a norm is NaN.
 */
export function selectUnits(norms: ArrayLike<number>, fractionToRemove: number): Int32Array {
  if (!(fractionToRemove >= 0 && fractionToRemove < 1))
    throw new RangeError(`fractionToRemove(=${fractionToRemove}) must be in [0, 1)`);
  const order = Array.from({ length: norms.length }, (_, i) => i);
  for (const i of order)
    if (Number.isNaN(norms[i])) throw new RangeError(`norms[${i}](=NaN) must be a number`);
  order.sort((a, b) => norms[a]! - norms[b]! || a - b);
  const removed = Math.round(fractionToRemove * norms.length);
  return Int32Array.from(order.slice(removed)).sort();
}
