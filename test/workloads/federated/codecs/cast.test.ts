/** int8 and fp16 casts of an update: their wire layout and round-trip error bounds. */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import { Fp16Codec, Int8Codec } from '../../../../src/workloads/federated/codecs/index.js';

const AT = { round: 1, clientId: 0 };
const f32 = (...values: number[]) => Float32Array.from(values);

describe('Int8Codec', () => {
  it('writes the scale max|x|/127 as float32, then one int8 a value (hand-worked)', () => {
    // max|x| = 1.27 (as float32) -> scale = 1.27/127 rounded up to float32, about 0.01;
    // q = round(x / scale): 1.27 -> 127, -0.5 -> -50, 0.004 -> 0 (0.4 rounds down), 0 -> 0.
    const codec = new Int8Codec();
    const bytes = codec.encode(f32(1.27, -0.5, 0.004, 0), AT);
    const scale = new DataView(bytes.buffer).getFloat32(0, true);
    const exact = Math.fround(1.27) / 127;
    expect(scale).toBeGreaterThanOrEqual(exact);
    expect(scale).toBeLessThan(exact * (1 + 2 ** -22));
    expect([...new Int8Array(bytes.buffer, 4)]).toEqual([127, -50, 0, 0]);
    expect(bytes.length).toBe(codec.encodedBytes(4));
  });

  it('round trips within scale/2 plus one float32 rounding', () => {
    const rng = new RandomStreams(3).stream('int8');
    const delta = Float32Array.from({ length: 10_000 }, () => rng.normal(0, 0.01));
    const codec = new Int8Codec();
    const bytes = codec.encode(delta, AT);
    const scale = new DataView(bytes.buffer).getFloat32(0, true);
    const decoded = codec.decode(bytes, delta.length, AT);
    let worst = 0;
    delta.forEach((x, i) => {
      const error = Math.abs(decoded[i]! - x);
      worst = Math.max(worst, error);
      expect(error).toBeLessThanOrEqual(scale / 2 + Math.abs(x) * 2 ** -24 + 1e-12);
    });
    expect(worst).toBeGreaterThan(scale / 4); // the bound is not vacuous
  });

  it('refuses a non-finite value', () => {
    expect(() => new Int8Codec().encode(f32(1, Number.NaN), AT)).toThrow(RangeError);
  });
});

describe('Fp16Codec', () => {
  it('writes two little-endian bytes a value (1 -> 0x3c00, -2 -> 0xc000)', () => {
    expect([...new Fp16Codec().encode(f32(1, -2), AT)]).toEqual([0x00, 0x3c, 0x00, 0xc0]);
  });

  it('round trips within 2^-11 relative (normal range) and 2^-25 absolute (subnormal)', () => {
    const rng = new RandomStreams(3).stream('fp16');
    const delta = Float32Array.from({ length: 10_000 }, (_, i) =>
      i % 2 === 0 ? rng.normal(0, 1) : rng.normal(0, 1e-6),
    );
    const codec = new Fp16Codec();
    const decoded = codec.decode(codec.encode(delta, AT), delta.length, AT);
    delta.forEach((x, i) => {
      const bound = Math.abs(x) >= 2 ** -14 ? Math.abs(x) * 2 ** -11 : 2 ** -25;
      expect(Math.abs(decoded[i]! - x)).toBeLessThanOrEqual(bound);
    });
  });

  it('refuses a value fp16 cannot carry, naming it', () => {
    expect(() => new Fp16Codec().encode(f32(1, 70000), AT)).toThrow(
      'value 70000 at index 1 does not fit fp16',
    );
  });
});
