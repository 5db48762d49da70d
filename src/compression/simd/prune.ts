/**
 * The passes of magnitude pruning on WebAssembly SIMD, bit-identical to their
 * JavaScript references: the split of `magnitude-select.ts` (classify each
 * |w| against the bracket, write the keep-mask, list the weights inside) and
 * `applyMask` of `apply-mask.ts`.
 */

import {
  CHUNK,
  INPUT,
  LIST_INDICES,
  LIST_KEYS,
  MASK,
  OUTPUT,
  outputFor,
  type SimdKernels,
} from './instance.js';

/** Where the split lists the weights inside the bracket. */
export interface BracketList {
  /** Appends weights by index (in the tensor) and key (bits of |w|). */
  append(indices: Int32Array, keys: Uint32Array): void;
}

/**
 * mask[i] = 1 where |w| > high (on the bits, sign cleared), else 0; appends
 * the weights with low ≤ |w| ≤ high to `list`, in index order; and, given
 * `pruned`, writes there the weights with |w| ≥ low and +0 below (the listed
 * weights that end up pruned are the caller's to zero). Returns how many it
 * kept (mask 1).
 */
export function simdSplit(
  simd: SimdKernels,
  words: Uint32Array,
  mask: Uint8Array,
  low: number,
  high: number,
  list: BracketList,
  pruned?: Uint32Array,
): number {
  let kept = 0;
  for (let start = 0; start < words.length; start += CHUNK) {
    const count = Math.min(CHUNK, words.length - start);
    simd.u32.set(words.subarray(start, start + count), INPUT / 4);
    const maskAt = outputFor(MASK, mask.byteOffset + start);
    const prunedAt = outputFor(OUTPUT, (pruned?.byteOffset ?? 0) + 4 * start);
    const found = simd.run.split(
      INPUT,
      count,
      low,
      high,
      maskAt,
      LIST_INDICES,
      LIST_KEYS,
      start,
      prunedAt,
      pruned === undefined ? 0 : 1,
    );
    kept += simd.run.kept.value;
    mask.set(simd.u8.subarray(maskAt, maskAt + count), start);
    pruned?.set(simd.u32.subarray(prunedAt / 4, prunedAt / 4 + count), start);
    list.append(
      simd.i32.subarray(LIST_INDICES / 4, LIST_INDICES / 4 + found),
      simd.u32.subarray(LIST_KEYS / 4, LIST_KEYS / 4 + found),
    );
  }
  return kept;
}

/** out = weights where the mask byte is nonzero, +0 where it is 0 (bit for bit). */
export function simdApplyMask(
  simd: SimdKernels,
  weights: Float32Array,
  mask: Uint8Array,
  out: Float32Array,
): void {
  const words = new Uint32Array(weights.buffer, weights.byteOffset, weights.length);
  const outWords = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let start = 0; start < words.length; start += CHUNK) {
    const count = Math.min(CHUNK, words.length - start);
    simd.u32.set(words.subarray(start, start + count), INPUT / 4);
    simd.u8.set(mask.subarray(start, start + count), MASK);
    const at = outputFor(OUTPUT, out.byteOffset + 4 * start);
    simd.run.applyMask(INPUT, MASK, count, at);
    outWords.set(simd.u32.subarray(at / 4, at / 4 + count), start);
  }
}
