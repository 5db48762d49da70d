/**
 * QSGD (Alistarh et al., NeurIPS 2017, arXiv:1610.02132): the hand-worked
 * wire bytes, unbiasedness and the variance of Lemma 3.1 over seeded draws.
 *
 * Per coordinate, with r = |v_i| s / ‖v‖ and p = r − ⌊r⌋, the decoded value
 * is ‖v‖/s · ⌊r⌋ or ‖v‖/s · (⌊r⌋ + 1) with probability p, so its mean is
 * |v_i| and its variance (‖v‖/s)² p(1 − p): the test's exact reference.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import { QsgdCodec, qsgdCodeBits } from '../../../../src/workloads/federated/codecs/index.js';

const f32 = (...values: number[]) => Float32Array.from(values);

/** Per-coordinate variance of Q_s(v) about v, with the codec's float32 norm per bucket of B. */
function exactVariances(v: Float32Array, s: number, bucket = v.length): number[] {
  return Array.from(v, (x, i) => {
    const start = i - (i % bucket);
    const norm = QsgdCodec.norm(v, start, Math.min(start + bucket, v.length));
    const r = (Math.abs(x) * s) / norm;
    const p = r - Math.floor(r);
    return (norm / s) ** 2 * p * (1 - p);
  });
}

/** Decodes `draws` independent encodings of v (one per round). */
function draws(v: Float32Array, s: number, count: number, bucket?: number): Float32Array[] {
  const codec = new QsgdCodec({ levels: s, bucket }, new RandomStreams(11));
  return Array.from({ length: count }, (_, i) => {
    const at = { round: i + 1, clientId: 3 };
    return codec.decode(codec.encode(v, at), v.length, at);
  });
}

