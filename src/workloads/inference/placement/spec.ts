/**
 * The scenario fields of placement: `workload.inference.placement` (the
 * policy and what it minimises) and what a device group may say about where
 * its requests go. The policies are the placement registry's; a new one
 * registered there is valid here.
 */
import { z } from 'zod';
import { PLACEMENT_POLICY_NAMES, placementPoliciesText } from './registry.js';

const placementPolicy = z.enum(PLACEMENT_POLICY_NAMES);

/** `workload.inference.placement`: a policy name, or the policy with its options. */
export const placementField = z
  .union([
    placementPolicy.transform((policy) => ({ policy, objective: 'latency' as const })),
    z.strictObject({
      policy: placementPolicy,
      objective: z.enum(['latency', 'energy']).default('latency'),
    }),
  ])
  .describe(`Where requests run: ${placementPoliciesText()}`);

/** Fields a device group of an inference fleet may add about where its requests go. */
export const groupPlacementFields = {};
