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
 * - The norm is ‖v‖₂ summed in float64 in index order, rounded UP to float32
 *   (so every r ≤ s), and the encoding uses that float32 norm throughout:
 *   the decoded value is norm · level / s exactly as the encoder meant it.
 * - Randomness: one uniform draw per coordinate, in index order, from
 *   `streams.stream('qsgd', '<round>/<clientId>')`.
 * - Wire format (the simple fixed-width packing, not the paper's Elias
 *   coding, so the size is known before the update exists): the norm as a
 *   little-endian float32, then per coordinate a code of b = 1 + ⌈log2(s + 1)⌉
 *   bits, code = level · 2 + (1 if v_i < 0), packed least significant bit
 *   first (compression/bits.ts order), the last byte zero-padded:
 *   4 + ⌈d·b / 8⌉ bytes. s = 1 gives 2 bits a coordinate, s = 255 gives 9.
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
}

/** Bits of one coordinate's code for `levels` s: 1 + ⌈log2(s + 1)⌉. */
export function qsgdCodeBits(levels: number): number {
  return 1 + Math.ceil(Math.log2(levels + 1));
}

/** QSGD with s levels, fixed-width packing (see the file header). */
export class QsgdCodec implements UpdateCodec {
  readonly name = 'qsgd';
  readonly levels: number;
  private readonly width: number;

  constructor(
    options: QsgdOptions,
    private readonly streams: RandomStreams,
  ) {
    const s = options.levels;
    if (!(Number.isInteger(s) && s >= 1 && s <= MAX_QSGD_LEVELS))
      throw new RangeError(`levels(=${s}) must be an integer in [1, ${MAX_QSGD_LEVELS}]`);
    this.levels = s;
    this.width = qsgdCodeBits(s);
  }

  encodedBytes(parameters: number): number {
    checkParameters(parameters);
    return 4 + Math.ceil((parameters * this.width) / 8);
  }

  /** The float32 norm the encoding of `delta` carries: ‖delta‖₂ rounded up. */
  static norm(delta: Float32Array): number {
    let sum = 0;
    for (let i = 0; i < delta.length; i++) sum += delta[i]! * delta[i]!;
    if (!Number.isFinite(sum)) checkFinite(delta);
    return float32Up(Math.sqrt(sum));
  }

  encode(delta: Float32Array, context: CodecContext): Uint8Array {
    const norm = QsgdCodec.norm(delta);
    const out = new Uint8Array(this.encodedBytes(delta.length));
    new DataView(out.buffer).setFloat32(0, norm, true);
    const rng = this.streams.stream('qsgd', `${context.round}/${context.clientId}`);
    const s = this.levels;
    const width = this.width;
    const scale = norm === 0 ? 0 : s / norm;
    let acc = 0;
    let held = 0;
    let at = 4;
    for (let i = 0; i < delta.length; i++) {
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
    if (held > 0) out[at] = acc & 0xff;
    return out;
  }

  /** The value of each code under `norm`: ±norm · level / s (codes above s's: 0, refused by the caller). */
  private codeValues(norm: number): Float32Array {
    const values = new Float32Array(1 << this.width);
    for (let level = 0; level <= this.levels; level++) {
      const magnitude = (level * norm) / this.levels;
      values[level << 1] = magnitude;
      values[(level << 1) | 1] = -magnitude;
    }
    return values;
  }

  decode(bytes: Uint8Array, parameters: number, _context?: CodecContext): Float32Array {
    checkEncodedLength(this.name, bytes, this.encodedBytes(parameters));
    const norm = new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
    const width = this.width;
    const mask = (1 << width) - 1;
    const values = this.codeValues(norm);
    const largest = (this.levels << 1) | 1;
    const out = new Float32Array(parameters);
    let acc = 0;
    let held = 0;
    let at = 4;
    let worst = 0;
    for (let i = 0; i < parameters; i++) {
      while (held < width) {
        acc |= bytes[at++]! << held;
        held += 8;
      }
      const code = acc & mask;
      acc >>>= width;
      held -= width;
      if (code > worst) worst = code;
      out[i] = values[code]!;
    }
    if (worst > largest)
      throw new RangeError(`qsgd: a level ${worst >>> 1} exceeds s(=${this.levels})`);
    return out;
  }
}
