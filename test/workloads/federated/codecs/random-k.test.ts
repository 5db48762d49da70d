/** Random-k: one seeded mask per round, shared by every client; only values on the wire. */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import { RandomKCodec, randomMask } from '../../../../src/workloads/federated/codecs/index.js';

describe('randomMask', () => {
  it('draws k distinct indices in [0, n), ascending', () => {
    const mask = randomMask(new RandomStreams(1), 1, 1000, 100);
    expect(mask.length).toBe(100);
    expect(new Set(mask).size).toBe(100);
    for (let j = 1; j < mask.length; j++) expect(mask[j]!).toBeGreaterThan(mask[j - 1]!);
    expect(mask[99]!).toBeLessThan(1000);
  });

  it('is the same for the same seed and round, and differs between rounds', () => {
    const a = randomMask(new RandomStreams(1), 3, 1000, 10);
    expect(randomMask(new RandomStreams(1), 3, 1000, 10)).toEqual(a);
    expect(randomMask(new RandomStreams(1), 4, 1000, 10)).not.toEqual(a);
  });

  it('picks each index with probability k/n (chi-square over 2,000 rounds)', () => {
    const n = 20;
    const k = 5;
    const rounds = 2000;
    const counts = new Array<number>(n).fill(0);
    const streams = new RandomStreams(9);
    for (let r = 1; r <= rounds; r++) for (const i of randomMask(streams, r, n, k)) counts[i]!++;
    const expected = (rounds * k) / n;
    const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: the 99.9% quantile is 43.8 (any chi-square table).
    expect(chiSquare).toBeLessThan(43.8);
  });
});

describe('RandomKCodec', () => {
  it('sends only the k values at the round mask, the same coordinates for every client', () => {
    const codec = new RandomKCodec({ ratio: 0.1 }, new RandomStreams(4));
    const mask = codec.mask(2, 50);
    const a = Float32Array.from({ length: 50 }, (_, i) => i + 1);
    const b = Float32Array.from({ length: 50 }, (_, i) => -(i + 1));
    const bytesA = codec.encode(a, { round: 2, clientId: 0 });
    expect(bytesA.length).toBe(5 * 4);
    expect([...new Float32Array(bytesA.slice().buffer)]).toEqual([...mask].map((i) => i + 1));
    const decodedB = codec.decode(codec.encode(b, { round: 2, clientId: 7 }), 50, {
      round: 2,
      clientId: 7,
    });
    const nonZero = [...decodedB.keys()].filter((i) => decodedB[i] !== 0);
    expect(nonZero).toEqual([...mask]);
  });

  it('refuses a ratio outside (0, 1]', () => {
    expect(() => new RandomKCodec({ ratio: 2 }, new RandomStreams(1))).toThrow(
      'ratio(=2) must be in (0, 1]',
    );
  });
});
