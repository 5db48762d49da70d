/**
 * The scenario fields of placement: `workload.inference.placement` (the
 * policy, what it minimises and the balancer that picks among a tier's
 * servers) and what a device group may say about where its requests go (its
 * own balancer). The policies are the placement registry's and the balancers
 * the balancer registry's; a new one registered there is valid here.
 */
import { z } from 'zod';
import { balancerField } from '../balancers/spec.js';
import { PLACEMENT_POLICY_NAMES, placementPoliciesText } from './registry.js';

const placementPolicy = z.enum(PLACEMENT_POLICY_NAMES);

/** `workload.inference.placement`: a policy name, or the policy with its options. */
export const placementField = z
  .union([
    placementPolicy.transform((policy) => ({
      policy,
      objective: 'latency' as const,
      balancer: undefined,
    })),
    z.strictObject({
      policy: placementPolicy,
      objective: z.enum(['latency', 'energy']).default('latency'),
      balancer: balancerField
        .optional()
        .describe(
          'How edge, cloud and adaptive placement pick a server of a tier (default oracle: the lowest expected latency from perfect present knowledge)',
        ),
    }),
  ])
  .describe(`Where requests run: ${placementPoliciesText()}`);

/** Fields a device group of an inference fleet may add about where its requests go. */
export const groupPlacementFields = {
  balancer: balancerField
    .optional()
    .describe(
      "This group's balancer, replacing the placement's for the tiers it names (its own cursor, stream and board)",
    ),
};
