import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { ReservoirBuffer, replayMemoryBytes } from '../../../src/ml/continual/reservoir.js';

/** A stream that answers `integer` from a script, checking each draw's range. */
function scripted(draws: number[]) {
  let i = 0;
  return {
    integer(n: number): number {
      const d = draws[i++]!;
      expect(d).toBeLessThan(n);
      return d;
    },
  };
}

/** Offers samples 0..n-1 (one feature: its index) and returns the indices kept. */
function kept(buffer: ReservoirBuffer, n: number): number[] {
  for (let i = 0; i < n; i++) buffer.offer([i], i % 10);
  return [...buffer.offerIndices()];
}

/** Every sequence of Algorithm R's draws for n offers into M slots: j_t in [0, t] for t = M..n-1. */
function allDrawSequences(m: number, n: number): number[][] {
  let paths: number[][] = [[]];
  for (let t = m; t < n; t++) {
    paths = paths.flatMap((p) => Array.from({ length: t + 1 }, (_, j) => [...p, j]));
  }
  return paths;
}

describe('reservoir buffer (Algorithm R)', () => {
  for (const [m, n] of [
    [1, 3],
    [2, 4],
    [2, 5],
  ] as const) {
    it(`over all equally likely draw sequences, M=${m} of n=${n} keeps each sample in M/n of them`, () => {
      // M=1, n=3: 2 x 3 = 6 sequences, each sample kept in 6 * 1/3 = 2.
      // M=2, n=4: 3 x 4 = 12 sequences, each kept in 12 * 2/4 = 6; M=2, n=5: 60 sequences, 24 each.
      const paths = allDrawSequences(m, n);
      const counts = new Array<number>(n).fill(0);
      for (const draws of paths) {
        for (const i of kept(new ReservoirBuffer(m, 1, scripted(draws)), n)) counts[i]!++;
      }
      expect(counts).toEqual(new Array(n).fill((paths.length * m) / n));
    });
  }

  it('with seeded streams, keep counts over 4,000 seeds pass a chi-square test at p = 0.001', () => {
    // M = 5 of n = 20: each index kept with probability 1/4, expected 1,000 times in 4,000 runs;
    // the chi-square statistic over 20 cells has 19 degrees of freedom, 0.999 quantile 43.82.
    const runs = 4000;
    const counts = new Array<number>(20).fill(0);
    for (let seed = 0; seed < runs; seed++) {
      const buffer = new ReservoirBuffer(5, 1, new RandomStreams(seed).stream('replay'));
      for (const i of kept(buffer, 20)) counts[i]!++;
    }
    const chi2 = counts.reduce((s, c) => s + (c - 1000) ** 2 / 1000, 0);
    expect(chi2).toBeLessThan(43.82);
  });

  it('the same seed gives the same buffer; another seed another', () => {
    const run = (seed: number) => {
      const buffer = new ReservoirBuffer(8, 2, new RandomStreams(seed).stream('replay', 3));
      for (let i = 0; i < 100; i++) buffer.offer([i, -i], i % 7);
      return buffer.toDataset({ sampleShape: [2], numClasses: 7 });
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1).features).not.toEqual(run(2).features);
    const d = run(1);
    expect(d.count).toBe(8);
    for (let s = 0; s < 8; s++) expect(d.labels[s]).toBe(d.features[2 * s]! % 7);
  });

  it('holds min(seen, M) samples and M = 0 keeps none', () => {
    const streams = new RandomStreams(1);
    const small = new ReservoirBuffer(4, 1, streams.stream('r'));
    kept(small, 3);
    expect([small.seen, small.size]).toEqual([3, 3]);
    const none = new ReservoirBuffer(0, 1, streams.stream('r'));
    expect(kept(none, 5)).toEqual([]);
    expect(none.size).toBe(0);
  });

  it('memory is M x (features x bytes per element + label bytes)', () => {
    // 200 MNIST digits: float32 200 * (784 * 4 + 4) = 628,000 B; uint8 pixels 200 * (784 + 4) = 157,600 B.
    expect(replayMemoryBytes(200, 784)).toBe(628_000);
    expect(replayMemoryBytes(200, 784, { bytesPerElement: 1 })).toBe(157_600);
    const buffer = new ReservoirBuffer(200, 784, new RandomStreams(1).stream('r'));
    expect(buffer.memoryBytes()).toBe(628_000);
  });

  it('refuses M < 0 and a sample of the wrong width, naming the value', () => {
    const s = new RandomStreams(1).stream('r');
    expect(() => new ReservoirBuffer(-1, 4, s)).toThrow(/capacity\(=-1\) must be an integer >= 0/);
    expect(() => new ReservoirBuffer(2.5, 4, s)).toThrow(/capacity\(=2.5\)/);
    expect(() => new ReservoirBuffer(2, 4, s).offer([1, 2], 0)).toThrow(
      /2 features; the buffer holds 4/,
    );
  });
});
