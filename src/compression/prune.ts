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

import { pruneSmallest } from './magnitude-select.js';
import { simdFor } from './simd/instance.js';
import { simdApplyMask } from './simd/prune.js';

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
 * weights with it applied (into `out` buffers if given).
 */
export function pruneByMagnitude(
  weights: Float32Array,
  sparsity: number,
  out: PruneResult = {
    weights: new Float32Array(weights.length),
    mask: new Uint8Array(weights.length),
  },
): PruneResult {
  magnitudeMask(weights, sparsity, out.mask);
  applyMask(weights, out.mask, out.weights);
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

/**
 * `weights` with the pruned entries (mask byte 0) set to +0 and the others
 * copied bit for bit, into `out` if given; any nonzero mask byte keeps.
 * Runs on WebAssembly SIMD when it can (`simd/prune.ts`, the same bits).
 */
export function applyMask(
  weights: Float32Array,
  mask: Uint8Array,
  out: Float32Array = new Float32Array(weights.length),
): Float32Array {
  checkLength(mask.length, weights.length, 'mask');
  checkLength(out.length, weights.length, 'out');
  const simd = simdFor(weights.length);
  if (simd !== undefined) {
    simdApplyMask(simd, weights, mask, out);
    return out;
  }
  const bits = wordsOf(weights);
  const outBits = wordsOf(out);
  const start = mask.byteOffset % 4 === 0 ? applyPacked(bits, mask, outBits) : 0;
  // (m + 255) >>> 8 is 0 for m = 0 and 1 for any other byte; negated, all zeros or all
  // ones: the AND keeps a weight bit for bit or makes it +0, with no branch to mispredict.
  for (let i = start; i < bits.length; i++) outBits[i] = bits[i]! & -((mask[i]! + 255) >>> 8);
  return out;
}

/**
 * {@link applyMask} four weights at a time, reading four mask bytes as one
 * little-endian word (measured about twice as fast as byte reads in V8). Returns
 * where it stopped (a multiple of 4); the caller does the rest.
 */
function applyPacked(bits: Uint32Array, mask: Uint8Array, out: Uint32Array): number {
  const end = bits.length - (bits.length % 4);
  const maskWords = new Uint32Array(mask.buffer, mask.byteOffset, end / 4);
  for (let i = 0; i < end; i += 4) {
    const m = maskWords[i >> 2]!;
    // Per byte b: ((b & 0x7f) + 0x7f) | b has bit 7 set exactly when b ≠ 0 (no carry crosses bytes).
    const nonzero = ((m & 0x7f7f7f7f) + 0x7f7f7f7f) | m;
    out[i] = bits[i]! & -((nonzero >>> 7) & 1);
    out[i + 1] = bits[i + 1]! & -((nonzero >>> 15) & 1);
    out[i + 2] = bits[i + 2]! & -((nonzero >>> 23) & 1);
    out[i + 3] = bits[i + 3]! & -(nonzero >>> 31);
  }
  return end;
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

/** Writes keep-masks that prune the `count` smallest magnitudes of `tensors`. */
function pruneTensors(tensors: readonly Float32Array[], count: number, masks: Uint8Array[]): void {
  if (count > 0) pruneSmallest(tensors, count, masks);
  else for (const mask of masks) mask.fill(1);
}

function wordsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

function checkLength(length: number, expected: number, what: string): void {
  if (length !== expected)
    throw new RangeError(`${what}.length(=${length}) must equal weights.length(=${expected})`);
}
