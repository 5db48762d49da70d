/**
 * QSGD: stochastic quantisation of an update to s levels of its L2 norm.
 *
 * Alistarh, Grubic, Li, Tomioka and Vojnovic, "QSGD: Communication-Efficient
 * SGD via Gradient Quantization and Encoding", NeurIPS 2017
 * (arXiv:1610.02132), §3.1: Q_s(v)_i = ‖v‖₂ · sgn(v_i) · ξ_i(v, s), where,
 * with r = |v_i| / ‖v‖₂ · s and l = ⌊r⌋, ξ_i = (l + 1)/s with probability
 * r − l and l/s otherwise. Q_s is unbiased (E Q_s(v) = v) and, by Lemma 3.1,
 * E‖Q_s(v) − v‖² ≤ min(d/s², √d/s) · ‖v‖².
 *
 * - Buckets (optional, as the paper's experiments and GRACE's
 *   QSGDCompressor, sands-lab/grace, grace_dl/dist/compressor/qsgd.py,
 *   default 128): the update is cut into consecutive buckets of B values
 *   (the last may be shorter), each quantised with its own norm, so the
 *   variance bound holds with B in place of d. Without `bucket`, one bucket
 *   holds the whole update.
 * - Each norm is the bucket's ‖v‖₂ summed in float64 in index order,
 *   rounded UP to float32 (so every r ≤ s), and the encoding uses that float32
 *   norm throughout: the decoded value is norm · level / s as the encoder meant.
 * - Randomness: one uniform draw per coordinate, in index order, from
 *   `streams.stream('qsgd', '<round>/<clientId>')`.
 * - Wire format (the simple fixed-width packing, not the paper's Elias
 *   coding, so the size is known before the update exists): the bucket norms
 *   as little-endian float32, then per coordinate a code of
 *   b = 1 + ⌈log2(s + 1)⌉ bits, code = level · 2 + (1 if v_i < 0), packed
 *   least significant bit first (compression/bits.ts order), the last byte
 *   zero-padded: 4·⌈d/B⌉ + ⌈d·b / 8⌉ bytes. s = 1 gives 2 bits a coordinate,
 *   s = 15 gives 5.
 */
import type { RandomStreams } from '../../../engine/random.js';
import {
  type CodecContext,
  checkEncodedLength,
  checkParameters,
  float32Up,
  type UpdateCodec,
} from './codec.js';
import { checkFinite } from './sparse.js';

/** The largest s: codes then take 16 bits. */
export const MAX_QSGD_LEVELS = 32767;

/** Options of {@link QsgdCodec}. */
export interface QsgdOptions {
  /** s: quantisation levels above zero, an integer in [1, 32767]. */
  readonly levels: number;
  /** B: values per bucket, each with its own norm (an integer ≥ 1; default: the whole update). */
  readonly bucket?: number;
}

/** Bits of one coordinate's code for `levels` s: 1 + ⌈log2(s + 1)⌉. */
export function qsgdCodeBits(levels: number): number {
  return 1 + Math.ceil(Math.log2(levels + 1));
}

/** QSGD with s levels, fixed-width packing (see the file header). */
export class QsgdCodec implements UpdateCodec {
  readonly name = 'qsgd';
  readonly levels: number;
  readonly bucket: number | undefined;
  private readonly width: number;

  constructor(
    options: QsgdOptions,
    private readonly streams: RandomStreams,
  ) {
    const s = options.levels;
    if (!(Number.isInteger(s) && s >= 1 && s <= MAX_QSGD_LEVELS))
      throw new RangeError(`levels(=${s}) must be an integer in [1, ${MAX_QSGD_LEVELS}]`);
    const b = options.bucket;
    if (b !== undefined && !(Number.isSafeInteger(b) && b >= 1))
      throw new RangeError(`bucket(=${b}) must be an integer >= 1`);
    this.levels = s;
    this.bucket = b;
    this.width = qsgdCodeBits(s);
  }

