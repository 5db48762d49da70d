/**
 * Unstructured magnitude pruning: zero the weights of smallest |w|.
 *
 * Han, Pool, Tran and Dally, "Learning both Weights and Connections for
 * Efficient Neural Networks", NeurIPS 2015; the gradual schedule that drives
 * it is in `schedule.ts` (Zhu and Gupta, 2017).
 *
 * Sparsity s prunes exactly round(s × n) weights (Math.round, halves up).
 * Order: by |w| ascending, so weights that are already 0 (or −0) go first;
 * ties at the threshold are pruned in index order (for several tensors: tensor
 * order, then index). NaN counts as larger than every number (kept). If more
 * than round(s × n) weights were already zero, the extra zeros stay (kept, and
 * still zero).
 *
 * The kernel (`magnitude-select.ts`) needs one pass over the weights and no
 * sort: a sampled bracket around the threshold settles almost every weight in
 * that pass, and the few inside the bracket are resolved by radix select.
 */

import { applyMask, checkLength } from './apply-mask.js';
import { pruneSmallest } from './magnitude-select.js';

export { applyMask } from './apply-mask.js';

/** Number of weights that sparsity `sparsity` prunes out of `count`. */
export function prunedCount(count: number, sparsity: number): number {
  checkSparsity(sparsity);
  return Math.round(sparsity * count);
}

/**
 * Keep-mask (1 = kept, 0 = pruned) that prunes the round(sparsity × n)
 * smallest-magnitude weights, into `out` if given. Throws RangeError unless
 * 0 ≤ sparsity < 1.
 */
export function magnitudeMask(
  weights: Float32Array,
  sparsity: number,
  out: Uint8Array = new Uint8Array(weights.length),
): Uint8Array {
  checkLength(out.length, weights.length, 'mask');
  pruneTensors([weights], prunedCount(weights.length, sparsity), [out]);
  return out;
}

/** Pruned weights and the keep-mask that made them. */
export interface PruneResult {
  /** The weights with the pruned ones set to +0. */
  readonly weights: Float32Array;
  /** 1 = kept, 0 = pruned. */
  readonly mask: Uint8Array;
}

/**
 * Magnitude pruning in one go: the mask of {@link magnitudeMask} and the
 * weights with it applied (into `out` buffers if given). The pruned copy is
 * written in the same pass as the mask, unless it shares the weights' buffer.
 */
export function pruneByMagnitude(
  weights: Float32Array,
  sparsity: number,
  out: PruneResult = {
    weights: new Float32Array(weights.length),
    mask: new Uint8Array(weights.length),
  },
): PruneResult {
  checkLength(out.mask.length, weights.length, 'mask');
  const count = prunedCount(weights.length, sparsity);
  checkLength(out.weights.length, weights.length, 'out');
  if (out.weights.buffer === weights.buffer) {
    // Possibly in place: the pass would overwrite weights it has yet to read.
    pruneTensors([weights], count, [out.mask]);
    applyMask(weights, out.mask, out.weights);
  } else pruneTensors([weights], count, [out.mask], [out.weights]);
  return out;
}

/**
 * Keep-masks for several tensors pruned with ONE global threshold: the
 * round(sparsity × total) smallest magnitudes over all of them, so layers with
 * small weights lose more than layers with large ones.
 */
export function globalMagnitudeMasks(
  tensors: readonly Float32Array[],
  sparsity: number,
): Uint8Array[] {
  const total = tensors.reduce((n, t) => n + t.length, 0);
  const masks = tensors.map((t) => new Uint8Array(t.length));
  pruneTensors(tensors, prunedCount(total, sparsity), masks);
  return masks;
}

/** The fraction of entries that are zero. */
export function sparsityOf(weights: Float32Array): number {
  let zeros = 0;
  for (let i = 0; i < weights.length; i++) if (weights[i] === 0) zeros++;
  return weights.length === 0 ? 0 : zeros / weights.length;
}

/** Checks 0 ≤ sparsity < 1. */
export function checkSparsity(sparsity: number): void {
  if (!(sparsity >= 0 && sparsity < 1))
    throw new RangeError(`sparsity(=${sparsity}) must be in [0, 1)`);
}

/**
 * Writes keep-masks that prune the `count` smallest magnitudes of `tensors`,
 * and the pruned copies into `pruned` if given.
 */
function pruneTensors(
  tensors: readonly Float32Array[],
  count: number,
  masks: readonly Uint8Array[],
  pruned?: readonly Float32Array[],
): void {
  if (count > 0) {
    pruneSmallest(tensors, count, masks, pruned);
    return;
  }
  for (const mask of masks) mask.fill(1);
  pruned?.forEach((copy, t) => {
    copy.set(tensors[t]!);
  });
}
