/**
 * Bulyan: El Mhamdi, Guerraoui, Rouault, "The Hidden Vulnerability of
 * Distributed Learning in Byzantium", ICML 2018 (arXiv:1802.07927). Of the
 * round's n client models, assuming at most f attackers (n >= 4f + 3),
 * repeated Krum picks θ = n − 2f; per coordinate the β = θ − 2f picked values
 * closest to their median are averaged (kernels/robust/bulyan.ts). The inner
 * strategy aggregates that one model (see robust.ts).
 */
import { z } from 'zod';
import { bulyan } from '../../kernels/robust/bulyan.js';
import { pairwiseSquaredDistances } from '../../kernels/robust/pairwise-distances.js';
import type { Strategy } from '../strategy.js';
import { attackersOption, type ClientCountProblem, CoordinateWiseStrategy } from './robust.js';

export interface BulyanOptions {
  /** f: attackers assumed among a round's clients (an integer >= 0). */
  readonly f: number;
}

/** The bulyan wrapper's options as a scenario writes them. */
export const bulyanOptions = z.strictObject({ f: attackersOption });

/** Bulyan's aggregate of the round's client models, then the inner strategy. */
export class BulyanStrategy extends CoordinateWiseStrategy {
  readonly f: number;

  constructor(inner: Strategy, options: BulyanOptions) {
    super(inner, 'bulyan');
    const f = options.f;
    if (!(Number.isInteger(f) && f >= 0)) throw new RangeError(`f(=${f}) must be an integer >= 0`);
    this.f = f;
  }

  minResults(): number {
    return 4 * this.f + 3;
  }

  protected describeNeed(): string {
    return `bulyan with f=${this.f} needs at least ${this.minResults()} results`;
  }

  protected combine(models: readonly Float32Array[]): Float32Array {
    return bulyan(models, pairwiseSquaredDistances(models), this.f).weights;
  }
}

/** Bulyan's bound against n = clientsPerRound: n >= 4f + 3. */
export function bulyanClientProblems(
  options: Partial<BulyanOptions>,
  clientsPerRound: number,
): ClientCountProblem[] {
  const f = options.f;
  if (f === undefined || clientsPerRound >= 4 * f + 3) return [];
  return [
    {
      option: 'f',
      message: `Bulyan needs at least 4f + 3 clients per round: f=${f} needs clientsPerRound >= ${4 * f + 3}, and it is ${clientsPerRound}`,
      value: f,
    },
  ];
}