  /** Values per bucket for an update of `parameters` values. */
  bucketSize(parameters: number): number {
    return Math.min(this.bucket ?? parameters, parameters);
  }

  encodedBytes(parameters: number): number {
    checkParameters(parameters);
    const buckets = Math.ceil(parameters / this.bucketSize(parameters));
    return 4 * buckets + Math.ceil((parameters * this.width) / 8);
  }

  /** The float32 norm the encoding of `values[start, end)` carries: its ‖·‖₂ rounded up. */
  static norm(values: Float32Array, start = 0, end = values.length): number {
    let sum = 0;
    for (let i = start; i < end; i++) sum += values[i]! * values[i]!;
    if (!Number.isFinite(sum)) checkFinite(values.subarray(start, end));
    return float32Up(Math.sqrt(sum));
  }

  encode(delta: Float32Array, context: CodecContext): Uint8Array {
    const n = delta.length;
    const out = new Uint8Array(this.encodedBytes(n));
    const size = this.bucketSize(n);
    const norms = new DataView(out.buffer);
    const rng = this.streams.stream('qsgd', `${context.round}/${context.clientId}`);
    const s = this.levels;
    const width = this.width;
    let acc = 0;
    let held = 0;
    let at = 4 * Math.ceil(n / size);
    for (let start = 0, bucket = 0; start < n; start += size, bucket++) {
      const end = Math.min(start + size, n);
      const norm = QsgdCodec.norm(delta, start, end);
      norms.setFloat32(4 * bucket, norm, true);
      const scale = norm === 0 ? 0 : s / norm;
      for (let i = start; i < end; i++) {
        const x = delta[i]!;
        const r = Math.abs(x) * scale;
        const l = Math.floor(r);
        // One draw per coordinate whatever r is, so draws stay aligned with indices.
        const level = Math.min(l + (rng.next() < r - l ? 1 : 0), s);
        acc |= ((level << 1) | (x < 0 ? 1 : 0)) << held;
        held += width;
        while (held >= 8) {
          out[at++] = acc & 0xff;
          acc >>>= 8;
          held -= 8;
        }
      }
    }
    if (held > 0) out[at] = acc & 0xff;
    return out;
  }

  decode(bytes: Uint8Array, parameters: number, _context?: CodecContext): Float32Array {
    checkEncodedLength(this.name, bytes, this.encodedBytes(parameters));
    const size = this.bucketSize(parameters);
    const norms = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const width = this.width;
    const mask = (1 << width) - 1;
    const tableSize = 1 << width;
    const out = new Float32Array(parameters);
    let acc = 0;
    let held = 0;
    let at = 4 * Math.ceil(parameters / size);
    let worst = 0;
    for (let start = 0, bucket = 0; start < parameters; start += size, bucket++) {
      const norm = norms.getFloat32(4 * bucket, true);
      // A table of every code's value pays when the bucket is longer than the table.
      const values = tableSize < size ? this.codeValues(norm) : undefined;
      const end = Math.min(start + size, parameters);
      for (let i = start; i < end; i++) {
        while (held < width) {
          acc |= bytes[at++]! << held;
          held += 8;
        }
        const code = acc & mask;
        acc >>>= width;
        held -= width;
        if (code > worst) worst = code;
        out[i] = values === undefined ? this.codeValue(code, norm) : values[code]!;
      }
    }
    if (worst > ((this.levels << 1) | 1))
      throw new RangeError(`qsgd: a level ${worst >>> 1} exceeds s(=${this.levels})`);
    return out;
  }

  /** The value of `code` under `norm`: ±norm · level / s. */
  private codeValue(code: number, norm: number): number {
    const magnitude = ((code >>> 1) * norm) / this.levels;
    return (code & 1) === 1 ? -magnitude : magnitude;
  }

  /** {@link codeValue} of every code (those above s's level: 0; the caller refuses them). */
  private codeValues(norm: number): Float32Array {
    const values = new Float32Array(1 << this.width);
    for (let code = 0; code < 2 * (this.levels + 1); code++)
      values[code] = this.codeValue(code, norm);
    return values;
  }
}
