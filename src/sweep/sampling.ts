import type { RandomStream } from '../engine/random.js';
import type { InputProblem } from '../errors.js';
import { describeValue } from '../errors.js';

/** Sampling the ranges of a sweep's random and Latin-hypercube sections. */

/** A range as written in the sweep block. */
export interface RangeSpec {
  min: number | string;
  max: number | string;
  scale: 'linear' | 'log';
  integer: boolean;
}

export /** A checked range: bounds as numbers, and the unit text to put back on samples. */
interface Bounds {
  min: number;
  max: number;
  log: boolean;
  integer: boolean;
  unit?: { prefix: string; suffix: string };
}

/**
 * n values in [0, 1), one per stratum [k/n, (k+1)/n): a random permutation of
 * the strata (Fisher-Yates, n-1 draws), then one jitter draw per value.
 */
export function latinHypercube(n: number, stream: RandomStream): number[] {
  const strata = Array.from({ length: n }, (_, k) => k);
  for (let i = n - 1; i > 0; i--) {
    const j = stream.integer(i + 1);
    [strata[i], strata[j]] = [strata[j]!, strata[i]!];
  }
  return strata.map((k) => (k + stream.next()) / n);
}

/** Maps u in [0, 1) into the range (log-uniform on a log scale), with its unit put back. */
export function sample(bounds: Bounds, u: number): number | string {
  const { min, log, integer, unit } = bounds;
  const max = integer ? bounds.max + 1 : bounds.max;
  const lerp = log
    ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)))
    : min + u * (max - min);
  const value = Math.min(Math.max(integer ? Math.floor(lerp) : lerp, min), bounds.max);
  return unit === undefined ? value : `${unit.prefix}${value}${unit.suffix}`;
}

const NUMBER_WITH_UNIT = /^(\$?)\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(.*)$/i;

export function checkRange(
  r: RangeSpec,
  where: string,
  problems: InputProblem[],
): Bounds | undefined {
  const [min, max] = [readEndpoint(r.min), readEndpoint(r.max)];
  const fail = (message: string) => {
    problems.push({ path: where, message });
    return undefined;
  };
  const shown = `min ${describeValue(r.min)}, max ${describeValue(r.max)}`;
  if (min === undefined || max === undefined) {
    return fail(`expected numbers, or numbers with a unit such as "50 ms"; got ${shown}`);
  }
  if (min.unit !== max.unit)
    return fail(`min and max must be written in the same unit; got ${shown}`);
  if (min.value > max.value) return fail(`min is greater than max; got ${shown}`);
  if (r.scale === 'log' && min.value <= 0) return fail(`a log scale needs min > 0; got ${shown}`);
  if (r.integer && !(Number.isInteger(min.value) && Number.isInteger(max.value))) {
    return fail(`an integer range needs whole-number bounds; got ${shown}`);
  }
  const unit = min.unit === '|' ? undefined : { prefix: min.prefix, suffix: min.suffix };
  return { min: min.value, max: max.value, log: r.scale === 'log', integer: r.integer, unit };
}

function readEndpoint(written: number | string) {
  if (typeof written === 'number') {
    return Number.isFinite(written)
      ? { value: written, prefix: '', suffix: '', unit: '|' }
      : undefined;
  }
  const found = NUMBER_WITH_UNIT.exec(written.trim());
  if (found === null) return undefined;
  const [, prefix = '', number = '', suffix = ''] = found;
  return { value: Number(number), prefix, suffix, unit: `${prefix}|${suffix.trim()}` };
}
