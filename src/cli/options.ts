import { UsageError } from '../errors.js';

/** Parses `--seed` as a non-negative integer. */
export function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed)) {
    throw new UsageError(`--seed: expected a non-negative integer, got "${value}"`);
  }
  return seed;
}
