/**
 * A run's privacy budget: which DP wrapper the strategy holds, the ε its
 * rounds spend (rounds.csv's `epsilon`, the summary's final one), and the
 * check of a scenario's `privacy.targetEpsilon` before any round runs.
 *
 * How rounds compose (see mechanism.ts and accountant.ts):
 * - central noise (`dp-central`, `dp-adaptive`): each round that releases a
 *   model is the Gaussian mechanism on the sampled clients. With
 *   `selection: poisson` each client takes part with probability q = K/N
 *   (Poisson subsampling, Mironov, Talwar and Zhang 2019); otherwise K =
 *   clientsPerRound of the N clients are accounted as sampled without
 *   replacement at q = K/N (replace-one neighbours, Wang, Balle and
 *   Kasiviswanathan 2019). Either way only online clients can be drawn, and
 *   deadlines and over-commit decide which arrive, so the sampling is not
 *   exactly that over all N: the ε reported is the bound under it.
 * - local noise (`dp-local`): no sampling hides a client from the server,
 *   so the worst-case client, in every released round, composes q = 1.
 */
import { z } from 'zod';
import type { InputProblem } from '../../../errors.js';
import { quantity } from '../../../scenario/units.js';
import type { Strategy } from '../strategies/strategy.js';
import { type ClientSampling, epsilonAfter, noiseForEpsilon, RdpAccountant } from './accountant.js';
import { type DifferentiallyPrivate, privacyWrappers } from './mechanism.js';

/** δ when a scenario gives none. */
export const DEFAULT_DELTA = 1e-5;

/** The `federated.privacy` block. */
export const privacySpec = z
  .strictObject({
    delta: quantity('fraction', { min: 0, max: 1, exclusiveMin: true }, 'δ of the (ε, δ) reported')
      .default(DEFAULT_DELTA)
      .refine((d) => d < 1, 'expected δ < 1'),
    targetEpsilon: z.number().positive().optional().describe('The most ε the run may spend at δ'),
    whenExceeded: z
      .enum(['refuse', 'stop'])
      .default('refuse')
      .describe(
        'refuse: the planned rounds would pass targetEpsilon, so the run does not start; stop: run the rounds that stay within it',
      ),
  })
  .describe('Differential privacy accounting of the DP wrappers (sync mode)');

export type PrivacySpec = z.output<typeof privacySpec>;

/** How a run's rounds spend privacy. */
export interface PrivacyPlan {
  readonly wrapper: Strategy & DifferentiallyPrivate;
  /** The sampling rate each round composes. */
  readonly q: number;
  readonly sampling: ClientSampling;
  readonly delta: number;
  /** The rounds the run may run within the target (its planned rounds without one). */
  readonly rounds: number;
}

interface Population {
  readonly clients: number;
  readonly clientsPerRound: number;
  readonly rounds: number;
  /** Whether clients are Poisson-sampled (`selection: poisson`). */
  readonly poisson: boolean;
}

/**
 * The privacy plan of `strategy` (null when it holds no DP wrapper) and the
 * problems of `spec` against it: a privacy block without a DP wrapper, two
 * DP wrappers, and a target the planned rounds pass (with `refuse`: the
 * message gives the noise multiplier that would meet it and the rounds that
 * fit).
 */
export function privacyPlan(
  strategy: Strategy,
  spec: PrivacySpec | undefined,
  population: Population,
): { plan: PrivacyPlan | null; problems: InputProblem[] } {
  const wrappers = privacyWrappers(strategy);
  if (wrappers.length === 0) {
    const problems: InputProblem[] =
      spec === undefined
        ? []
        : [
            {
              path: 'federated.privacy',
              message:
                'accounts for a DP wrapper, and federated.strategy.wrap has none (dp-central, dp-adaptive or dp-local)',
            },
          ];
    return { plan: null, problems };
  }
  if (wrappers.length > 1)
    return {
      plan: null,
      problems: [
        {
          path: 'federated.strategy.wrap',
          message: `holds ${wrappers.length} DP wrappers (${wrappers.map((w) => w.name).join(', ')}); give one, the accountant composes one mechanism per round`,
        },
      ],
    };
  const wrapper = wrappers[0]!;
  const central = wrapper.privacyScope === 'central';
  const q = central ? population.clientsPerRound / population.clients : 1;
  const sampling: ClientSampling = central && !population.poisson ? 'fixed-size' : 'poisson';
  if (central && population.poisson && !hasFixedDenominator(wrapper))
    return {
      plan: null,
      problems: [
        {
          path: 'federated.strategy.wrap',
          message: `${wrapper.name} under selection: poisson needs expectedClientsPerRound (K = ${population.clientsPerRound}): the noise is scaled by the expected clients, not by how many were drawn (McMahan et al. 2018)`,
        },
      ],
    };
  const delta = spec?.delta ?? DEFAULT_DELTA;
  const plan: PrivacyPlan = { wrapper, q, sampling, delta, rounds: population.rounds };
  const target = spec?.targetEpsilon;
  if (target === undefined) return { plan, problems: [] };
  const z = wrapper.noiseMultiplier;
  const spent = (rounds: number) => epsilonAfter(q, z, rounds, delta, { sampling });
  if (spent(population.rounds) <= target) return { plan, problems: [] };
  const fit = roundsWithin(spent, target, population.rounds);
  if (spec?.whenExceeded === 'stop' && fit > 0)
    return { plan: { ...plan, rounds: fit }, problems: [] };
  const needed = noiseNeeded(target, delta, q, population.rounds, sampling);
  return {
    plan: null,
    problems: [
      {
        path: 'federated.privacy.targetEpsilon',
        message: `${population.rounds} rounds at noise multiplier ${z} spend ε = ${spent(population.rounds).toPrecision(4)} at δ = ${delta} (q = ${q.toPrecision(4)}): ${needed} to stay within it${fit > 0 ? `, or at most ${fit} rounds (whenExceeded: stop runs those)` : ''}`,
        value: target,
      },
    ],
  };
}

/** Whether a central wrapper divides by a fixed expected number of clients. */
function hasFixedDenominator(wrapper: Strategy & DifferentiallyPrivate): boolean {
  const expected = (wrapper as { expectedClientsPerRound?: number }).expectedClientsPerRound;
  return expected !== undefined;
}

/** The most rounds (0 to `max`) whose ε stays within `target`; ε grows with rounds. */
function roundsWithin(spent: (rounds: number) => number, target: number, max: number): number {
  let low = 0;
  let high = max;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (spent(mid) <= target) low = mid;
    else high = mid - 1;
  }
  return low;
}

function noiseNeeded(
  target: number,
  delta: number,
  q: number,
  rounds: number,
  sampling: ClientSampling,
): string {
  try {
    return `a noise multiplier of at least ${noiseForEpsilon(target, delta, q, rounds, { sampling }).toPrecision(4)} is needed`;
  } catch (error) {
    if (error instanceof RangeError) return `no noise multiplier reaches it (${error.message})`;
    throw error;
  }
}

/** The ε a run has spent, round by round. */
export class PrivacyLedger {
  private readonly accountant: RdpAccountant;

  constructor(private readonly plan: PrivacyPlan) {
    this.accountant = new RdpAccountant({ sampling: plan.sampling });
  }

  /** ε at the plan's δ after round `round` (a round that released no model spends nothing). */
  afterRound(round: number): number {
    const ran = this.plan.wrapper.roundPrivacy(round);
    if (ran?.released === true) this.accountant.compose(this.plan.q, ran.noiseMultiplier);
    return this.accountant.epsilon(this.plan.delta).epsilon;
  }
}
