/**
 * When devices are online (availability) and when they are broken (failures).
 *
 * Both are {@link OnOffProcess}es: a device is up only while its availability
 * process is on and its failure process is on. Each process draws only from the
 * stream it is built with (one per device), so devices never share draws.
 */
import { z } from 'zod';
import type { RandomStream } from '../engine/random.js';
import { InputError, type InputProblem } from '../errors.js';
import { parseNumericCsv } from '../scenario/data-file.js';
import { readNamedTrace } from '../scenario/input-cache.js';
import type { TraceReadOptions } from '../scenario/input-file.js';
import { MAX_DURATION_S, MAX_MTBF_S } from '../scenario/limits.js';
import { quantity } from '../scenario/units.js';

/** A device's alternation between on and off, generated lazily one change at a time. */
export interface OnOffProcess {
  /** Whether the device is up at time 0 (drawn from the stationary distribution where there is one). */
  readonly initiallyOn: boolean;
  /**
   * Absolute time (s) of the next change of state after the change at `nowS`
   * (or after time 0 for the first call); Infinity if none. Call it once per
   * change, in order, passing the time it last returned (0 on the first call).
   */
  nextChange(nowS: number): number;
  /** The model's long-run fraction of time on (analytic), for reports and tests. */
  readonly longRunOnFraction: number;
}

const HOUR_S = 3600;
/** A duration > 0, at most `max` (default MAX_DURATION_S; see scenario/limits.ts). */
const positiveDuration = (description: string, max = MAX_DURATION_S) =>
  quantity('duration', { min: 0, exclusiveMin: true, max }, description);

/** 24 values, one per hour of the day; hour 0 is 00:00-01:00. */
export function hourlyValues<T extends z.ZodType>(value: T, description: string) {
  return z
    .array(value)
    .length(24, { error: 'must have 24 values, one per hour of the day (hour 0 = 00:00-01:00)' })
    .describe(description);
}

/** Clock hour at simulation time 0 (0 = midnight, 13.5 = 13:30). */
export const startHour = z
  .number()
  .min(0)
  .lt(24)
  .default(0)
  .describe('Hour of the day at simulation time 0 (0 = midnight, 13.5 = 13:30)');

/**
 * Availability in a scenario file:
 *
 * ```yaml
 * availability: { kind: always }
 * availability: { kind: markov, meanOn: 2 h, meanOff: 30 min }
 * availability: { kind: diurnal, onlineFraction: [0.2, 0.1, ...24 values], meanSession: 20 min }
 * availability: { kind: trace, file: online.csv, period: 1 day }
 * ```
 */
export const availabilitySpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('always') }),
  z.strictObject({
    kind: z.literal('markov'),
    meanOn: positiveDuration('Mean length of an online period (exponential)'),
    meanOff: positiveDuration('Mean length of an offline period (exponential)'),
  }),
  z.strictObject({
    kind: z.literal('diurnal'),
    onlineFraction: hourlyValues(
      quantity('fraction', { min: 0, max: 1 }),
      'Probability of being online in each hour of the day; the long-run online fraction is their mean',
    ),
    startHour,
    meanSession: positiveDuration(
      'Mean online session within an hour; absent: the state is redrawn once an hour',
    ).optional(),
  }),
  z.strictObject({
    kind: z.literal('trace'),
    file: z
      .string()
      .min(1)
      .max(4096) // PATH_MAX
      .describe('CSV of online intervals `start_s,end_s`, relative to the scenario'),
    period: positiveDuration(
      'The trace repeats with this period; absent: it plays once',
    ).optional(),
  }),
]);
export type AvailabilitySpec = z.output<typeof availabilitySpec>;

