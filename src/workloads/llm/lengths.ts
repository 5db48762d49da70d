/**
 * Token counts of requests, drawn per request from the scenario's
 * distributions: `fixed`, `uniform` on the integers [min, max], or a
 * lognormal of the given mean and coefficient of variation (sigma^2 =
 * ln(1 + cv^2), mu = ln(mean) - sigma^2 / 2, so its mean before rounding and
 * clipping is `mean`), rounded to the nearest integer and clipped to
 * [1, max]. Chat traces are heavy-tailed in both lengths (e.g. the ShareGPT
 * set that vLLM's benchmarks replay), hence the lognormal.
 */
import type { RandomStream } from '../../engine/random.js';
import type { LengthSpec } from './schema.js';

/** A draw of one request's token count. */
export type LengthSampler = (stream: RandomStream) => number;

/** The sampler of `spec`. */
export function lengthSampler(spec: LengthSpec): LengthSampler {
  switch (spec.kind) {
    case 'fixed':
      return () => spec.tokens;
    case 'uniform':
      return (stream) => spec.min + stream.integer(spec.max - spec.min + 1);
    case 'lognormal': {
      const sigma2 = Math.log(1 + spec.cv * spec.cv);
      const mu = Math.log(spec.mean) - sigma2 / 2;
      const sigma = Math.sqrt(sigma2);
      return (stream) => Math.min(spec.max, Math.max(1, Math.round(stream.lognormal(mu, sigma))));
    }
  }
}

/** The largest count `spec` can give. */
export function maxLength(spec: LengthSpec): number {
  return spec.kind === 'fixed' ? spec.tokens : spec.max;
}

/** The mean count `spec` gives (the lognormal's before rounding and clipping). */
export function meanLength(spec: LengthSpec): number {
  if (spec.kind === 'fixed') return spec.tokens;
  if (spec.kind === 'uniform') return (spec.min + spec.max) / 2;
  return spec.mean;
}
