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
