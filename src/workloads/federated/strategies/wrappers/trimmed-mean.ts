/**
 * Coordinate-wise trimmed-mean aggregation: Yin, Chen, Ramchandran,
 * Bartlett, "Byzantine-Robust Distributed Learning: Towards Optimal
 * Statistical Rates", ICML 2018 (arXiv:1803.01498). Per coordinate, the
 * floor(β·n) largest and smallest client values are dropped and the rest
 * averaged (scipy.stats.trim_mean's, see kernels/robust/trimmed-mean.ts);
 * the inner strategy aggregates that one model (see robust.ts).
 */
import { z } from 'zod';
import { trimmedMean } from '../../kernels/robust/trimmed-mean.js';
import type { Strategy } from '../strategy.js';
import { CoordinateWiseStrategy } from './robust.js';

export interface TrimmedMeanOptions {
  /** β in [0, 0.5): the fraction of values dropped at each end of every coordinate. */
  readonly beta: number;
}

/** The trimmed-mean wrapper's options as a scenario writes them. */
export const trimmedMeanOptions = z.strictObject({
  beta: z
    .number()
    .min(0)
    .lt(0.5)
    .describe('β in [0, 0.5): floor(β·n) values are dropped at each end of every coordinate'),
});

/** The coordinate-wise β-trimmed mean of the round's client models, then the inner strategy. */
export class TrimmedMeanStrategy extends CoordinateWiseStrategy {
  readonly beta: number;

  constructor(inner: Strategy, options: TrimmedMeanOptions) {
    super(inner, 'trimmed-mean');
    const beta = options.beta;
    if (!(typeof beta === 'number' && beta >= 0 && beta < 0.5))
      throw new RangeError(`beta(=${beta}) must be in [0, 0.5)`);
    this.beta = beta;
  }

  minResults(): number {
    return 1;
  }

  protected describeNeed(): string {
    return 'trimmed-mean needs at least 1 result';
  }

  protected combine(models: readonly Float32Array[]): Float32Array {
    return trimmedMean(models, this.beta);
  }
}
