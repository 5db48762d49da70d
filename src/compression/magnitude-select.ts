/**
 * The kernel of magnitude pruning: decide, for every weight of one or more
 * tensors, whether it is among the `count` smallest |w|, in ONE pass over the
 * weights and without a sort.
 *
 * Floyd and Rivest, "Expected Time Bounds for Selection" (Algorithm 489,
 * SELECT), CACM 18(3), 1975: two order statistics of a small sorted sample
 * bracket rank k with high probability. The pass then settles every weight
 * outside the bracket on the spot (below: pruned; above: kept), writing the
 * mask branch-free, and lists the few inside it (about 3%). Rank k is
 * radix-selected among those (`select.ts`), and only they are revisited.
 * If the bracket misses rank k (probability about 1e-4, or adversarial data),
 * an exact fallback selects among all magnitudes and rewrites every mask: two
 * more passes, same result. Memory: 8 bytes per listed weight.
 *
 * Magnitudes are compared as the bits of |w| (sign cleared), which order like
 * the values, NaN above +Infinity. Ties at the threshold are pruned in (tensor,
 * index) order. The sample positions are a fixed golden-ratio sequence, so the
 * result, and the path taken, are the same on every run.
 *
 * The pass is unrolled by four and writes four mask bytes as one word: V8
 * (Node 20) re-checks each typed array's map and bounds on every access and
 * hoists none of it, so fewer, wider accesses pay (measured 40% faster here).
 * Where WebAssembly SIMD is available the pass runs there instead
 * (`simd/prune.ts`), with the same masks and list, several times faster.
 * Asked for the pruned weights too, the pass writes them as it goes: every
 * weight from the bracket's low end up, which settling then zeroes where it
 * prunes (about 1.5% of the weights, scattered, so only those are touched).
 */

import { applyMask, wordsOf } from './apply-mask.js';
import { kthSmallestKey } from './select.js';
import { simdFor } from './simd/instance.js';
import { type BracketList, simdSplit } from './simd/prune.js';

const SAMPLE_SIZE = 16384;
/** Half-width of the bracket, in standard deviations of the sample rank. */
const BRACKET_SIGMAS = 4;
const GOLDEN_FRACTION = 0.6180339887498949;

/** Sample size of the bracket; below 4 × this many weights the exact path is taken. */
export const THRESHOLD_SAMPLE_SIZE = SAMPLE_SIZE;

/** Index of sample j among `total` weights: ⌊frac((j + 1/2) × 0.618…) × total⌋. */
export function samplePosition(j: number, total: number): number {
  return Math.floor((((j + 0.5) * GOLDEN_FRACTION) % 1) * total);
}

/**
 * Writes keep-masks (1 kept, 0 pruned) that prune exactly `count` smallest
 * magnitudes (1 ≤ count ≤ total) of `tensors`, and, into `pruned` if given
 * (arrays apart from the tensors), the tensors with their masks applied.
 */
export function pruneSmallest(
  tensors: readonly Float32Array[],
  count: number,
  masks: readonly Uint8Array[],
  pruned?: readonly Float32Array[],
): void {
  const total = tensors.reduce((n, t) => n + t.length, 0);
  if (!Number.isSafeInteger(count) || count < 1 || count > total)
    throw new RangeError(`count(=${count}) must be an integer in [1, ${total}]`);
  const words = tensors.map(wordsOf);
  const prunedWords = pruned?.map(wordsOf);
  if (total > 4 * SAMPLE_SIZE && pruneInBracket(words, total, count, masks, prunedWords)) return;
  const all = new Uint32Array(total);
  let at = 0;
  for (const w of words) for (let i = 0; i < w.length; i++) all[at++] = w[i]! & 0x7fffffff;
  const { key, below } = kthSmallestKey(all, count - 1);
  let ties = count - below;
  words.forEach((w, t) => {
    ties = maskAtThreshold(w, key, ties, masks[t]!);
  });
  pruned?.forEach((copy, t) => {
    applyMask(tensors[t]!, masks[t]!, copy);
  });
}

/**
 * The one-pass path; false when the bracket misses rank k (the masks and
 * pruned copies are then rewritten).
 */
