/**
 * Bandwidth traces in Mahimahi's format (Netravali et al., "Mahimahi: Accurate
 * Record-and-Replay for HTTP", USENIX ATC 2015): each line is a time in whole
 * milliseconds at which one 1500-byte packet may be delivered (several lines
 * with the same time are several packets), times never decrease, and the trace
 * repeats with a period equal to its last time (mm-link's `LinkQueue` adds
 * the last timestamp to its base at each wrap-around).
 *
 * The simulator shares links by processor sharing, not packet by packet, so a
 * trace becomes a piecewise-constant capacity: the bits the trace can deliver
 * in each window, divided by the window's length.
 */
import { FileProblems } from '../errors.js';

/** Bytes one Mahimahi delivery opportunity carries. */
export const MAHIMAHI_PACKET_BYTES = 1500;
const PACKET_BITS = MAHIMAHI_PACKET_BYTES * 8;

/** A parsed Mahimahi trace. */
export interface MahimahiTrace {
  /** The file it was read from (for messages). */
  readonly file: string;
  /** Delivery opportunities (ms), non-decreasing, in one period. */
  readonly timestampsMs: Float64Array;
  /** The period (ms): the last timestamp. */
  readonly periodMs: number;
  /** Mean capacity over a period (bit/s). */
  readonly meanBitsPerS: number;
}

/** A looping piecewise-constant capacity: `bitsPerS[i]` from `startS[i]` to the next start. */
export interface CapacitySteps {
  /** Start of each step within the period (s); the first is 0, increasing. */
  readonly startS: Float64Array;
  /** Capacity during each step (bit/s); 0 in a window the trace delivers nothing. */
  readonly bitsPerS: Float64Array;
  /** Length of one loop (s); the steps repeat after it. */
  readonly periodS: number;
}

const WHOLE_NUMBER = /^\d+$/;

/**
 * Parses a Mahimahi trace. Blank lines are skipped. Throws an
 * {@link InputError} naming `file` and the first bad lines (`line N`; an
 * excerpt of the first only) when a line is not a whole number of
 * milliseconds or goes back in time, or when the trace is empty or lasts
 * 0 ms (as mm-link does). Reads a 2,000,000-line trace in about 0.1 s: one
 * pass over the characters, no split or regular expression per line.
 */
export function parseMahimahi(text: string, file: string): MahimahiTrace {
  const times = new Float64Array(countLines(text));
  const problems = new FileProblems(file);
  let count = 0;
  let line = 0;
  for (let start = 0, end = 0; start <= text.length; start = end + 1, line++) {
    const newline = text.indexOf('\n', start);
    end = newline < 0 ? text.length : newline;
    const timeMs = wholeNumber(text, start, end);
    if (timeMs === BLANK) continue;
    const previous = count > 0 ? times[count - 1]! : 0;
    if (Number.isNaN(timeMs)) {
      const message = 'expected a whole number of milliseconds';
      problems.add({ path: `line ${line + 1}`, message, value: text.slice(start, end).trim() });
    } else if (timeMs < previous) {
      const message = `timestamps must not decrease (previous: ${previous} ms)`;
      problems.add({ path: `line ${line + 1}`, message, value: timeMs });
    } else {
      times[count++] = timeMs;
    }
  }
  if (problems.count === 0 && count === 0) {
    problems.add({ path: '', message: 'no timestamps; expected one time (ms) per line' });
  } else if (problems.count === 0 && times[count - 1] === 0) {
    problems.add({ path: '', message: 'the trace must last longer than 0 ms (its last time)' });
  }
  problems.throwIfAny();
  const periodMs = times[count - 1]!;
  return {
    file,
    timestampsMs: times.slice(0, count),
    periodMs,
    meanBitsPerS: (count * PACKET_BITS) / (periodMs / 1000),
  };
}

/** Returned by {@link wholeNumber} for a line of only white space. */
const BLANK = -1;

/**
 * The whole number in `text[start, end)` with white space around it
 * allowed; {@link BLANK} for a blank line, NaN for anything else.
 */
