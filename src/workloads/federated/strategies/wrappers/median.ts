/**
 * Coordinate-wise median aggregation: Yin, Chen, Ramchandran, Bartlett,
 * "Byzantine-Robust Distributed Learning: Towards Optimal Statistical
 * Rates", ICML 2018 (arXiv:1803.01498). Each coordinate of the round's model
 * is the median of the clients' values (numpy.median's, see
 * kernels/robust/coordinate-median.ts); the inner strategy aggregates that
 * one model (see robust.ts).
 */
import { z } from 'zod';
import { coordinateMedian } from '../../kernels/robust/coordinate-median.js';
import type { Strategy } from '../strategy.js';
import { CoordinateWiseStrategy } from './robust.js';

/** The median wrapper takes no options. */
export type MedianOptions = Record<string, never>;

/** The median wrapper's options as a scenario writes them: none. */
export const medianOptions = z.strictObject({});

/** The coordinate-wise median of the round's client models, then the inner strategy. */
export class MedianStrategy extends CoordinateWiseStrategy {
  constructor(inner: Strategy) {
    super(inner, 'median');
  }

  minResults(): number {
    return 1;
  }

  protected describeNeed(): string {
    return 'median needs at least 1 result';
  }

  protected combine(models: readonly Float32Array[]): Float32Array {
    return coordinateMedian(models);
  }
}
