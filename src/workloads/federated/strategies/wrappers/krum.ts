/**
 * Krum and Multi-Krum: Blanchard, El Mhamdi, Guerraoui, Stainer, "Machine
 * Learning with Adversaries: Byzantine Tolerant Gradient Descent", NeurIPS
 * 2017 (arXiv:1703.02019). Of the round's n client models, assuming at most
 * f attackers (n > 2f + 2), Krum keeps the one whose n − f − 2 nearest
 * others are closest (least sum of squared distances), Multi-Krum the m of
 * least score (m <= n − f); the inner strategy aggregates the kept updates
 * unchanged (see robust.ts). Pairwise distances are computed once per round
 * (kernels/robust/pairwise-distances.ts).
 */
import { z } from 'zod';
import { multiKrum, requireKrum } from '../../kernels/robust/krum.js';
import { pairwiseSquaredDistances } from '../../kernels/robust/pairwise-distances.js';
import type { Strategy } from '../strategy.js';
import { attackersOption, type ClientCountProblem, SelectionStrategy } from './robust.js';

export interface KrumOptions {
  /** f: attackers assumed among a round's clients (an integer >= 0). */
  readonly f: number;
}

export interface MultiKrumOptions extends KrumOptions {
  /** m: updates kept (an integer in [1, n − f]). */
  readonly m: number;
}

/** The krum wrapper's options as a scenario writes them. */
export const krumOptions = z.strictObject({ f: attackersOption });

/** The multi-krum wrapper's options as a scenario writes them. */
export const multiKrumOptions = z.strictObject({
  f: attackersOption,
  m: z
    .number()
    .int()
    .min(1)
    .describe('m: how many updates of least Krum score are kept (1 to n − f)'),
});

/** Keeps the m (1 for Krum) client updates of least Krum score, then the inner strategy. */
export class KrumStrategy extends SelectionStrategy {
  readonly f: number;
  readonly m: number;

  constructor(
    inner: Strategy,
    options: KrumOptions & { m?: number },
    private readonly rule = 'krum',
  ) {
    super(inner, rule);
    const { f, m = 1 } = options;
    if (!(Number.isInteger(f) && f >= 0)) throw new RangeError(`f(=${f}) must be an integer >= 0`);
    if (!(Number.isInteger(m) && m >= 1)) throw new RangeError(`m(=${m}) must be an integer >= 1`);
    this.f = f;
    this.m = m;
  }

  /** n > 2f + 2 and m <= n − f. */
  minResults(): number {
    return Math.max(2 * this.f + 3, this.m + this.f);
  }

  protected describeNeed(): string {
    return `${this.rule} with f=${this.f}${this.m > 1 ? `, m=${this.m}` : ''} needs at least ${this.minResults()} results`;
  }

  protected select(models: readonly Float32Array[]): number[] {
    requireKrum(models.length, this.f, this.m);
    return multiKrum(pairwiseSquaredDistances(models), models.length, this.f, this.m);
  }
}

/** Multi-Krum: {@link KrumStrategy} keeping m updates. */
export class MultiKrumStrategy extends KrumStrategy {
  constructor(inner: Strategy, options: MultiKrumOptions) {
    super(inner, options, 'multi-krum');
  }
}

/** Krum's bounds against n = clientsPerRound: n > 2f + 2 (and m <= n − f for Multi-Krum). */
export function krumClientProblems(
  options: Partial<MultiKrumOptions>,
  clientsPerRound: number,
): ClientCountProblem[] {
  const { f, m } = options;
  if (f === undefined) return [];
  const n = clientsPerRound;
  if (!(n > 2 * f + 2))
    return [
      {
        option: 'f',
        message: `Krum needs more than 2f + 2 clients per round: f=${f} needs clientsPerRound >= ${2 * f + 3}, and it is ${n}`,
        value: f,
      },
    ];
  if (m !== undefined && m > n - f)
    return [
      {
        option: 'm',
        message: `Multi-Krum keeps at most n − f updates: m must be <= ${n - f} with clientsPerRound ${n} and f=${f}`,
        value: m,
      },
    ];
  return [];
}
