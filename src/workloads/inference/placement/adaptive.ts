import type { PickServer } from '../balancers/balancer.js';
import { namesBalancer, tierPicker, tierServers } from '../balancers/pickers.js';
import { lowestScore, scoreOf } from './estimates.js';
import { ON_DEVICE, type PlacementPolicy } from './policy.js';

/**
 * `adaptive`: each request goes where it is expected to cost least, the
 * device itself (once it can run the model) or a server, by expected latency
 * or by the device's marginal energy (`objective`), from the present queue
 * lengths and link loads. Ties go to the device, then to the first server.
 *
 * The servers it weighs: by default every one (the oracle); with a
 * `balancer` on the placement or a device group, the one each tier's
 * balancer picks (every request asks each tier's balancer once).
 */
export const adaptivePolicy: PlacementPolicy = {
  summary: 'adaptive (the device or the server of lowest expected latency or energy)',
  runsOnDevice: 'sometimes',
  chooser(view, objective) {
    const score = scoreOf(objective);
    const deviceScoreOf = (d: number) =>
      view.localTimeS(d) === undefined ? Number.POSITIVE_INFINITY : score(view, d, ON_DEVICE);
    if (!namesBalancer(view.resolved)) {
      const candidates = view.servers.map((_, s) => s);
      return (d) => lowestScore(view, d, score, candidates, ON_DEVICE, deviceScoreOf(d));
    }
    // One picker per tier that has servers: at most two.
    const [first, second] = (['edge', 'cloud'] as const)
      .filter((tier) => tierServers(view.resolved, tier).length > 0)
      .map((tier): PickServer => tierPicker(view, objective, tier));
    return (d) => {
      let best = ON_DEVICE;
      let bestScore = deviceScoreOf(d);
      if (first === undefined) return best;
      let a = first(d);
      let b = second === undefined ? -1 : second(d);
      // Ties go to the device, then to the lower server index.
      if (b >= 0 && b < a) {
        const swap = a;
        a = b;
        b = swap;
      }
      const scoreA = score(view, d, a);
      if (scoreA < bestScore) {
        best = a;
        bestScore = scoreA;
      }
      if (b >= 0 && score(view, d, b) < bestScore) best = b;
      return best;
    };
  },
};
