import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  boundedPareto,
  type Distribution,
  empirical,
  exponential,
  logGamma,
  lognormalFromMean,
  normal,
  poisson,
  type RandomStream,
  RandomStreams,
  trace,
  uniform,
} from '../../src/engine/index.js';

function draws(stream: RandomStream, n: number): number[] {
  return Array.from({ length: n }, () => stream.next());
}

function moments(
  dist: Distribution,
  rng: RandomStream,
  n: number,
): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = dist.sample(rng);
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean };
}

describe('random streams', () => {
  it("draw exactly seedrandom's Alea sequence for their key", () => {
    const ours = new RandomStreams(42).stream('arrivals', 'cameras/7');
    const theirs = seedrandom.alea('42/arrivals/cameras/7');
    expect(draws(ours, 1000)).toEqual(Array.from({ length: 1000 }, () => theirs()));
  });

  it('give the same draws for the same (seed, purpose, entity)', () => {
    const a = new RandomStreams(7).stream('arrivals', 3);
    const b = new RandomStreams(7).stream('arrivals', 3);
    expect(draws(a, 100)).toEqual(draws(b, 100));
  });

  it('give different draws for a different seed, purpose or entity', () => {
    const base = draws(new RandomStreams(7).stream('arrivals', 3), 10);
    expect(draws(new RandomStreams(8).stream('arrivals', 3), 10)).not.toEqual(base);
    expect(draws(new RandomStreams(7).stream('service', 3), 10)).not.toEqual(base);
    expect(draws(new RandomStreams(7).stream('arrivals', 4), 10)).not.toEqual(base);
  });

  it('leave existing entities untouched when an entity is added', () => {
    const fleet = (size: number) => {
      const streams = new RandomStreams(42);
      const perDevice = Array.from({ length: size }, (_, id) => streams.stream('spread', id));
      // Interleave draws across devices, as a simulation would.
      const out: number[][] = perDevice.map(() => []);
      for (let round = 0; round < 20; round++) {
        perDevice.forEach((s, id) => {
          out[id]!.push(s.next());
        });
      }
      return out;
    };
    const small = fleet(10);
    const large = fleet(11);
    expect(large.slice(0, 10)).toEqual(small);
  });

  it('rejects a seed that is not an integer', () => {
    expect(() => new RandomStreams(1.5)).toThrow(/seed\(=1.5\)/);
  });
});

describe('distributions', () => {
  const rng = () => new RandomStreams(2024).stream('distributions');
  const n = 200_000;

  it('uniform(2, 6) has mean 4 and variance 16/12', () => {
    const m = moments(uniform(2, 6), rng(), n);
    expect(m.mean).toBeCloseTo(4, 1);
    expect(m.variance).toBeCloseTo(16 / 12, 1);
  });

  it('exponential(mean 2) has mean 2 and variance 4', () => {
    const m = moments(exponential(2), rng(), n);
    expect(Math.abs(m.mean - 2) / 2).toBeLessThan(0.01);
    expect(Math.abs(m.variance - 4) / 4).toBeLessThan(0.03);
  });

  it('normal(3, 2) has mean 3 and variance 4', () => {
    const m = moments(normal(3, 2), rng(), n);
    expect(m.mean).toBeCloseTo(3, 1);
    expect(Math.abs(m.variance - 4) / 4).toBeLessThan(0.02);
  });

  it('lognormal from mean 5 and cv 0.5 has that mean and sd 2.5', () => {
    const dist = lognormalFromMean(5, 0.5);
    expect(dist.mean).toBeCloseTo(5, 12);
    const m = moments(dist, rng(), n);
    expect(Math.abs(m.mean - 5) / 5).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(m.variance) - 2.5) / 2.5).toBeLessThan(0.03);
  });

  it.each([0.5, 4, 29, 30, 250])(
    'poisson(%d) has mean and variance equal to its parameter',
    (mean) => {
      const m = moments(poisson(mean), rng(), n);
      expect(Math.abs(m.mean - mean) / mean).toBeLessThan(0.01);
      expect(Math.abs(m.variance - mean) / mean).toBeLessThan(0.03);
    },
  );

  it('poisson draws are integers', () => {
    const r = rng();
    const values = Array.from({ length: 1000 }, () => poisson(100).sample(r));
    expect(values.every(Number.isInteger)).toBe(true);
  });

  it('bounded Pareto stays in its bounds and matches its analytic mean', () => {
    // alpha = 1.5, [1, 100]: mean = (1/(1 - 0.01^1.5)) * 3 * (1 - 100^-0.5) = 3 * 0.9 / 0.999 = 2.7027...
    const dist = boundedPareto(1.5, 1, 100);
    expect(dist.mean).toBeCloseTo(2.7 / 0.999, 10);
    const r = rng();
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const x = dist.sample(r);
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(1);
    expect(max).toBeLessThanOrEqual(100);
    expect(Math.abs(sum / n - dist.mean) / dist.mean).toBeLessThan(0.02);
  });

  it('empirical resamples values in proportion to their weights', () => {
    const dist = empirical([10, 20, 30], [1, 2, 1]);
    expect(dist.mean).toBe(20);
    const r = rng();
    const counts = new Map<number, number>();
    for (let i = 0; i < 40_000; i++) {
      const x = dist.sample(r);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    expect(counts.get(20)! / 40_000).toBeCloseTo(0.5, 1);
    expect(counts.get(10)! / 40_000).toBeCloseTo(0.25, 1);
  });

  it('trace replays its values in order and cycles', () => {
    const dist = trace([3, 1, 2]);
    const r = rng();
    expect(Array.from({ length: 7 }, () => dist.sample(r))).toEqual([3, 1, 2, 3, 1, 2, 3]);
    expect(dist.mean).toBe(2);
  });

  it('rejects invalid parameters with the value in the message', () => {
    expect(() => exponential(-1)).toThrow(/exponential mean\(=-1\)/);
    expect(() => uniform(3, 3)).toThrow(/low\(=3\)/);
    expect(() => empirical([])).toThrow(/at least one value/);
  });

  it('logGamma matches factorials', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10);
  });
});
