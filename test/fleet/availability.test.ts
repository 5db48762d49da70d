import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/random.js';
import { InputError } from '../../src/errors.js';
import {
  type AvailabilitySpec,
  availabilityProcess,
  availabilitySpec,
  failureProcess,
  failureSpec,
  type OnOffProcess,
  parseAvailabilityTrace,
} from '../../src/fleet/availability.js';

const DAY_S = 86_400;
const fixtures = 'test/fixtures/traces';

/** A profile that is low at night and high by day, mean 0.5125. */
const PROFILE = [
  0.1, 0.05, 0.05, 0.05, 0.1, 0.2, 0.4, 0.6, 0.7, 0.8, 0.8, 0.9, 0.9, 0.9, 0.85, 0.8, 0.8, 0.8, 0.7,
  0.6, 0.5, 0.4, 0.2, 0.1,
];

function stream(seed: number, entity = 0) {
  return new RandomStreams(seed).stream('availability', entity);
}

function availability(input: unknown, seed: number, entity = 0): OnOffProcess {
  return availabilityProcess(availabilitySpec.parse(input), stream(seed, entity));
}

/** Time-weighted fraction of [0, horizonS) spent on; NaN if a change fails to move time on. */
function onFraction(process: OnOffProcess, horizonS: number): number {
  let on = process.initiallyOn;
  let onS = 0;
  for (let t = 0; t < horizonS; on = !on) {
    const next = process.nextChange(t);
    if (!(next > t)) return Number.NaN;
    if (on) onS += Math.min(next, horizonS) - t;
    t = next;
  }
  return onS / horizonS;
}

/** Whether the process is on at time `atS`. */
function onAt(process: OnOffProcess, atS: number): boolean {
  let on = process.initiallyOn;
  for (let t = process.nextChange(0); t <= atS; t = process.nextChange(t)) on = !on;
  return on;
}

/** Up to `count` change times, stopping early at Infinity. */
function changes(process: OnOffProcess, count: number): number[] {
  const times: number[] = [];
  for (let t = process.nextChange(0); t < Infinity && times.length < count; ) {
    times.push(t);
    if (times.length < count) t = process.nextChange(t);
  }
  return times;
}

function issuePaths(schema: typeof availabilitySpec | typeof failureSpec, input: unknown) {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error!.issues.map((issue) => issue.path);
}

describe('availability', () => {
  it('always: on from time 0, never changes', () => {
    const process = availability({ kind: 'always' }, 1);
    expect(process.initiallyOn).toBe(true);
    expect(process.nextChange(0)).toBe(Infinity);
    expect(process.longRunOnFraction).toBe(1);
  });

  it('markov: long-run on fraction is meanOn / (meanOn + meanOff) (seed 1, 1e9 s)', () => {
    const process = availability({ kind: 'markov', meanOn: '2 h', meanOff: '30 min' }, 1);
    expect(process.longRunOnFraction).toBe(0.8);
    expect(Math.abs(onFraction(process, 1e9) - 0.8)).toBeLessThan(0.01);
  });

  it('markov: starts on with the stationary probability (seed 2, 4000 devices)', () => {
    const spec = { kind: 'markov', meanOn: '2 h', meanOff: '30 min' };
    let on = 0;
    for (let d = 0; d < 4000; d++) if (availability(spec, 2, d).initiallyOn) on++;
    expect(Math.abs(on / 4000 - 0.8)).toBeLessThan(0.025);
  });

  for (const meanSession of [undefined, '20 min']) {
    const spec = { kind: 'diurnal', onlineFraction: PROFILE, meanSession };
    const label = meanSession === undefined ? 'hourly redraw' : `sessions of ${meanSession}`;

    it(`diurnal (${label}): long-run fraction is the mean of the 24 values (seed 3, 10,000 days)`, () => {
      const process = availability(spec, 3);
      expect(process.longRunOnFraction).toBeCloseTo(0.5125, 12);
      expect(Math.abs(onFraction(process, 10_000 * DAY_S) - 0.5125)).toBeLessThan(0.01);
    });

    it(`diurnal (${label}): P(on) in hour h is that hour's value (seed 4, 4000 devices)`, () => {
      for (const [hour, atS] of [
        [3, 3.5 * 3600],
        [14, 14.5 * 3600],
        [14, DAY_S + 14.9 * 3600],
      ] as const) {
        let on = 0;
        for (let d = 0; d < 4000; d++) if (onAt(availability(spec, 4, d), atS)) on++;
        expect(Math.abs(on / 4000 - PROFILE[hour]!)).toBeLessThan(0.03);
      }
    });
  }

  it('diurnal: startHour sets the clock at time 0, so the first hour boundary comes early', () => {
    const spec = { kind: 'diurnal', onlineFraction: [...Array(12).fill(0), ...Array(12).fill(1)] };
    const process = availability({ ...spec, startHour: 11.5 }, 5);
    expect(process.initiallyOn).toBe(false);
    expect(process.nextChange(0)).toBe(1800);
    expect(process.nextChange(1800)).toBe(1800 + 12 * 3600);
  });

  it('diurnal: an all-ones profile stays on forever', () => {
    const process = availability({ kind: 'diurnal', onlineFraction: Array(24).fill(1) }, 6);
    expect(process.initiallyOn).toBe(true);
    expect(process.nextChange(0)).toBe(Infinity);
  });

  it('the same stream gives the same changes; another device gives others', () => {
    const spec = { kind: 'diurnal', onlineFraction: PROFILE, meanSession: '20 min' };
    const first = changes(availability(spec, 7, 12), 1000);
    expect(changes(availability(spec, 7, 12), 1000)).toEqual(first);
    expect(changes(availability(spec, 7, 13), 1000)).not.toEqual(first);
  });

  it('rejects bad values at the field that holds them', () => {
    expect(issuePaths(availabilitySpec, { kind: 'markov', meanOn: '-2 h', meanOff: 60 })).toEqual([
      ['meanOn'],
    ]);
    const short = { kind: 'diurnal', onlineFraction: PROFILE.slice(0, 23) };
    expect(issuePaths(availabilitySpec, short)).toEqual([['onlineFraction']]);
    const tooHigh = { kind: 'diurnal', onlineFraction: PROFILE.map((p, h) => (h === 5 ? 1.2 : p)) };
    expect(issuePaths(availabilitySpec, tooHigh)).toEqual([['onlineFraction', 5]]);
    expect(issuePaths(failureSpec, { mtbf: '30 days', mttr: '0 h' })).toEqual([['mttr']]);
  });
});