describe('QsgdCodec', () => {
  it('writes the hand-worked bytes for v = (3, -4), s = 5: norm 5, codes 6 and 9', () => {
    // r = (3, 4) are integers, so no rounding draw matters; b = 1 + ceil(log2 6) = 4 bits;
    // codes: 3*2 + 0 = 6 (low nibble), 4*2 + 1 = 9 (high nibble) -> 0x96; 5f = 0x40a00000.
    const codec = new QsgdCodec({ levels: 5 }, new RandomStreams(1));
    const at = { round: 1, clientId: 0 };
    const bytes = codec.encode(f32(3, -4), at);
    expect([...bytes]).toEqual([0x00, 0x00, 0xa0, 0x40, 0x96]);
    expect([...codec.decode(bytes, 2, at)]).toEqual([3, -4]);
  });

  it('quantises each bucket with its own norm: v = (3, -4, 0, 1), B = 2, s = 5', () => {
    // Norms 5 and 1; levels (3, 4) and (0, 5), all integers r, so no draw matters.
    // Codes 6, 9, 0, 10 at 4 bits -> 0x96, 0xa0, after 5f (0x40a00000) and 1f (0x3f800000).
    const codec = new QsgdCodec({ levels: 5, bucket: 2 }, new RandomStreams(1));
    const at = { round: 1, clientId: 0 };
    const bytes = codec.encode(f32(3, -4, 0, 1), at);
    expect([...bytes]).toEqual([0, 0, 0xa0, 0x40, 0, 0, 0x80, 0x3f, 0x96, 0xa0]);
    expect([...codec.decode(bytes, 4, at)]).toEqual([3, -4, 0, 1]);
  });

  it('refuses bytes holding a level above s', () => {
    const codec = new QsgdCodec({ levels: 5 }, new RandomStreams(1));
    const bytes = Uint8Array.of(0x00, 0x00, 0xa0, 0x40, 0xf0); // second code 15: level 7
    expect(() => codec.decode(bytes, 2, { round: 1, clientId: 0 })).toThrow(
      'qsgd: a level 7 exceeds s(=5)',
    );
  });

  it('packs 1 + ceil(log2(s + 1)) bits a coordinate after a 4-byte norm', () => {
    expect([1, 2, 3, 4, 7, 8, 255, 32767].map(qsgdCodeBits)).toEqual([2, 3, 3, 4, 4, 5, 9, 16]);
    expect(new QsgdCodec({ levels: 1 }, new RandomStreams(1)).encodedBytes(10)).toBe(4 + 3);
  });

  it('is unbiased: each coordinate mean within 5 standard errors of v_i', () => {
    const v = f32(0.3, -0.05, 0.11, 0, -0.42, 0.07, 0.2, -0.19);
    const count = 4000;
    const decoded = draws(v, 2, count);
    const variances = exactVariances(v, 2);
    v.forEach((x, i) => {
      const mean = decoded.reduce((sum, d) => sum + d[i]!, 0) / count;
      const bound = 5 * Math.sqrt(variances[i]! / count) + 1e-6;
      expect(Math.abs(mean - x)).toBeLessThanOrEqual(bound);
    });
  });

  it('has the exact variance, within the bound of Lemma 3.1: min(d/s^2, sqrt(d)/s)·‖v‖²', () => {
    const rng = new RandomStreams(5).stream('qsgd-variance');
    const cases = [
      { v: Float32Array.from({ length: 64 }, () => rng.normal()), s: 1, bucket: 64 },
      { v: Float32Array.from({ length: 64 }, () => rng.normal()), s: 4, bucket: 64 },
      { v: new Float32Array(64).fill(0.5), s: 3, bucket: 64 }, // flat: r = s/8 everywhere
      { v: Float32Array.from({ length: 64 }, () => rng.normal()), s: 2, bucket: 16 },
    ];
    for (const { v, s, bucket } of cases) {
      const count = 2000;
      const errors = draws(v, s, count, bucket).map((d) =>
        d.reduce((sum, y, i) => sum + (y - v[i]!) ** 2, 0),
      );
      const mean = errors.reduce((a, b) => a + b, 0) / count;
      const spread = Math.sqrt(errors.reduce((a, e) => a + (e - mean) ** 2, 0) / (count - 1));
      const exact = exactVariances(v, s, bucket).reduce((a, b) => a + b, 0);
      expect(Math.abs(mean - exact)).toBeLessThanOrEqual(5 * (spread / Math.sqrt(count)) + 1e-9);
      // Per bucket the lemma holds with B for d; summed over buckets, with the
      // float32 norms (each >= the bucket's true norm).
      let normSquared = 0;
      for (let start = 0; start < v.length; start += bucket)
        normSquared += QsgdCodec.norm(v, start, start + bucket) ** 2;
      expect(exact).toBeLessThanOrEqual(
        Math.min(bucket / s ** 2, Math.sqrt(bucket) / s) * normSquared,
      );
      expect(exact).toBeGreaterThan(0);
    }
  });

  it('draws from a stream per client and round: same key, same bytes', () => {
    const v = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i));
    const codec = new QsgdCodec({ levels: 3 }, new RandomStreams(2));
    const again = new QsgdCodec({ levels: 3 }, new RandomStreams(2));
    const at = { round: 4, clientId: 9 };
    expect(codec.encode(v, at)).toEqual(again.encode(v, at));
    expect(codec.encode(v, at)).not.toEqual(codec.encode(v, { round: 4, clientId: 8 }));
  });

  it('encodes an all-zero update as norm 0 and zeros', () => {
    const codec = new QsgdCodec({ levels: 4 }, new RandomStreams(1));
    const at = { round: 1, clientId: 0 };
    expect([...codec.decode(codec.encode(new Float32Array(5), at), 5, at)]).toEqual([
      0, 0, 0, 0, 0,
    ]);
  });

  it('refuses levels outside [1, 32767] and non-finite values', () => {
    const streams = new RandomStreams(1);
    expect(() => new QsgdCodec({ levels: 0 }, streams)).toThrow('levels(=0) must be an integer');
    expect(() => new QsgdCodec({ levels: 1.5 }, streams)).toThrow(RangeError);
    expect(() => new QsgdCodec({ levels: 32768 }, streams)).toThrow(RangeError);
    expect(() => new QsgdCodec({ levels: 2, bucket: 0 }, streams)).toThrow(
      'bucket(=0) must be an integer >= 1',
    );
    const codec = new QsgdCodec({ levels: 1 }, streams);
    expect(() => codec.encode(f32(1, Number.POSITIVE_INFINITY), { round: 1, clientId: 0 })).toThrow(
      'must be finite',
    );
  });
});
