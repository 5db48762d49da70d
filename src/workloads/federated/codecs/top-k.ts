/**
 * Top-k sparsification: send the k entries of largest magnitude, as (index,
 * value) pairs; the rest are zero on arrival.
 *
 * Aji and Heafield, "Sparse Communication for Distributed Gradient Descent",
 * EMNLP 2017; Stich, Cordonnier and Jaggi, "Sparsified SGD with Memory",
 * NeurIPS 2018 (top-k with error feedback, see error-feedback.ts).
 *
 * Selection ({@link topKIndices}) is O(n), not a sort, after Floyd and
 * Rivest's SELECT (CACM 18(3), 1975), as compression/magnitude-select.ts:
 * a fixed sample of 16,384 magnitudes (golden-ratio positions, so the same
 * on every run) gives a lower bound on the k-th largest |x| with high
 * probability; one pass lists every entry at or above it (about k + 4σ of
 * the sample's rank spread), and radix select (compression/select.ts) finds
 * the exact k-th largest among the listed few. If the bound misses (fewer
 * than k listed) or lists too many (heavy ties), an exact path radix-selects
 * among all n: same result. Magnitudes compare as the bits of |x| (sign
 * cleared), which order as the values do. Ties at the threshold go to the
 * lower index. Any NaN or infinity ranks above every finite value, so the
 * encoder sees it among the selected and refuses it.
 *
 * Wire format: sparse.ts (k packed indices, then k float32 or fp16 values).
 */
import { samplePosition } from '../../../compression/magnitude-select.js';
import { kthSmallestKey } from '../../../compression/select.js';
import {
  type CodecContext,
  checkEncodedLength,
  checkParameters,
  type UpdateCodec,
} from './codec.js';
import {
  checkFinite,
  checkRatio,
  indexBits,
  indexBytes,
  packIndices,
  readValues,
  sparseCount,
  unpackIndices,
  type ValuePrecision,
  valueBytes,
  writeValues,
} from './sparse.js';

const SAMPLE_SIZE = 16384;
/** Half-width of the bound, in standard deviations of the sample rank. */
const BOUND_SIGMAS = 4;

/**
 * The indices, ascending, of the `k` entries of `values` with the largest
 * |x| (1 ≤ k ≤ n); ties at the threshold go to the lower index.
 */
export function topKIndices(values: Float32Array, k: number): Uint32Array {
  const n = values.length;
  if (!Number.isSafeInteger(k) || k < 1 || k > n)
    throw new RangeError(`k(=${k}) must be an integer in [1, ${n}]`);
  const words = new Uint32Array(values.buffer, values.byteOffset, n);
  if (k === n) return Uint32Array.from({ length: n }, (_, i) => i);
  if (n > 4 * SAMPLE_SIZE) {
    const listed = listAboveSample(words, k);
    if (listed !== undefined) return pickTop(listed.indices, listed.keys, k);
  }
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = words[i]! & 0x7fffffff;
  return pickTop(undefined, keys, k);
}

/**
 * Every entry whose magnitude is at least a sample's lower bound on the k-th
 * largest, in index order; undefined when the bound lists fewer than k or
 * more than its room (the caller then takes the exact path).
 */
function listAboveSample(
  words: Uint32Array,
  k: number,
): { indices: Uint32Array; keys: Uint32Array } | undefined {
  const n = words.length;
  const sample = new Uint32Array(SAMPLE_SIZE);
  for (let j = 0; j < SAMPLE_SIZE; j++) sample[j] = words[samplePosition(j, n)]! & 0x7fffffff;
  sample.sort();
  const p = (n - k) / n;
  const spread = BOUND_SIGMAS * Math.sqrt(SAMPLE_SIZE * p * (1 - p)) + 8;
  const lowRank = Math.floor(p * SAMPLE_SIZE - spread);
  if (lowRank <= 0) return undefined;
  const low = sample[lowRank]!;
  const room = Math.ceil(((SAMPLE_SIZE - lowRank) / SAMPLE_SIZE) * n * 1.5) + 1024;
  const indices = new Uint32Array(room);
  const keys = new Uint32Array(room);
  let found = 0;
  for (let i = 0; i < n; i++) {
    const magnitude = words[i]! & 0x7fffffff;
    if (magnitude >= low) {
      if (found === room) return undefined;
      indices[found] = i;
      keys[found++] = magnitude;
    }
  }
  if (found < k) return undefined;
  return { indices: indices.subarray(0, found), keys: keys.subarray(0, found) };
}

/**
 * The indices of the k largest of `keys` (in index order; entry j is
 * `indices[j]`, or j itself when `indices` is undefined), ties to the first.
 */
function pickTop(indices: Uint32Array | undefined, keys: Uint32Array, k: number): Uint32Array {
  const { key: threshold } = kthSmallestKey(keys, keys.length - k);
  let above = 0;
  for (let j = 0; j < keys.length; j++) if (keys[j]! > threshold) above++;
  let ties = k - above;
  const out = new Uint32Array(k);
  let at = 0;
  for (let j = 0; j < keys.length; j++) {
    const key = keys[j]!;
    if (key > threshold || (key === threshold && ties-- > 0))
      out[at++] = indices === undefined ? j : indices[j]!;
  }
  return out;
}

/** Options of {@link TopKCodec}. */
export interface TopKOptions {
  /** Fraction of the entries sent, in (0, 1]: k = max(1, round(ratio × n)). */
  readonly ratio: number;
  /** How the values travel (default float32, exact). */
  readonly values?: ValuePrecision;
}

/** Top-k by magnitude: k packed indices and k values (sparse.ts). */
export class TopKCodec implements UpdateCodec {
  readonly name = 'top-k';
  readonly ratio: number;
  readonly values: ValuePrecision;

  constructor(options: TopKOptions) {
    this.ratio = checkRatio(options.ratio);
    this.values = options.values ?? 'float32';
  }

  encodedBytes(parameters: number): number {
    const k = sparseCount(this.ratio, parameters);
    return indexBytes(k, parameters) + k * valueBytes(this.values);
  }

  encode(delta: Float32Array, _context?: CodecContext): Uint8Array {
    const n = delta.length;
    const k = sparseCount(this.ratio, n);
    const indices = topKIndices(delta, k);
    const selected = new Float32Array(k);
    for (let j = 0; j < k; j++) selected[j] = delta[indices[j]!]!;
    checkFinite(selected);
    const out = new Uint8Array(this.encodedBytes(n));
    const at = packIndices(indices, indexBits(n), out, 0);
    writeValues(selected, this.values, out, at);
    return out;
  }

  decode(bytes: Uint8Array, parameters: number, _context?: CodecContext): Float32Array {
    checkParameters(parameters);
    checkEncodedLength(this.name, bytes, this.encodedBytes(parameters));
    const k = sparseCount(this.ratio, parameters);
    const indices = unpackIndices(bytes, 0, indexBits(parameters), k);
    const values = readValues(bytes, indexBytes(k, parameters), k, this.values);
    const out = new Float32Array(parameters);
    for (let j = 0; j < k; j++) {
      const index = indices[j]!;
      if (index >= parameters)
        throw new RangeError(`top-k: index ${index} is outside ${parameters} parameters`);
      out[index] = values[j]!;
    }
    return out;
  }
}
