import { UsageError } from '../errors.js';

/** Parses `--seed` as a non-negative integer. */
export function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed)) {
    throw new UsageError(`--seed: expected a non-negative integer, got "${value}"`);
  }
  return seed;
}

/** Parses `--max-events` as a positive number (`5e6` or `5000000`). */
export function parseEventLimit(value: string): number {
  const events = Number(value);
  if (!/^\d+(\.\d+)?(e\d+)?$/i.test(value) || !(events >= 1) || !Number.isFinite(events)) {
    throw new UsageError(`--max-events: expected a positive number such as 5e6, got "${value}"`);
  }
  return events;
}

/** A parser of a fraction flag in [min, max), written as 0.2 or 20%. */
export function parseFraction(flag: string, min: number, max: number) {
  return (value: string): number => {
    const percent = /^(\d+(\.\d+)?)%$/.exec(value);
    const fraction = percent ? Number(percent[1]) / 100 : Number(value);
    if (value.trim() === '' || !(fraction >= min && fraction < max))
      throw new UsageError(
        `${flag}: expected a fraction in [${min}, ${max}) such as 1%, got "${value}"`,
      );
    return fraction;
  };
}

/** A parser of an integer flag of at least `min`. */
export function parseCount(flag: string, min: number) {
  return (value: string): number => {
    const count = Number(value);
    if (!/^\d+$/.test(value) || !(count >= min) || !Number.isSafeInteger(count))
      throw new UsageError(`${flag}: expected an integer >= ${min}, got "${value}"`);
    return count;
  };
}
