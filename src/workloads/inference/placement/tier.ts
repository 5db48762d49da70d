import { tierPicker } from '../balancers/pickers.js';
import type { PlacementPolicy } from './policy.js';

/**
 * `edge` and `cloud`: every request goes to a server of that tier, the one
 * the tier's balancer picks (`placement.balancer`, or the device group's);
 * by default the oracle: the lowest expected latency (or device energy, with
 * `objective: energy`) from the present queues and link loads, the first
 * among equals.
 */
export function tierPolicy(tier: 'edge' | 'cloud'): PlacementPolicy {
  return {
    summary: `${tier} (a server of tier ${tier}, picked by the balancer)`,
    runsOnDevice: 'never',
    check: (servers) =>
      servers.some((s) => s.tier === tier)
        ? undefined
        : `placement "${tier}" needs a server of tier ${tier} in \`servers\`; there is none`,
    chooser: (view, objective) => tierPicker(view, objective, tier),
  };
}