describe('availability traces', () => {
  const spec = (period?: string): AvailabilitySpec =>
    availabilitySpec.parse({ kind: 'trace', file: 'online.csv', period });
  const onceOrLooping = (period?: string) =>
    availabilityProcess(spec(period), stream(1), { baseDir: fixtures });

  it('replays the intervals once, merging touching ones, then stays off', () => {
    const process = onceOrLooping();
    expect(process.initiallyOn).toBe(true);
    expect(changes(process, 10)).toEqual([3600, 7200, 14400, 20000, DAY_S]);
    expect(process.nextChange(DAY_S)).toBe(Infinity);
    expect(process.longRunOnFraction).toBeCloseTo(77_200 / DAY_S, 12);
  });

  it('loops with its period, joining an interval that ends at the period to one at 0', () => {
    const process = onceOrLooping('1 day');
    const loop = [3600, 7200, 14400, 20000];
    expect(changes(process, 8)).toEqual([...loop, ...loop.map((t) => t + DAY_S)]);
    expect(process.longRunOnFraction).toBeCloseTo(77_200 / DAY_S, 12);
  });

  it('adds a change at the period when the state there differs from time 0', () => {
    const process = onceOrLooping('2 days');
    expect(changes(process, 6)).toEqual([3600, 7200, 14400, 20000, DAY_S, 2 * DAY_S]);
    expect(process.nextChange(2 * DAY_S)).toBe(2 * DAY_S + 3600);
  });

  it('a malformed file gives an InputError naming the file, the line and the value', () => {
    const bad = availabilitySpec.parse({ kind: 'trace', file: 'online-bad.csv' });
    const error = catchError(() => availabilityProcess(bad, stream(1), { baseDir: fixtures }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `${fixtures}/online-bad.csv: line 3: expected a number in column end_s (got "abc")`,
    );
  });

  it('overlapping intervals give an InputError at the later line', () => {
    const error = catchError(() =>
      parseAvailabilityTrace('start_s,end_s\n0,100\n50,200\n', 'x.csv'),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      "x.csv: line 3: start_s must be >= the previous interval's end (100) (got 50)",
    );
  });

  it('a missing file gives an InputError naming it', () => {
    const missing = availabilitySpec.parse({ kind: 'trace', file: 'nope.csv' });
    const error = catchError(() => availabilityProcess(missing, stream(1), { baseDir: fixtures }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`${fixtures}/nope.csv: no such file`);
  });
});

describe('failures', () => {
  it('exponential repair: long-run up fraction is mtbf / (mtbf + mttr) (seed 8, 1e5 cycles)', () => {
    const process = failureProcess(failureSpec.parse({ mtbf: '30 days', mttr: '4 h' }), stream(8));
    expect(process.longRunOnFraction).toBeCloseTo(720 / 724, 12);
    const fraction = onFraction(process, 1e5 * (30 * DAY_S + 4 * 3600));
    expect(Math.abs(fraction - 720 / 724)).toBeLessThan(0.01);
  });

  it('deterministic repair: every repair takes mttr, long-run fraction holds (seed 9)', () => {
    const spec = failureSpec.parse({ mtbf: '10 h', mttr: '2 h', repair: 'deterministic' });
    const process = failureProcess(spec, stream(9));
    expect(Math.abs(onFraction(process, 1e5 * 12 * 3600) - 10 / 12)).toBeLessThan(0.01);
    const replay = failureProcess(spec, stream(10));
    const times = changes(replay, 201);
    // Changes alternate failure, repair done; a device that starts down first finishes
    // a residual repair, so its first full repair ends at index 2.
    for (let i = replay.initiallyOn ? 1 : 2; i < times.length; i += 2) {
      expect(times[i]! - times[i - 1]!).toBeCloseTo(7200, 6);
    }
  });
});

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
