/**
 * Squared Euclidean distances between every pair of client models, the
 * input of Krum, Multi-Krum and Bulyan's selection: computed once per round,
 * n(n−1)/2 distances, each summed in float64 in element order. Where
 * WebAssembly SIMD runs, the loop of distances.wat computes the same bits
 * (distances-simd.ts); this JavaScript loop is its reference and fallback.
 *
 * The parameter axis is cut into blocks that stay in L2 cache, and within a
 * block the pairs are taken in tiles of 2 × 4 (clients k, k+1 against
 * l..l+3): eight independent sums per loop share six loads, where one pair
 * at a time waits on its own sum's latency (measured on 100 × 1,000,000,
 * wall time on the shared 2-core machine: tiles of 1 × 4 ≈ 3.2 s, 1 × 8 ≈
 * 3.8 s, 2 × 4 ≈ 2.5–2.8 s). Each pair's sum still adds its elements one at
 * a time in order, so tiling changes no bit.
 */
import { simdPairwiseSquaredDistances } from './distances-simd.js';
import { checkedLength } from './select.js';

/** Elements per block: 2048 float32 of 100 clients are 800 KiB. */
const BLOCK = 2048;
/** Shorter models take the JavaScript loop: setting up the SIMD memory costs more than it saves. */
const SIMD_MIN_LENGTH = 1024;

/** Which loop computes the distances: `auto` (SIMD for long models, where available), `js` or `simd`. */
export type DistancePath = 'auto' | 'js' | 'simd';

/**
 * The n × n matrix (row-major) of ‖updates[k] − updates[l]‖², with a zero
 * diagonal and d[k][l] = d[l][k] bit for bit. Each distance is
 * Σ_i (u_k[i] − u_l[i])², differences, squares and sums in float64, the sum
 * from +0 in element order. `updates` (at least one, all of one length) are
 * not modified. Every `path` gives the same bits; `simd` throws where
 * WebAssembly SIMD is missing.
 */
export function pairwiseSquaredDistances(
  updates: readonly Float32Array[],
  path: DistancePath = 'auto',
): Float64Array {
  const length = checkedLength('pairwiseSquaredDistances', updates);
  if (path === 'simd' || (path === 'auto' && length >= SIMD_MIN_LENGTH)) {
    const d = simdPairwiseSquaredDistances(updates, length);
    if (d !== undefined) return d;
    if (path === 'simd') throw new Error('WebAssembly SIMD is not available in this runtime');
  }
  return jsPairwiseSquaredDistances(updates, length);
}

/** The JavaScript loop of {@link pairwiseSquaredDistances}. */
function jsPairwiseSquaredDistances(
  updates: readonly Float32Array[],
  length: number,
): Float64Array {
  const n = updates.length;
  const d = new Float64Array(n * n);
  for (let start = 0; start < length; start += BLOCK) {
    const end = Math.min(length, start + BLOCK);
    let k = 0;
    for (; k + 2 <= n; k += 2) {
      addPair(d, n, updates, k, k + 1, start, end);
      let l = k + 2;
      for (; l + 4 <= n; l += 4) addTile(d, n, updates, k, l, start, end);
      for (; l < n; l++) {
        addPair(d, n, updates, k, l, start, end);
        addPair(d, n, updates, k + 1, l, start, end);
      }
    }
    for (; k < n; k++) for (let l = k + 1; l < n; l++) addPair(d, n, updates, k, l, start, end);
  }
  for (let k = 0; k < n; k++) for (let l = k + 1; l < n; l++) d[l * n + k] = d[k * n + l]!;
  return d;
}

/** d[k][l] += Σ_{i in [start, end)} (u_k[i] − u_l[i])², in element order. */
function addPair(
  d: Float64Array,
  n: number,
  updates: readonly Float32Array[],
  k: number,
  l: number,
  start: number,
  end: number,
): void {
  const a = updates[k]!;
  const b = updates[l]!;
  let s = d[k * n + l]!;
  for (let i = start; i < end; i++) {
    const x = a[i]! - b[i]!;
    s += x * x;
  }
  d[k * n + l] = s;
}

/** {@link addPair} for the eight pairs (k or k+1, l..l+3), in one pass. */
function addTile(
  d: Float64Array,
  n: number,
  updates: readonly Float32Array[],
  k: number,
  l: number,
  start: number,
  end: number,
): void {
  const [a, c] = [updates[k]!, updates[k + 1]!];
  const [b0, b1, b2, b3] = [updates[l]!, updates[l + 1]!, updates[l + 2]!, updates[l + 3]!];
  const p = k * n + l;
  const q = p + n;
  let s0 = d[p]!;
  let s1 = d[p + 1]!;
  let s2 = d[p + 2]!;
  let s3 = d[p + 3]!;
  let t0 = d[q]!;
  let t1 = d[q + 1]!;
  let t2 = d[q + 2]!;
  let t3 = d[q + 3]!;
  for (let i = start; i < end; i++) {
    const x = a[i]!;
    const y = c[i]!;
    const v0 = b0[i]!;
    const v1 = b1[i]!;
    const v2 = b2[i]!;
    const v3 = b3[i]!;
    s0 += (x - v0) * (x - v0);
    s1 += (x - v1) * (x - v1);
    s2 += (x - v2) * (x - v2);
    s3 += (x - v3) * (x - v3);
    t0 += (y - v0) * (y - v0);
    t1 += (y - v1) * (y - v1);
    t2 += (y - v2) * (y - v2);
    t3 += (y - v3) * (y - v3);
  }
  d[p] = s0;
  d[p + 1] = s1;
  d[p + 2] = s2;
  d[p + 3] = s3;
  d[q] = t0;
  d[q + 1] = t1;
  d[q + 2] = t2;
  d[q + 3] = t3;
}
