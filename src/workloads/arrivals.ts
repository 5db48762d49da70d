/**
 * When a device sends inference requests: arrival processes generated lazily,
 * one arrival at a time, each drawing only from the stream it is built with
 * (one per device, so devices never share draws).
 */
import { z } from 'zod';
import type { RandomStream } from '../engine/random.js';
import { InputError, type InputProblem } from '../errors.js';
import { hourlyValues, startHour } from '../fleet/availability.js';
import { parseNumericCsv } from '../scenario/data-file.js';
import { readNamedTrace } from '../scenario/input-cache.js';
import type { TraceReadOptions } from '../scenario/input-file.js';
import {
  MAX_DURATION_S,
  MAX_MMPP_STATES,
  MAX_RATE_PER_S,
  MIN_INTERVAL_S,
} from '../scenario/limits.js';
import { quantity } from '../scenario/units.js';

/** A stream of arrival times, generated on demand. */
export interface ArrivalProcess {
  /** Absolute time (s) of the next arrival after the previous one (first call: after 0). Infinity when none. */
  next(): number;
  /** Long-run mean arrivals per second (analytic; for a trace, over the span it covers). */
  readonly meanRatePerS: number;
}

const HOUR_S = 3600;
const positive = { min: 0, exclusiveMin: true } as const;
/** Bounds of a request rate and of a duration (see scenario/limits.ts for why). */
const rate = { ...positive, max: MAX_RATE_PER_S } as const;
const positiveDuration = { ...positive, max: MAX_DURATION_S } as const;

/**
 * Arrivals in a scenario file:
 *
 * ```yaml
 * arrivals: { kind: poisson, rate: 2/s }
 * arrivals: { kind: diurnal, rate: 2/s, profile: [0.2, 0.1, ...24 multipliers] }
 * arrivals: { kind: mmpp, states: [{ rate: 10/s, meanDuration: 30 s }, { rate: 0.5/s, meanDuration: 5 min }] }
 * arrivals: { kind: periodic, interval: 1 s, jitter: 10 ms }
 * arrivals: { kind: trace, file: arrivals.csv }
 * ```
 */
export const arrivalSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('poisson'),
    rate: quantity('rate', rate, 'Requests per second per device'),
  }),
  z.strictObject({
    kind: z.literal('diurnal'),
    rate: quantity('rate', rate, 'Mean requests per second per device over the day'),
    profile: hourlyValues(
      z.number().min(0),
      'Relative rate in each hour of the day (only the shape matters: hour h gets rate * profile[h] / mean(profile))',
    ).refine((p) => p.some((v) => v > 0), 'must have at least one value > 0'),
    startHour,
  }),
  z.strictObject({
    kind: z.literal('mmpp'),
    states: z
      .array(
        z.strictObject({
          rate: quantity(
            'rate',
            { min: 0, max: MAX_RATE_PER_S },
            'Requests per second while in this state',
          ),
          meanDuration: quantity(
            'duration',
            positiveDuration,
            'Mean time in this state (exponential)',
          ),
        }),
      )
      .min(1)
      .max(MAX_MMPP_STATES)
      .refine((s) => s.some((state) => state.rate > 0), 'must have a state with rate > 0')
      .describe('States visited in a cycle: 1, 2, ..., n, 1, ...'),
  }),
  z
    .strictObject({
      kind: z.literal('periodic'),
      interval: quantity(
        'duration',
        { min: MIN_INTERVAL_S, max: MAX_DURATION_S },
        'Time between requests',
      ),
      jitter: quantity(
        'duration',
        { min: 0, max: MAX_DURATION_S },
        'Each request is delayed by uniform [0, jitter)',
      ).default(0),
    })
    .refine((p) => p.jitter <= p.interval, {
      message: 'must be <= interval (so requests stay in order)',
      path: ['jitter'],
    }),
  z.strictObject({
    kind: z.literal('trace'),
    file: z
      .string()
      .min(1)
      .max(4096) // PATH_MAX
      .describe('Arrival times (s), one per line or a `time_s` column'),
    period: quantity(
      'duration',
      positiveDuration,
      'The trace repeats with this period; absent: it plays once',
    ).optional(),
  }),
]);
export type ArrivalSpec = z.output<typeof arrivalSpec>;

/**
 * Builds a device's arrival process. Models:
 * - `poisson`: exponential gaps with mean 1 / rate.
 * - `diurnal`: non-homogeneous Poisson with rate * profile[h] / mean(profile)
 *   in clock hour h, so `rate` is the daily mean (and `meanRatePerS`); generated
 *   exactly by thinning (Lewis and Shedler 1979) from the peak rate.
 * - `mmpp`: Markov-modulated Poisson, states visited cyclically (1, 2, ..., n, 1),
 *   each for an exponential time; with two states this is the usual two-state
 *   CTMC. The state at time 0 is drawn from the stationary distribution
 *   (P(i) proportional to meanDuration_i), so meanRatePerS =
 *   sum(rate_i * meanDuration_i) / sum(meanDuration_i) holds from the start.
 * - `periodic`: arrival k at phase + k * interval + U[0, jitter), with the phase
 *   drawn uniform on [0, interval) per device so a fleet does not fire in lockstep.
 * - `trace`: the file's times in order ({@link parseArrivalTrace}); with `period`
 *   they repeat every period, otherwise next() gives Infinity after the last one
 *   and meanRatePerS is count / last time. Draws nothing.
 *
 * Throws an {@link InputError} if a trace file is missing or malformed.
 */
