import { z } from 'zod';
import * as dist from '../engine/distributions.js';
import { type QuantityKind, quantity } from './units.js';

/**
 * A random quantity in a scenario file: a plain quantity ("40 ms", a
 * constant) or a distribution object whose parameters carry units:
 *
 * ```yaml
 * service: { kind: exponential, mean: 40 ms }
 * service: { kind: lognormal, mean: 40 ms, cv: 0.5 }
 * ```
 */
export function distributionSpec(unit: QuantityKind) {
  const q = () => quantity(unit);
  const positive = () => quantity(unit, { min: 0, exclusiveMin: true });
  const spec = z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('constant'), value: q() }),
    z
      .strictObject({ kind: z.literal('uniform'), low: q(), high: q() })
      .refine((d) => d.low < d.high, { message: 'must be greater than low', path: ['high'] }),
    z.strictObject({ kind: z.literal('exponential'), mean: positive() }),
    z.strictObject({ kind: z.literal('normal'), mean: q(), sd: quantity(unit, { min: 0 }) }),
    z.strictObject({
      kind: z.literal('lognormal'),
      mean: positive(),
      cv: z.number().min(0).meta({ description: 'coefficient of variation (sd / mean)' }),
    }),
    z
      .strictObject({
        kind: z.literal('boundedPareto'),
        alpha: z.number().positive(),
        low: positive(),
        high: positive(),
      })
      .refine((d) => d.low < d.high, { message: 'must be greater than low', path: ['high'] }),
    z
      .strictObject({
        kind: z.literal('empirical'),
        values: z.array(q()).min(1),
        weights: z.array(z.number().min(0)).optional(),
      })
      .refine((d) => d.weights === undefined || d.weights.length === d.values.length, {
        message: 'must have one weight per value',
        path: ['weights'],
      }),
  ]);
  return z.union([q().transform((value) => ({ kind: 'constant' as const, value })), spec]);
}

export type DistributionSpec = z.output<ReturnType<typeof distributionSpec>>;

/** Builds the engine distribution a spec describes. */
export function toDistribution(spec: DistributionSpec): dist.Distribution {
  switch (spec.kind) {
    case 'constant':
      return dist.constant(spec.value);
    case 'uniform':
      return dist.uniform(spec.low, spec.high);
    case 'exponential':
      return dist.exponential(spec.mean);
    case 'normal':
      return dist.normal(spec.mean, spec.sd);
    case 'lognormal':
      return dist.lognormalFromMean(spec.mean, spec.cv);
    case 'boundedPareto':
      return dist.boundedPareto(spec.alpha, spec.low, spec.high);
    case 'empirical':
      return dist.empirical(spec.values, spec.weights);
  }
}
