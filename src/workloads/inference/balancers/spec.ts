/**
 * The scenario field `balancer`, on `workload.inference.placement` and on a
 * device group: a balancer name, a balancer with its options, or one of
 * either per tier (`{ edge: ..., cloud: ... }`). The balancers are the
 * registry's; a new one registered there is valid here.
 */
import { z } from 'zod';
import { MAX_DURATION_S, MAX_SERVERS } from '../../../scenario/limits.js';
import { quantity } from '../../../scenario/units.js';
import type { BalancerSpec } from './balancer.js';
import { DEFAULT_OVERFLOW } from './nearest.js';
import { DEFAULT_D } from './power-of-d.js';
import { BALANCER_NAMES, balancersText } from './registry.js';

/** A tier's balancer, or each tier's; `perTier` says which was written (for error paths). */
export interface BalancerChoice {
  readonly edge?: BalancerSpec | undefined;
  readonly cloud?: BalancerSpec | undefined;
  readonly perTier: boolean;
}

/** The tiers a balancer may be named for. */
export const TIERS = ['edge', 'cloud'] as const;
export type Tier = (typeof TIERS)[number];

const policy = z.enum(BALANCER_NAMES);

/** The spec of a balancer named alone: its options at their defaults. */
export function defaultSpec(name: (typeof BALANCER_NAMES)[number]): BalancerSpec {
  return {
    policy: name,
    staleness: 0,
    d: name === 'power-of-d' ? DEFAULT_D : undefined,
    overflow: name === 'nearest' ? DEFAULT_OVERFLOW : undefined,
  };
}

/** Options that only one balancer takes, and which. */
const OWN_OPTIONS = { d: 'power-of-d', overflow: 'nearest' } as const;

const specObject = z
  .strictObject({
    policy,
    staleness: quantity(
      'duration',
      { min: 0, max: MAX_DURATION_S },
      'Age of the load the balancer acts on: a snapshot of every server refreshed this often; 0 = the present',
    ).default(0),
    d: z
      .number()
      .int()
      .min(1)
      .max(MAX_SERVERS)
      .optional()
      .describe(`power-of-d: servers sampled per request (default ${DEFAULT_D})`),
    overflow: z
      .number()
      .min(1)
      .max(1e6)
      .optional()
      .describe(
        `nearest: the home is full past this times the mean load per worker (default ${DEFAULT_OVERFLOW})`,
      ),
  })
  .superRefine((spec, ctx) => {
    for (const [field, owner] of Object.entries(OWN_OPTIONS) as [
      keyof typeof OWN_OPTIONS,
      string,
    ][]) {
      if (spec[field] !== undefined && spec.policy !== owner)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          input: spec[field],
          message: `${field} (=${spec[field]}) applies to balancer "${owner}" only, not to "${spec.policy}"`,
        });
    }
  })
  .transform((spec): BalancerSpec => ({ ...defaultSpec(spec.policy), ...dropUndefined(spec) }));

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** One balancer: a name alone, or `{ policy, staleness?, d?, overflow? }`. */
const oneBalancer = z.union([policy.transform(defaultSpec), specObject]);

const bothTiers = (spec: BalancerSpec): BalancerChoice => ({
  edge: spec,
  cloud: spec,
  perTier: false,
});

const perTier = z
  .strictObject({ edge: oneBalancer.optional(), cloud: oneBalancer.optional() })
  .refine((tiers) => tiers.edge !== undefined || tiers.cloud !== undefined, {
    message: 'name a balancer for edge, cloud or both',
  });

/**
 * `balancer`: which balancer picks a server of a tier, and its options. One
 * balancer (a name or an object with `policy`) serves both tiers;
 * `{ edge: ..., cloud: ... }` names one per tier (a tier left out keeps the
 * default, or the placement's when on a device group).
 */
export const balancerField = z
  // The per-tier form first: for an object with `policy`, its "unknown field"
  // is a less telling failure than the one-balancer form's.
  .union([
    perTier.transform((tiers): BalancerChoice => ({ ...tiers, perTier: true })),
    policy.transform((name) => bothTiers(defaultSpec(name))),
    specObject.transform(bothTiers),
  ])
  .describe(`How a server of a tier is picked: ${balancersText()}`);
