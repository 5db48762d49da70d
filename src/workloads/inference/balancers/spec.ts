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
import { BALANCER_NAMES, type BalancerName, balancersText } from './registry.js';

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

const staleness = quantity(
  'duration',
  { min: 0, max: MAX_DURATION_S },
  'Age of the load the balancer acts on: a snapshot of every server refreshed this often; 0 = the present',
);

/** A balancer's fields: `policy` and its options. */
const specFields = {
  policy,
  staleness: staleness.default(0),
  d: z
    .number()
    .int()
    .min(1, { error: 'd must be at least 1' })
    .max(MAX_SERVERS)
    .optional()
    .describe(`power-of-d: servers sampled per request (default ${DEFAULT_D})`),
  overflow: z
    .number()
    .min(1, { error: 'overflow must be at least 1 (a home may hold the mean load)' })
    .max(1e6)
    .optional()
    .describe(
      `nearest: the home is full past this times the mean load per worker (default ${DEFAULT_OVERFLOW})`,
    ),
};

type SpecInput = { policy: BalancerName; staleness: number; d?: number; overflow?: number };

/** Options that only one balancer takes, and which. */
const OWN_OPTIONS = { d: 'power-of-d', overflow: 'nearest' } as const;

/** Refuses an option given to a balancer it does not belong to. */
function checkOwnOptions(
  spec: {
    policy?: BalancerName | undefined;
    d?: number | undefined;
    overflow?: number | undefined;
  },
  ctx: z.RefinementCtx,
): void {
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
}

const toSpec = (spec: SpecInput): BalancerSpec => ({
  ...defaultSpec(spec.policy),
  staleness: spec.staleness,
  ...(spec.d === undefined ? {} : { d: spec.d }),
  ...(spec.overflow === undefined ? {} : { overflow: spec.overflow }),
});

/** One balancer: a name alone, or `{ policy, staleness?, d?, overflow? }`. */
const oneBalancer = z.union([
  policy.transform(defaultSpec),
  z.strictObject(specFields).superRefine(checkOwnOptions).transform(toSpec),
]);

/**
 * The object form: one balancer's fields, or `edge` and/or `cloud`, each
 * one balancer. One object rather than a union of two, so that a mistake
 * is reported against the form the user wrote.
 */
const balancerObject = z
  .strictObject({
    ...specFields,
    policy: policy.optional(),
    staleness: staleness.optional(),
    edge: oneBalancer.optional().describe('The balancer of the edge tier'),
    cloud: oneBalancer.optional().describe('The balancer of the cloud tier'),
  })
  .superRefine((o, ctx) => {
    if (o.edge !== undefined || o.cloud !== undefined) {
      for (const field of ['policy', 'staleness', 'd', 'overflow'] as const)
        if (o[field] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [field],
            input: o[field],
            message: `${field} goes inside edge or cloud when the balancer is named per tier`,
          });
    } else if (o.policy === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['policy'],
        input: undefined,
        message: `missing: a balancer's policy (${BALANCER_NAMES.join(', ')}), or edge and/or cloud`,
      });
    else checkOwnOptions(o, ctx);
  })
  .transform(
    (o): BalancerChoice =>
      o.policy === undefined
        ? { edge: o.edge, cloud: o.cloud, perTier: true }
        : bothTiers(toSpec({ ...o, policy: o.policy, staleness: o.staleness ?? 0 })),
  );

const bothTiers = (spec: BalancerSpec): BalancerChoice => ({
  edge: spec,
  cloud: spec,
  perTier: false,
});

/**
 * `balancer`: which balancer picks a server of a tier, and its options. One
 * balancer (a name, or an object with `policy`) serves both tiers;
 * `{ edge: ..., cloud: ... }` names one per tier (a tier left out keeps the
 * default, or the placement's when on a device group).
 */
export const balancerField = z
  .union([policy.transform((name) => bothTiers(defaultSpec(name))), balancerObject])
  .describe(`How a server of a tier is picked: ${balancersText()}`);
