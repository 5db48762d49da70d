/**
 * Selection of the k-th smallest float32 in O(n), by radix select on the bits.
 *
 * A non-negative float32's bit pattern, read as an unsigned integer, orders
 * the same way as its value (IEEE 754 was designed for this); signed values
 * get the order-preserving key of Herf ("Radix Tricks", 2001): flip every bit
 * of a negative, only the sign bit of a positive. The k-th smallest key is then
 * found with two counting passes: a histogram of the top 16 bits picks the
 * bucket holding rank k, a histogram of the low 16 bits of that bucket's
 * members picks the exact key. No sort, and two linear passes whatever the
 * distribution. (`prune.ts` uses the same idea on |w|, fused with the mask.)
 *
 * In this order a NaN with its sign bit set sorts below −Infinity and one
 * without above +Infinity.
 */

/** The value of rank `k` (0-based, ascending) of `values`. */
export function kthSmallest(values: Float32Array, k: number): number {
  if (!Number.isSafeInteger(k) || k < 0 || k >= values.length)
    throw new RangeError(`k(=${k}) must be an integer in [0, ${values.length})`);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const keys = new Uint32Array(values.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    keys[i] = b ^ ((b >> 31) | 0x80000000);
  }
  const { key } = kthSmallestKey(keys, k);
  const word = Uint32Array.of(key & 0x80000000 ? key ^ 0x80000000 : ~key);
  return new Float32Array(word.buffer)[0]!;
}

/** The key of rank `k` (0-based) among unsigned 32-bit `keys`, and how many keys are smaller. */
export function kthSmallestKey(keys: Uint32Array, k: number): { key: number; below: number } {
  const high = new Uint32Array(65536);
  for (let i = 0; i < keys.length; i++) high[keys[i]! >>> 16]!++;
  const [bucket, belowBucket] = findRank(high, k);
  const low = new Uint32Array(65536);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key >>> 16 === bucket) low[key & 0xffff]!++;
  }
  const [lowBits, belowLow] = findRank(low, k - belowBucket);
  return { key: ((bucket << 16) | lowBits) >>> 0, below: belowBucket + belowLow };
}

/** The bin holding rank `rank` (0-based) of a histogram, and the count of the bins before it. */
function findRank(counts: Uint32Array, rank: number): [number, number] {
  let before = 0;
  for (let bin = 0; bin < counts.length; bin++) {
    const next = before + counts[bin]!;
    if (next > rank) return [bin, before];
    before = next;
  }
  throw new Error(`rank ${rank} beyond the histogram total ${before}`);
}
