/** `toFloat16Bits` of `fp16.ts` on WebAssembly SIMD, bit-identical. */

import { CHUNK, INPUT, OUTPUT, outputFor, type SimdKernels } from './instance.js';

/** Writes the fp16 bits of each float32 of `values` (round to nearest even) into `out`. */
export function simdToFloat16Bits(simd: SimdKernels, values: Float32Array, out: Uint16Array): void {
  // Copied as words, so NaN payloads and signs arrive as they are.
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let start = 0; start < words.length; start += CHUNK) {
    const count = Math.min(CHUNK, words.length - start);
    simd.u32.set(words.subarray(start, start + count), INPUT / 4);
    const at = outputFor(OUTPUT, out.byteOffset + 2 * start);
    simd.run.toHalf(INPUT, count, at);
    out.set(simd.u16.subarray(at / 2, at / 2 + count), start);
  }
}
