import { lowestScore, scoreOf } from './estimates.js';
import type { PlacementPolicy } from './policy.js';

/**
 * `edge` and `cloud`: every request goes to a server of that tier; among
 * several, the one with the lowest expected latency (or device energy, with
 * `objective: energy`) from the present queues and link loads, the first
 * among equals.
 */
export function tierPolicy(tier: 'edge' | 'cloud'): PlacementPolicy {
  return {
    summary: `${tier} (a server of tier ${tier})`,
    runsOnDevice: 'never',
    check: (servers) =>
      servers.some((s) => s.tier === tier)
        ? undefined
        : `placement "${tier}" needs a server of tier ${tier} in \`servers\`; there is none`,
    chooser(view, objective) {
      const candidates = view.resolved.servers.flatMap((s, i) => (s.tier === tier ? [i] : []));
      const first = candidates[0]!;
      if (candidates.length === 1) return () => first;
      const score = scoreOf(objective);
      return (d) => lowestScore(view, d, score, candidates, first, Number.POSITIVE_INFINITY);
    },
  };
}
