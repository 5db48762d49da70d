import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { InputError } from '../../../src/errors.js';
import {
  type ArrivalProcess,
  arrivalProcess,
  arrivalSpec,
  parseArrivalTrace,
} from '../../../src/workloads/arrivals.js';

const DAY_S = 86_400;
const fixtures = 'test/fixtures/traces';

/** Busy by day, quiet at night; mean 1. */
const PROFILE = [
  0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.5, 1.6, 1.6, 1.7, 1.8, 1.7, 1.6, 1.5, 1.4, 1.4, 1.3,
  1.2, 1.0, 0.8, 0.5, 0.4,
];

function arrivals(input: unknown, seed: number, entity = 0): ArrivalProcess {
  const rng = new RandomStreams(seed).stream('arrivals', entity);
  return arrivalProcess(arrivalSpec.parse(input), rng, { baseDir: fixtures });
}

/** Arrival times before `horizonS`; throws if one goes back in time. */
function until(process: ArrivalProcess, horizonS: number): Float64Array {
  const times: number[] = [];
  for (let t = process.next(); t < horizonS; t = process.next()) {
    if (t < (times.at(-1) ?? 0))
      throw new Error(`arrival ${times.length} at ${t} goes back in time`);
    times.push(t);
  }
  return Float64Array.from(times);
}

function firstN(process: ArrivalProcess, n: number): number[] {
  return Array.from({ length: n }, () => process.next());
}

/** Arrivals per consecutive window of `windowS` over [0, horizonS). */
function windowCounts(process: ArrivalProcess, windowS: number, horizonS: number): Float64Array {
  const counts = new Float64Array(Math.floor(horizonS / windowS));
  for (let t = process.next(); t < horizonS; t = process.next()) {
    counts[Math.floor(t / windowS)]! += 1;
  }
  return counts;
}

function countUntil(process: ArrivalProcess, horizonS: number): number {
  let count = 0;
  for (let t = process.next(); t < horizonS; t = process.next()) count++;
  return count;
}

function meanAndVariance(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    sumSq += values[i]! * values[i]!;
  }
  const mean = sum / values.length;
  return { mean, variance: sumSq / values.length - mean * mean };
}

function relativeError(measured: number, expected: number): number {
  return Math.abs(measured / expected - 1);
}