/**
 * Builds a device's availability process. Models:
 * - `always`: on forever.
 * - `markov`: exponential on and off periods; starts on with probability
 *   meanOn / (meanOn + meanOff), so it is stationary from time 0.
 * - `diurnal`: P(on at t) is exactly the fraction p_h of t's hour h, so the
 *   long-run fraction is the mean of the 24 values. Without `meanSession` the state
 *   is drawn Bernoulli(p_h) at the start of every hour, independently of the past
 *   (sessions are whole hours). With it, within hour h the state is a two-state
 *   Markov chain with mean on period `meanSession` and mean off period
 *   meanSession * (1 - p_h) / p_h (stationary at p_h); at each hour boundary the
 *   state flips only as much as needed to move from p_h to p_h+1 (the maximal
 *   coupling), so sessions continue across hours when the profile allows.
 *   Redrawing at boundaries (rather than letting one chain lag behind the
 *   profile) is what keeps P(on) = p_h exact, and so the long-run fraction known.
 * - `trace`: replays the file's online intervals ({@link parseAvailabilityTrace});
 *   with `period` it repeats, otherwise the device is off after the last interval
 *   and `longRunOnFraction` is taken over the span the trace covers. Draws nothing.
 *
 * Throws an {@link InputError} if a trace file is missing or malformed.
 */
export function availabilityProcess(
  spec: AvailabilitySpec,
  rng: RandomStream,
  options: TraceReadOptions = {},
): OnOffProcess {
  switch (spec.kind) {
    case 'always':
      return { initiallyOn: true, longRunOnFraction: 1, nextChange: () => Infinity };
    case 'markov': {
      const onS = () => rng.exponential(spec.meanOn);
      const offS = () => rng.exponential(spec.meanOff);
      const fraction = spec.meanOn / (spec.meanOn + spec.meanOff);
      return alternatingRenewal(rng.bernoulli(fraction), fraction, onS, offS, offS);
    }
    case 'diurnal':
      return spec.meanSession === undefined
        ? hourlyBernoulli(spec.onlineFraction, spec.startHour, rng)
        : diurnalChain(spec.onlineFraction, spec.startHour, spec.meanSession, rng);
    case 'trace':
      return replayIntervals(readAvailabilityTrace(spec, options), spec.period);
  }
}

const AVAILABILITY_PARSER = { id: 'availability-trace', parse: parseAvailabilityTrace };

/**
 * The online intervals of a trace spec, read and parsed once per file
 * however many devices name it (see input-cache.ts), checked against its
 * `period`. Throws an {@link InputError} naming the scenario file and field
 * (with `namedIn`), the trace file and its bad lines.
 */
export function readAvailabilityTrace(
  spec: { file: string; period?: number | undefined },
  options: TraceReadOptions = {},
): OnlineIntervals {
  return readNamedTrace(spec.file, AVAILABILITY_PARSER, options, {
    field: 'file',
    period: spec.period,
    pastPeriod: (intervals, period, path) => {
      const lastEnd = intervals.endS.at(-1) as number;
      return lastEnd > period
        ? `${path}, line ${intervals.lines.at(-1)}: an interval ends (at ${lastEnd} s) after the trace's period`
        : undefined;
    },
  });
}

/** Hardware failures: `{ mtbf: 30 days, mttr: 4 h, repair: exponential }`. */
export const failureSpec = z.strictObject({
  mtbf: positiveDuration('Mean time between failures (exponential up periods)', MAX_MTBF_S),
  mttr: positiveDuration('Mean time to repair'),
  repair: z
    .enum(['exponential', 'deterministic'])
    .default('exponential')
    .describe('Distribution of repair times: exponential with mean mttr, or exactly mttr'),
});
export type FailureSpec = z.output<typeof failureSpec>;

/**
 * Failures as an alternating renewal process: up periods exponential(mtbf),
 * repairs exponential(mttr) or exactly mttr. Long-run up fraction
 * mtbf / (mtbf + mttr). Stationary from time 0: up with that probability, and a
 * device that starts down finishes its repair after the equilibrium residual
 * time (uniform on [0, mttr] for deterministic repair).
 */