function wholeNumber(text: string, start: number, end: number): number {
  let value = 0;
  let digits = 0;
  let state = 0; // 0: leading space, 1: digits, 2: trailing space
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && state < 2) {
      value = value * 10 + (c - 48);
      digits++;
      state = 1;
    } else if (c === 32 || c === 9 || c === 13) {
      if (state === 1) state = 2;
    } else {
      return slowWholeNumber(text.slice(start, end));
    }
  }
  if (digits === 0) return BLANK;
  // Beyond 15 digits the running sum may round differently from Number().
  return digits > 15 ? Number(text.slice(start, end).trim()) : value;
}

/** The same rule for lines with other white space (String.prototype.trim's). */
function slowWholeNumber(raw: string): number {
  const field = raw.trim();
  if (field === '') return BLANK;
  return WHOLE_NUMBER.test(field) ? Number(field) : Number.NaN;
}

/** Number of lines (newlines + 1): an upper bound on the timestamps. */
function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/**
 * Converts a trace to a capacity that is constant within windows of `windowS`
 * seconds (the last window is shorter when the period is not a multiple):
 * each window's rate is the bits of the delivery opportunities in it divided by
 * its length, so every period delivers exactly the trace's bits. A timestamp
 * equal to the period belongs to the next loop's first window. Throws a
 * RangeError if `windowS` is not a positive number.
 */
export function capacitySteps(trace: MahimahiTrace, windowS: number): CapacitySteps {
  if (!(windowS > 0) || !Number.isFinite(windowS)) {
    throw new RangeError(`windowS(=${windowS}) must be a positive number of seconds`);
  }
  const { periodMs, timestampsMs } = trace;
  const windowMs = snap(windowS * 1000);
  const count = Math.max(1, Math.ceil(snap(periodMs / windowMs)));
  const packets = new Float64Array(count);
  for (const t of timestampsMs) {
    const window = t === periodMs ? 0 : Math.min(count - 1, Math.floor(t / windowMs));
    packets[window]! += 1;
  }
  const startS = new Float64Array(count);
  const bitsPerS = new Float64Array(count);
  for (let w = 0; w < count; w++) {
    const startMs = w * windowMs;
    const endMs = Math.min(periodMs, startMs + windowMs);
    startS[w] = startMs / 1000;
    bitsPerS[w] = (packets[w]! * PACKET_BITS) / ((endMs - startMs) / 1000);
  }
  return { startS, bitsPerS, periodS: periodMs / 1000 };
}

/** Capacity (bit/s) at time `tS` (s), looping over the period. */
export function capacityAt(steps: CapacitySteps, tS: number): number {
  return steps.bitsPerS[stepIndex(steps, tS - cycleStartS(steps, tS))]!;
}

/**
 * The first step boundary (s) strictly after `tS`, when the capacity may next
 * change; a link schedules its next capacity update there.
 */
export function nextStepS(steps: CapacitySteps, tS: number): number {
  let cycleS = cycleStartS(steps, tS);
  // Usually the first candidate; rounding can put it at tS itself, then the one after is meant.
  for (let next = stepIndex(steps, tS - cycleS) + 1; ; next++) {
    if (next === steps.startS.length) {
      cycleS += steps.periodS;
      next = 0;
    }
    const boundaryS = cycleS + steps.startS[next]!;
    if (boundaryS > tS) return boundaryS;
  }
}

/** Start (s) of the loop containing `tS`. */
function cycleStartS(steps: CapacitySteps, tS: number): number {
  if (!Number.isFinite(tS)) throw new RangeError(`tS(=${tS}) must be a finite time`);
  let startS = Math.floor(tS / steps.periodS) * steps.periodS;
  if (startS > tS) startS -= steps.periodS;
  else if (tS - startS >= steps.periodS) startS += steps.periodS;
  return startS;
}

/** Index of the last step starting at or before `offsetS` (0 <= offsetS < period). */
function stepIndex(steps: CapacitySteps, offsetS: number): number {
  const { startS } = steps;
  let low = 0;
  let high = startS.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (startS[mid]! <= offsetS) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Removes float noise from ms conversions (0.7 s is 700.0000000000001 ms). */
function snap(value: number): number {
  const rounded = Math.round(value);
  return Math.abs(rounded - value) <= 1e-9 * Math.max(1, Math.abs(value)) ? rounded : value;
}