function pruneInBracket(
  words: readonly Uint32Array[],
  total: number,
  count: number,
  masks: readonly Uint8Array[],
  pruned: readonly Uint32Array[] | undefined,
): boolean {
  const [low, high, fraction] = bracket(words, total, count - 1);
  const inside = new Bracket(low, high, Math.ceil(1.5 * fraction * total) + CHUNK);
  const starts = [0];
  let kept = 0;
  words.forEach((w, t) => {
    kept += inside.split(w, masks[t]!, pruned?.[t]);
    starts.push(inside.found);
  });
  const below = total - kept - inside.found;
  const rank = count - 1 - below;
  if (rank < 0 || rank >= inside.found) return false;
  const keys = inside.keys.subarray(0, inside.found);
  const threshold = kthSmallestKey(keys, rank);
  let ties = count - below - threshold.below;
  words.forEach((_, t) => {
    const indices = inside.indices.subarray(starts[t]!, starts[t + 1]!);
    const magnitudes = keys.subarray(starts[t]!, starts[t + 1]!);
    ties = settle(indices, magnitudes, threshold.key, ties, masks[t]!, pruned?.[t]);
  });
  return true;
}

/**
 * Decides the listed weights (`indices`, with magnitudes `keys`): pruned below
 * `threshold`, kept above, the first `ties` at it pruned; zeroes the pruned
 * ones in `pruned` if given. Returns the ties left.
 */
function settle(
  indices: Int32Array,
  keys: Uint32Array,
  threshold: number,
  ties: number,
  mask: Uint8Array,
  pruned?: Uint32Array,
): number {
  for (let j = 0; j < indices.length; j++) {
    const magnitude = keys[j]!;
    let keep = (threshold - magnitude) >>> 31; // branch-free: half of these are above
    if (magnitude === threshold && ties-- <= 0) keep = 1;
    mask[indices[j]!] = keep;
    // Only the pruned half is written: these scattered stores each miss the cache.
    if (keep === 0 && pruned !== undefined) pruned[indices[j]!] = 0;
  }
  return Math.max(ties, 0);
}

/**
 * Keys of the bracket's ends, from a sorted sample around rank k, and the
 * fraction of the sample inside it.
 */
function bracket(
  words: readonly Uint32Array[],
  total: number,
  k: number,
): [number, number, number] {
  const starts = [0];
  for (const w of words) starts.push(starts[starts.length - 1]! + w.length);
  const sample = new Uint32Array(SAMPLE_SIZE);
  for (let j = 0; j < SAMPLE_SIZE; j++) {
    const at = samplePosition(j, total);
    let t = 0;
    while (starts[t + 1]! <= at) t++;
    sample[j] = words[t]![at - starts[t]!]! & 0x7fffffff;
  }
  sample.sort();
  const p = k / total;
  const spread = BRACKET_SIGMAS * Math.sqrt(SAMPLE_SIZE * p * (1 - p)) + 8;
  const lowRank = Math.floor(p * SAMPLE_SIZE - spread);
  const highRank = Math.ceil(p * SAMPLE_SIZE + spread);
  const low = lowRank <= 0 ? 0 : sample[lowRank]!;
  const high = highRank >= SAMPLE_SIZE ? 0x7fffffff : sample[highRank]!;
  return [low, high, (Math.min(highRank, SAMPLE_SIZE) - Math.max(lowRank, 0)) / SAMPLE_SIZE];
}

/** Elements per chunk of the pass: the list is grown between chunks, never inside one. */
const CHUNK = 1 << 16;

/** The weights whose magnitude lies in [low, high], listed during the pass. */
class Bracket implements BracketList {
  /** Weights listed so far. */
  found = 0;
  indices: Int32Array;
  keys: Uint32Array;

  constructor(
    private readonly low: number,
    private readonly high: number,
    capacity: number,
  ) {
    this.indices = new Int32Array(capacity);
    this.keys = new Uint32Array(capacity);
  }

  /**
   * mask = 1 above the bracket, 0 below and (until settled) inside it; lists
   * the inside ones; writes `pruned` if given: the weights above and inside
   * the bracket (settle zeroes those it prunes), +0 below. Returns how many
   * were kept (above the bracket).
   */
  split(words: Uint32Array, mask: Uint8Array, pruned?: Uint32Array): number {
    const simd = simdFor(words.length);
    if (simd !== undefined) return simdSplit(simd, words, mask, this.low, this.high, this, pruned);
    const kept = this.splitInJs(words, mask);
    const low = this.low;
    if (pruned !== undefined)
      for (let i = 0; i < words.length; i++) {
        // (|w| - low) >> 31 is -1 exactly when |w| < low (both below 2^31).
        pruned[i] = words[i]! & ~(((words[i]! & 0x7fffffff) - low) >> 31);
      }
    return kept;
  }

