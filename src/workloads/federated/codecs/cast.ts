/**
 * Dense casts of an update: int8 with one symmetric scale, and fp16.
 *
 * - int8: compression/quantize.ts per-tensor symmetric (Jacob et al., CVPR
 *   2018; Krishnamoorthi, arXiv:1806.08342): scale = max|Δ| / 127 rounded up
 *   to float32 (1 for an all-zero update), q = round(Δ / scale) to nearest
 *   even in −127..127, so |decode − Δ| ≤ scale / 2 plus one float32 rounding.
 *   Wire: the scale as a little-endian float32, then d int8 bytes: 4 + d.
 * - fp16: each value rounded to the nearest IEEE binary16 (ties to even,
 *   compression/fp16.ts): relative error ≤ 2^-11 for |Δ| ≥ 2^-14, absolute
 *   ≤ 2^-25 below. A value fp16 cannot carry (non-finite, |Δ| ≥ 65520) is
 *   refused. Wire: d little-endian halves: 2d bytes.
 */
import { fromFloat16Bits, toFloat16Bits } from '../../../compression/fp16.js';
import { dequantize, quantize } from '../../../compression/quantize.js';
import {
  bytesOf,
  type CodecContext,
  checkEncodedLength,
  checkParameters,
  type UpdateCodec,
} from './codec.js';
import { checkHalves } from './sparse.js';

/** int8 with one symmetric per-tensor scale. */
export class Int8Codec implements UpdateCodec {
  readonly name = 'int8';

  encodedBytes(parameters: number): number {
    checkParameters(parameters);
    return 4 + parameters;
  }

  encode(delta: Float32Array, _context?: CodecContext): Uint8Array {
    const q = quantize(delta, [delta.length], {
      bits: 8,
      scheme: 'symmetric',
      granularity: 'per-tensor',
    });
    const out = new Uint8Array(this.encodedBytes(delta.length));
    new DataView(out.buffer).setFloat32(0, q.scales[0]!, true);
    out.set(bytesOf(q.values), 4);
    return out;
  }

  decode(bytes: Uint8Array, parameters: number, _context?: CodecContext): Float32Array {
    checkEncodedLength(this.name, bytes, this.encodedBytes(parameters));
    const scale = new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
    const values = new Int8Array(bytes.slice(4).buffer);
    return dequantize({
      bits: 8,
      scheme: 'symmetric',
      granularity: 'per-tensor',
      shape: [parameters],
      values,
      scales: Float32Array.of(scale),
      zeroPoints: new Int32Array(1),
    });
  }
}

/** fp16: every value rounded to the nearest half. */
export class Fp16Codec implements UpdateCodec {
  readonly name = 'fp16';

  encodedBytes(parameters: number): number {
    checkParameters(parameters);
    return 2 * parameters;
  }

  encode(delta: Float32Array, _context?: CodecContext): Uint8Array {
    checkParameters(delta.length);
    const halves = toFloat16Bits(delta);
    checkHalves(halves, delta);
    return bytesOf(halves);
  }

  decode(bytes: Uint8Array, parameters: number, _context?: CodecContext): Float32Array {
    checkEncodedLength(this.name, bytes, this.encodedBytes(parameters));
    return fromFloat16Bits(new Uint16Array(bytes.slice().buffer));
  }
}
