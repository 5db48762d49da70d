import { expect } from 'vitest';

/**
 * Relative error of `actual` against `reference`: max|a − b| / max(max|b|, 1e-30).
 * Backends that compute in float32 and sum in different orders differ by
 * rounding, about 1e-7 relative.
 */
export function relativeError(actual: Float32Array, reference: Float32Array): number {
  expect(actual.length).toBe(reference.length);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < reference.length; i++) {
    const ref = reference[i] as number;
    maxDiff = Math.max(maxDiff, Math.abs((actual[i] as number) - ref));
    maxRef = Math.max(maxRef, Math.abs(ref));
  }
  return maxDiff / Math.max(maxRef, 1e-30);
}