  /** {@link split} without the pruned copy, in JavaScript. */
  private splitInJs(words: Uint32Array, mask: Uint8Array): number {
    // Four mask bytes go out as one little-endian word when the mask is aligned.
    const aligned = mask.byteOffset % 4 === 0;
    const end = aligned ? words.length - (words.length % 4) : 0;
    const maskWords = aligned ? new Uint32Array(mask.buffer, mask.byteOffset, end / 4) : undefined;
    let kept = 0;
    for (let start = 0; maskWords !== undefined && start < end; start += CHUNK) {
      this.reserve(CHUNK);
      kept += this.splitChunk(words, start, Math.min(start + CHUNK, end), maskWords);
    }
    for (let i = end; i < words.length; i++) {
      this.reserve(1);
      const magnitude = words[i]! & 0x7fffffff;
      const keep = (this.high - magnitude) >>> 31;
      mask[i] = keep;
      kept += keep;
      if ((magnitude - this.low) >>> 0 <= this.high - this.low) {
        this.indices[this.found] = i;
        this.keys[this.found++] = magnitude;
      }
    }
    return kept;
  }

  /** {@link split} over [start, stop), four at a time (the list has room for all). */
  private splitChunk(
    words: Uint32Array,
    start: number,
    stop: number,
    maskWords: Uint32Array,
  ): number {
    const { low, high, indices, keys } = this;
    const span = high - low;
    let kept = 0;
    let found = this.found;
    for (let i = start; i < stop; i += 4) {
      const m0 = words[i]! & 0x7fffffff;
      const m1 = words[i + 1]! & 0x7fffffff;
      const m2 = words[i + 2]! & 0x7fffffff;
      const m3 = words[i + 3]! & 0x7fffffff;
      // (a - b) >>> 31 is 1 exactly when a < b, for a and b below 2^31.
      const k0 = (high - m0) >>> 31;
      const k1 = (high - m1) >>> 31;
      const k2 = (high - m2) >>> 31;
      const k3 = (high - m3) >>> 31;
      maskWords[i >> 2] = k0 | (k1 << 8) | (k2 << 16) | (k3 << 24);
      kept += k0 + k1 + k2 + k3;
      if ((m0 - low) >>> 0 <= span) {
        indices[found] = i;
        keys[found++] = m0;
      }
      if ((m1 - low) >>> 0 <= span) {
        indices[found] = i + 1;
        keys[found++] = m1;
      }
      if ((m2 - low) >>> 0 <= span) {
        indices[found] = i + 2;
        keys[found++] = m2;
      }
      if ((m3 - low) >>> 0 <= span) {
        indices[found] = i + 3;
        keys[found++] = m3;
      }
    }
    this.found = found;
    return kept;
  }

  append(indices: Int32Array, keys: Uint32Array): void {
    this.reserve(indices.length);
    this.indices.set(indices, this.found);
    this.keys.set(keys, this.found);
    this.found += indices.length;
  }

  /** Makes room for `count` more entries. */
  private reserve(count: number): void {
    if (this.found + count <= this.keys.length) return;
    const capacity = Math.max(2 * this.keys.length, this.found + count);
    const indices = new Int32Array(capacity);
    const keys = new Uint32Array(capacity);
    indices.set(this.indices);
    keys.set(this.keys);
    this.indices = indices;
    this.keys = keys;
  }
}

/** mask = 1 above `threshold`, 0 below, 0 for the first `ties` at it (1 after). Returns the ties left. */
function maskAtThreshold(
  words: Uint32Array,
  threshold: number,
  ties: number,
  mask: Uint8Array,
): number {
  for (let i = 0; i < words.length; i++) {
    const magnitude = words[i]! & 0x7fffffff;
    let keep = (threshold - magnitude) >>> 31;
    if (magnitude === threshold && ties-- <= 0) keep = 1;
    mask[i] = keep;
  }
  return Math.max(ties, 0);
}