export function failureProcess(spec: FailureSpec, rng: RandomStream): OnOffProcess {
  const fraction = spec.mtbf / (spec.mtbf + spec.mttr);
  const upS = () => rng.exponential(spec.mtbf);
  const exponentialRepair = spec.repair === 'exponential';
  const repairS = () => (exponentialRepair ? rng.exponential(spec.mttr) : spec.mttr);
  const residualRepairS = () =>
    exponentialRepair ? rng.exponential(spec.mttr) : rng.uniform(0, spec.mttr);
  return alternatingRenewal(rng.bernoulli(fraction), fraction, upS, repairS, residualRepairS);
}

function alternatingRenewal(
  initiallyOn: boolean,
  longRunOnFraction: number,
  onS: () => number,
  offS: () => number,
  firstOffS: () => number,
): OnOffProcess {
  let on = initiallyOn;
  let first = true;
  return {
    initiallyOn,
    longRunOnFraction,
    nextChange(nowS) {
      const durationS = on ? onS() : first ? firstOffS() : offS();
      first = false;
      on = !on;
      return nowS + durationS;
    },
  };
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const hourOf = (p: readonly number[], clockHour: number) => p[((clockHour % 24) + 24) % 24]!;
/** Simulation time (s) at which clock hour `clockHour` (counted from midnight of day 0) begins. */
const boundaryS = (clockHour: number, start: number) => (clockHour - start) * HOUR_S;

/**
 * State drawn Bernoulli(p_h) at each hour boundary. One uniform per change:
 * the index of the first boundary whose draw flips the state is sampled by
 * inverting its survival function, skipping whole days at once.
 */
function hourlyBernoulli(p: readonly number[], start: number, rng: RandomStream): OnOffProcess {
  let on = rng.bernoulli(hourOf(p, Math.floor(start)));
  const initiallyOn = on;
  let boundary = Math.floor(start) + 1;
  const logStay = (clockHour: number) => {
    const ph = hourOf(p, clockHour);
    return Math.log(on ? ph : 1 - ph);
  };
  return {
    initiallyOn,
    longRunOnFraction: mean(p),
    nextChange() {
      let logDay = 0;
      for (let h = 0; h < 24; h++) logDay += logStay(h);
      if (logDay === 0) return Infinity;
      const target = Math.log(1 - rng.next());
      const days = Number.isFinite(logDay) ? Math.floor(target / logDay) : 0;
      const remaining = target - (days > 0 ? days * logDay : 0);
      let flip = boundary + 24 * days;
      // The state survives boundaries while the summed log-probabilities of staying
      // stay at or above `remaining` (in (logDay, 0]); this ends within a day.
      for (let logSurvival = logStay(flip); !(logSurvival < remaining); ) {
        flip++;
        logSurvival += logStay(flip);
      }
      on = !on;
      boundary = flip + 1;
      return boundaryS(flip, start);
    },
  };
}

/** Two-state chain stationary at p_h within each hour, maximally coupled across hours. */
function diurnalChain(
  p: readonly number[],
  start: number,
  meanSessionS: number,
  rng: RandomStream,
): OnOffProcess {
  let on = rng.bernoulli(hourOf(p, Math.floor(start)));
  const initiallyOn = on;
  let boundary = Math.floor(start) + 1;
  const neverOn = p.every((ph) => ph === 0);
  const neverOff = p.every((ph) => ph === 1);
  return {
    initiallyOn,
    longRunOnFraction: mean(p),
    nextChange(nowS) {
      if ((on && neverOff) || (!on && neverOn)) return Infinity;
      for (let t = nowS; ; ) {
        const before = hourOf(p, boundary - 1);
        const meanS = meanStayS(on, before, meanSessionS);
        const endS = boundaryS(boundary, start);
        const changeS = t + (meanS === Infinity ? Infinity : rng.exponential(meanS));
        if (changeS < endS) {
          on = !on;
          return changeS;
        }
        const after = hourOf(p, boundary);
        boundary++;
        t = endS;
        const flips = on
          ? after < before && rng.bernoulli((before - after) / before)
          : after > before && rng.bernoulli((after - before) / (1 - before));
        if (flips) {
          on = !on;
          return t;
        }
      }
    },
  };
}

/**
 * Mean time (s) the within-hour chain stays in its state when the hour's online
 * probability is `ph`: on periods average the session length and off periods
 * are scaled so that the chain is on a fraction `ph` of the time.
 */
function meanStayS(on: boolean, ph: number, meanSessionS: number): number {
  if (on) return ph < 1 ? meanSessionS : Infinity;
  return ph > 0 ? (meanSessionS * (1 - ph)) / ph : Infinity;
}

/** Online intervals [startS, endS), sorted and disjoint. */
export interface OnlineIntervals {
  readonly startS: readonly number[];
  readonly endS: readonly number[];
  /** 1-based line in its file where each interval ends, for messages. */
  readonly lines: readonly number[];
}

/**
 * Parses an availability trace: a CSV of online intervals, one per line,
 * `start_s,end_s` in seconds (an optional header line names the columns; blank
 * lines and `#` comments are skipped). Intervals must satisfy 0 <= start < end
 * and start at or after the previous end; touching intervals merge. Throws an
 * {@link InputError} naming the file, each bad line and its value.
 */
export function parseAvailabilityTrace(text: string, file: string): OnlineIntervals {
  const rows = parseNumericCsv(text, file, ['start_s', 'end_s']);
  const problems: InputProblem[] = [];
  const startS: number[] = [];
  const endS: number[] = [];
  const lines: number[] = [];
  for (const { line, values } of rows) {
    const [s, e] = values as [number, number];
    const previousEnd = endS.at(-1) ?? 0;
    if (s < previousEnd) {
      const after = endS.length > 0 ? `the previous interval's end (${previousEnd})` : '0';
      problems.push({ path: `line ${line}`, message: `start_s must be >= ${after}`, value: s });
    } else if (!(e > s)) {
      problems.push({ path: `line ${line}`, message: `end_s must be > start_s (${s})`, value: e });
    } else if (s === previousEnd && endS.length > 0) {
      endS[endS.length - 1] = e;
      lines[lines.length - 1] = line;
    } else {
      startS.push(s);
      endS.push(e);
      lines.push(line);
    }
  }
  if (problems.length === 0 && startS.length === 0) {
    problems.push({ path: '', message: 'no intervals; expected lines of start_s,end_s' });
  }
  if (problems.length > 0) throw new InputError(file, problems);
  return { startS, endS, lines };
}

/** Replays checked intervals ({@link readAvailabilityTrace}), once or every `periodS`; draws nothing. */
function replayIntervals(intervals: OnlineIntervals, periodS: number | undefined): OnOffProcess {
  const { startS, endS } = intervals;
  const lastEnd = endS.at(-1)!;
  const initiallyOn = startS[0] === 0;
  // Changes within one cycle, in (0, cycle]: each start and end, except where
  // the cycle's own boundary hides them.
  const cycleS = periodS ?? Infinity;
  const changes: number[] = [];
  startS.forEach((s, i) => {
    if (s > 0) changes.push(s);
    if (endS[i]! < cycleS) changes.push(endS[i]!);
  });
  if (periodS !== undefined && initiallyOn !== (lastEnd === periodS)) changes.push(periodS);
  const onTimeS = startS.reduce((sum, s, i) => sum + endS[i]! - s, 0);
  let index = 0;
  return {
    initiallyOn,
    longRunOnFraction: onTimeS / (periodS ?? lastEnd),
    nextChange() {
      if (changes.length === 0) return Infinity;
      if (periodS === undefined && index >= changes.length) return Infinity;
      const cycle = Math.floor(index / changes.length);
      const offsetS = periodS === undefined ? 0 : cycle * periodS;
      return offsetS + changes[index++ % changes.length]!;
    },
  };
}
