/**
 * Placement policies by name: what `workload.inference.placement` (or its
 * `policy`) may say. The scenario schema's list of policies is this table's
 * keys, so registering a policy here is all it takes to use it in a scenario.
 */
import { UsageError } from '../../../errors.js';
import { adaptivePolicy } from './adaptive.js';
import { devicePolicy } from './device.js';
import { leastLoadedPolicy } from './least-loaded.js';
import type { PlacementPolicy } from './policy.js';
import { splitPolicy } from './split.js';
import { tierPolicy } from './tier.js';

/** Name -> policy. The order is the order the schema lists them in. */
export const PLACEMENT_POLICIES = {
  device: devicePolicy,
  edge: tierPolicy('edge'),
  cloud: tierPolicy('cloud'),
  adaptive: adaptivePolicy,
  'least-loaded': leastLoadedPolicy,
  split: splitPolicy,
} as const satisfies Record<string, PlacementPolicy>;

/** A registered placement policy's name. */
export type PlacementPolicyName = keyof typeof PLACEMENT_POLICIES;

/** The registered names, in registry order (for the schema's enum). */
export const PLACEMENT_POLICY_NAMES = Object.keys(PLACEMENT_POLICIES) as [
  PlacementPolicyName,
  ...PlacementPolicyName[],
];

/** Whether `name` is a registered placement policy. */
export function isPlacementPolicyName(name: string): name is PlacementPolicyName {
  return Object.hasOwn(PLACEMENT_POLICIES, name);
}

/**
 * The policy registered as `name`. A scenario's policy is checked by its
 * schema; for any other name this throws a UsageError listing the known ones.
 */
export function placementPolicy(name: string): PlacementPolicy {
  if (!isPlacementPolicyName(name))
    throw new UsageError(
      `unknown placement policy "${name}"; known policies: ${PLACEMENT_POLICY_NAMES.join(', ')}`,
    );
  return PLACEMENT_POLICIES[name];
}

/** One line per policy for the schema's description of `placement`. */
export function placementPoliciesText(): string {
  return Object.values(PLACEMENT_POLICIES)
    .map((policy: PlacementPolicy) => policy.summary)
    .join(', ');
}