describe('arrival processes', () => {
  it('poisson: rate and exponential gaps (CV 1) (seed 1, 250,000 s)', () => {
    const process = arrivals({ kind: 'poisson', rate: '2/s' }, 1);
    const times = until(process, 250_000);
    expect(process.meanRatePerS).toBe(2);
    expect(relativeError(times.length / 250_000, 2)).toBeLessThan(0.01);
    const gaps = times.map((t, i) => t - (i > 0 ? times[i - 1]! : 0));
    const { mean, variance } = meanAndVariance(gaps);
    expect(Math.abs(Math.sqrt(variance) / mean - 1)).toBeLessThan(0.02);
  });

  it('diurnal: `rate` is the daily mean; hourly counts follow the profile (seed 2, 20 days)', () => {
    const startHour = 6;
    const process = arrivals({ kind: 'diurnal', rate: '1/s', profile: PROFILE, startHour }, 2);
    const times = until(process, 20 * DAY_S);
    expect(process.meanRatePerS).toBe(1);
    expect(relativeError(times.length / (20 * DAY_S), 1)).toBeLessThan(0.01);
    const byHour = new Float64Array(24);
    for (const t of times) byHour[(startHour + Math.floor(t / 3600)) % 24]! += 1;
    byHour.forEach((count, hour) => {
      expect(relativeError(count, PROFILE[hour]! * 3600 * 20)).toBeLessThan(0.05);
    });
  });

  it('diurnal: only the profile shape matters (a scaled profile gives the same arrivals)', () => {
    const spec = { kind: 'diurnal', rate: '0.5/s', profile: PROFILE };
    const doubled = { ...spec, profile: PROFILE.map((v) => 2 * v) };
    expect(firstN(arrivals(doubled, 3), 100)).toEqual(firstN(arrivals(spec, 3), 100));
  });

  const burstAndCalm = {
    kind: 'mmpp',
    states: [
      { rate: '10/s', meanDuration: '30 s' },
      { rate: '0.5/s', meanDuration: '5 min' },
    ],
  };

  it('mmpp: rate is the duration-weighted mean of the state rates (seed 4, 2e7 s)', () => {
    const process = arrivals(burstAndCalm, 4);
    const expected = (10 * 30 + 0.5 * 300) / 330;
    expect(process.meanRatePerS).toBeCloseTo(expected, 12);
    expect(relativeError(countUntil(process, 2e7) / 2e7, expected)).toBeLessThan(0.02);
  });

  it('mmpp: counts are overdispersed as the two-state formula predicts (seed 5)', () => {
    const windowS = 60;
    const { mean, variance } = meanAndVariance(
      windowCounts(arrivals(burstAndCalm, 5), windowS, 1e7),
    );
    // Index of dispersion of an MMPP-2 over a window L, with s = q1 + q2:
    // 1 + 2 p1 p2 (r1 - r2)^2 / (rate s) * (1 - (1 - e^(-sL)) / (sL)).
    const s = 1 / 30 + 1 / 300;
    const rate = 450 / 330;
    const p1 = 30 / 330;
    const sl = s * windowS;
    const expected =
      1 + ((2 * p1 * (1 - p1) * 9.5 ** 2) / (rate * s)) * (1 - (1 - Math.exp(-sl)) / sl);
    expect(variance / mean).toBeGreaterThan(1);
    expect(relativeError(variance / mean, expected)).toBeLessThan(0.05);
  });

  it('periodic: one arrival per interval, each within its jitter (seed 6)', () => {
    const process = arrivals({ kind: 'periodic', interval: '1 s', jitter: '10 ms' }, 6);
    const times = firstN(process, 10_000);
    expect(process.meanRatePerS).toBe(1);
    // Arrival k is phase + k + U[0, 10 ms): the offsets from k share one phase.
    const offsets = times.map((t, k) => t - k);
    const spreadS = Math.max(...offsets) - Math.min(...offsets);
    expect(spreadS).toBeLessThan(0.01);
    expect(spreadS).toBeGreaterThan(0.0099);
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThan(1.01);
  });

  it('periodic: devices get different phases, so a fleet does not fire at once', () => {
    const spec = { kind: 'periodic', interval: '10 s' };
    const firsts = new Set(Array.from({ length: 50 }, (_, d) => arrivals(spec, 7, d).next()));
    expect(firsts.size).toBe(50);
  });

  it('the same stream gives the same arrivals; another device gives others', () => {
    const first = firstN(arrivals(burstAndCalm, 8, 3), 1000);
    expect(firstN(arrivals(burstAndCalm, 8, 3), 1000)).toEqual(first);
    expect(firstN(arrivals(burstAndCalm, 8, 4), 1000)).not.toEqual(first);
  });

  it('rejects bad values at the field that holds them', () => {
    const paths = (input: unknown) => arrivalSpec.safeParse(input).error?.issues.map((i) => i.path);
    expect(paths({ kind: 'poisson', rate: '-2/s' })).toEqual([['rate']]);
    expect(paths({ kind: 'diurnal', rate: 1, profile: PROFILE.slice(1) })).toEqual([['profile']]);
    expect(paths({ kind: 'diurnal', rate: 1, profile: Array(24).fill(0) })).toEqual([['profile']]);
    expect(paths({ kind: 'periodic', interval: '1 s', jitter: '2 s' })).toEqual([['jitter']]);
    const silent = { kind: 'mmpp', states: [{ rate: 0, meanDuration: '1 s' }] };
    expect(paths(silent)).toEqual([['states']]);
  });
});

describe('arrival traces', () => {
  it('replays the `time_s` column once, then gives Infinity', () => {
    const process = arrivals({ kind: 'trace', file: 'arrivals.csv' }, 1);
    expect(firstN(process, 6)).toEqual([0.5, 1.25, 1.25, 4, Infinity, Infinity]);
    expect(process.meanRatePerS).toBe(1);
  });

  it('repeats every period when one is given', () => {
    const process = arrivals({ kind: 'trace', file: 'arrivals.csv', period: '5 s' }, 1);
    expect(firstN(process, 6)).toEqual([0.5, 1.25, 1.25, 4, 5.5, 6.25]);
    expect(process.meanRatePerS).toBe(0.8);
  });

  it('reads one time per line without a header', () => {
    expect([...parseArrivalTrace('0\n# comment\n2.5\n\n3e1\n', 'a.txt')]).toEqual([0, 2.5, 30]);
  });

  it('a malformed or unordered trace gives an InputError naming the file, line and value', () => {
    expect(() => parseArrivalTrace('1\n2\nsoon\n', 'a.txt')).toThrow(
      new InputError('a.txt', [
        { path: 'line 3', message: 'expected a number in column time_s', value: 'soon' },
      ]),
    );
    expect(() => parseArrivalTrace('time_s\n1\n0.5\n', 'b.csv')).toThrow(
      'b.csv: line 3: time_s must be >= the previous time (1) (got 0.5)',
    );
  });
});
