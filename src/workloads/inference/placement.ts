/**
 * Where requests run: the public face of the placement policies, which live
 * one per file in `placement/` and are registered by name in
 * `placement/registry.ts`.
 */

import type { PlacementView } from './placement/policy.js';
import { placementPolicy } from './placement/registry.js';

export { expectedDeviceEnergyJ, expectedLatencyS } from './placement/estimates.js';
export type {
  ChooseTarget,
  PlacementObjective,
  PlacementPolicy,
  PlacementView,
} from './placement/policy.js';
export { ON_DEVICE } from './placement/policy.js';
export {
  isPlacementPolicyName,
  PLACEMENT_POLICIES,
  PLACEMENT_POLICY_NAMES,
  type PlacementPolicyName,
  placementPolicy,
} from './placement/registry.js';

/**
 * Where device d's request runs under the scenario's placement policy:
 * ON_DEVICE or a server index. For one decision; a run makes its chooser once
 * (`placementPolicy(name).chooser(view, objective)`) and calls that.
 */
export function choosePlacement(view: PlacementView, d: number): number {
  const { policy, objective } = view.resolved.scenario.workload.inference.placement;
  return placementPolicy(policy).chooser(view, objective)(d);
}
