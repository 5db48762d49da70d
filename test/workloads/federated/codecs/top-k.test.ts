/**
 * Top-k sparsification: the selection (hand-worked entries, ties to the
 * lower index, the sampled path against a sort), the wire bytes of a
 * hand-worked example, exact values on decode, and bad ratios.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import { TopKCodec, topKIndices } from '../../../../src/workloads/federated/codecs/index.js';

const AT = { round: 1, clientId: 0 };
const f32 = (...values: number[]) => Float32Array.from(values);

/** The top-k by a full sort: |x| descending, index ascending; returned ascending. */
function sortedTopK(values: Float32Array, k: number): number[] {
  const order = Array.from(values.keys()).sort(
    (a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || a - b,
  );
  return order.slice(0, k).sort((a, b) => a - b);
}

describe('topKIndices', () => {
  it('picks the largest magnitudes, either sign, the lower index winning a tie', () => {
    // |x| = 0.5 3 2 2 1 3 0: both 3s, then the 2 at index 2 (not index 3).
    expect([...topKIndices(f32(0.5, -3, 2, -2, 1, 3, 0), 3)]).toEqual([1, 2, 5]);
  });

  it('breaks a tie among all-equal magnitudes by index', () => {
    expect([...topKIndices(f32(1, -1, 1, -1), 2)]).toEqual([0, 1]);
  });

  it('returns every index when k = n', () => {
    expect([...topKIndices(f32(0, 2, 1), 3)]).toEqual([0, 1, 2]);
  });

  it('agrees with a full sort on the sampled path (n = 200,000, k = 1%)', () => {
    const rng = new RandomStreams(7).stream('top-k-test');
    const values = Float32Array.from({ length: 200_000 }, () => rng.normal());
    expect([...topKIndices(values, 2000)]).toEqual(sortedTopK(values, 2000));
  });

  it('agrees with a full sort under heavy ties (integers -50..50)', () => {
    const rng = new RandomStreams(7).stream('top-k-ties');
    const values = Float32Array.from({ length: 200_000 }, () => rng.integer(101) - 50);
    expect([...topKIndices(values, 3000)]).toEqual(sortedTopK(values, 3000));
  });

  it('falls back to the exact path when the sample bound lists too many (all equal)', () => {
    const values = new Float32Array(100_000).fill(0.25);
    const picked = topKIndices(values, 1000);
    expect(picked[0]).toBe(0);
    expect(picked[999]).toBe(999);
  });

  it('refuses k outside [1, n]', () => {
    expect(() => topKIndices(f32(1, 2), 0)).toThrow('k(=0) must be an integer in [1, 2]');
    expect(() => topKIndices(f32(1, 2), 3)).toThrow(RangeError);
  });
});

describe('TopKCodec', () => {
  it('writes the hand-worked bytes: 3-bit packed indices, then float32 values', () => {
    // n = 7, ratio 3/7 -> k = 3, indices 1, 2, 5 at 3 bits: 001 010 101, LSB first
    // -> byte 0 = 1 + (2 << 3) + ((5 & 3) << 6) = 0x51, byte 1 = 5 >> 2 = 0x01.
    const codec = new TopKCodec({ ratio: 3 / 7 });
    const bytes = codec.encode(f32(0.5, -3, 2, -2, 1, 3, 0), AT);
    const values = new Uint8Array(f32(-3, 2, 3).buffer);
    expect([...bytes]).toEqual([0x51, 0x01, ...values]);
    expect(codec.encodedBytes(7)).toBe(14);
  });

  it('decodes the selected values exactly and zeros the rest', () => {
    const codec = new TopKCodec({ ratio: 3 / 7 });
    const delta = f32(0.1, -0.7, 0.30000001, 1e-8, 0.2, 123.456, -0.29);
    const decoded = codec.decode(codec.encode(delta, AT), 7, AT);
    expect([...decoded]).toEqual([0, delta[1], delta[2], 0, 0, delta[5], 0]);
  });

  it('sends fp16 values when asked, half the value bytes', () => {
    const codec = new TopKCodec({ ratio: 0.5, values: 'fp16' });
    const decoded = codec.decode(codec.encode(f32(1.5, -0.1, 3, 0), AT), 4, AT);
    expect([...decoded]).toEqual([1.5, 0, 3, 0]);
    expect(codec.encodedBytes(4)).toBe(1 + 2 * 2);
  });

  it('refuses a ratio outside (0, 1] with the value in the message', () => {
    for (const ratio of [0, -0.1, 1.5, Number.NaN])
      expect(() => new TopKCodec({ ratio })).toThrow(`ratio(=${ratio}) must be in (0, 1]`);
  });

  it('refuses a non-finite value, which ranks above every finite one', () => {
    const codec = new TopKCodec({ ratio: 0.25 });
    expect(() => codec.encode(f32(1, Number.NaN, 2, 3), AT)).toThrow('must be finite');
  });

  it('refuses bytes of another model size', () => {
    const codec = new TopKCodec({ ratio: 0.5 });
    expect(() => codec.decode(new Uint8Array(3), 4, AT)).toThrow('expected');
  });
});