export function arrivalProcess(
  spec: ArrivalSpec,
  rng: RandomStream,
  options: TraceReadOptions = {},
): ArrivalProcess {
  switch (spec.kind) {
    case 'poisson':
      return new PoissonArrivals(spec.rate, rng);
    case 'diurnal':
      return diurnalPoisson(spec.rate, spec.profile, spec.startHour, rng);
    case 'mmpp':
      return markovModulated(spec.states, rng);
    case 'periodic': {
      const phaseS = rng.uniform(0, spec.interval);
      let k = 0;
      return {
        meanRatePerS: 1 / spec.interval,
        next: () =>
          phaseS + k++ * spec.interval + (spec.jitter > 0 ? rng.uniform(0, spec.jitter) : 0),
      };
    }
    case 'trace':
      return replayArrivals(readArrivalTrace(spec, options), spec.period);
  }
}

const ARRIVAL_PARSER = { id: 'arrival-trace', parse: parseArrivalTrace };

/**
 * The arrival times of a trace spec, read and parsed once per file however
 * many devices name it (see input-cache.ts), checked against its `period`.
 * Throws an {@link InputError} naming the scenario file and field (with
 * `namedIn`), the trace file and its bad lines.
 */
export function readArrivalTrace(
  spec: { file: string; period?: number | undefined },
  options: TraceReadOptions = {},
): Float64Array {
  return readNamedTrace(spec.file, ARRIVAL_PARSER, options, {
    field: 'file',
    period: spec.period,
    pastPeriod: (timesS, period, path) => {
      const lastS = timesS[timesS.length - 1] as number;
      return lastS >= period
        ? `the last arrival (${lastS} s, in ${path}) must come before the trace's period`
        : undefined;
    },
  });
}

function diurnalPoisson(
  meanRate: number,
  profile: readonly number[],
  start: number,
  rng: RandomStream,
): ArrivalProcess {
  const profileMean = profile.reduce((a, b) => a + b, 0) / profile.length;
  const peak = Math.max(...profile);
  const meanGapS = profileMean / (meanRate * peak);
  let t = 0;
  return {
    meanRatePerS: meanRate,
    next() {
      for (;;) {
        t += rng.exponential(meanGapS);
        const hour = Math.floor(start + t / HOUR_S) % 24;
        if (rng.next() * peak < profile[hour]!) return t;
      }
    },
  };
}

function markovModulated(
  states: readonly { rate: number; meanDuration: number }[],
  rng: RandomStream,
): ArrivalProcess {
  const totalS = states.reduce((sum, s) => sum + s.meanDuration, 0);
  let state = 0;
  for (let u = rng.next() * totalS; state < states.length - 1; state++) {
    u -= states[state]!.meanDuration;
    if (u < 0) break;
  }
  let stateEndS = rng.exponential(states[state]!.meanDuration);
  let t = 0;
  return {
    meanRatePerS: states.reduce((sum, s) => sum + s.rate * s.meanDuration, 0) / totalS,
    next() {
      for (;;) {
        const { rate } = states[state]!;
        const arrivalS = rate > 0 ? t + rng.exponential(1 / rate) : Infinity;
        if (arrivalS < stateEndS) {
          t = arrivalS;
          return t;
        }
        // Exponential gaps are memoryless: restart the clock at the switch.
        t = stateEndS;
        state = (state + 1) % states.length;
        stateEndS = t + rng.exponential(states[state]!.meanDuration);
      }
    },
  };
}

/**
 * Parses an arrival trace: arrival times in seconds, one per line, or a CSV
 * whose header names a `time_s` column (other columns are ignored). Blank lines
 * and `#` comments are skipped. Times must be >= 0 and non-decreasing. Throws
 * an {@link InputError} naming the file, each bad line and its value.
 */
export function parseArrivalTrace(text: string, file: string): Float64Array {
  const rows = parseNumericCsv(text, file, ['time_s']);
  const problems: InputProblem[] = [];
  let previous: number | undefined;
  for (const { line, values } of rows) {
    const timeS = values[0]!;
    if (timeS < (previous ?? 0)) {
      const after = previous === undefined ? '0' : `the previous time (${previous})`;
      problems.push({ path: `line ${line}`, message: `time_s must be >= ${after}`, value: timeS });
    } else {
      previous = timeS;
    }
  }
  if (problems.length === 0 && rows.length === 0) {
    problems.push({ path: '', message: 'no arrival times; expected one time_s per line' });
  }
  if (problems.length > 0) throw new InputError(file, problems);
  return Float64Array.from(rows, (r) => r.values[0]!);
}

/** Replays checked times ({@link readArrivalTrace}), once or every `periodS`. */
function replayArrivals(timesS: Float64Array, periodS: number | undefined): ArrivalProcess {
  const lastS = timesS[timesS.length - 1]!;
  let index = 0;
  return {
    meanRatePerS:
      periodS !== undefined ? timesS.length / periodS : lastS > 0 ? timesS.length / lastS : 0,
    next() {
      if (periodS === undefined && index >= timesS.length) return Infinity;
      const cycle = Math.floor(index / timesS.length);
      return (periodS ?? 0) * cycle + timesS[index++ % timesS.length]!;
    },
  };
}

/**
 * Poisson arrivals. A class rather than a closure, so that the one call site
 * serving every device's arrivals stays monomorphic (fast) in big fleets.
 */
class PoissonArrivals implements ArrivalProcess {
  private t = 0;
  private readonly meanGapS: number;

  constructor(
    readonly meanRatePerS: number,
    private readonly rng: RandomStream,
  ) {
    this.meanGapS = 1 / meanRatePerS;
  }

  next(): number {
    this.t += this.rng.exponential(this.meanGapS);
    return this.t;
  }
}
