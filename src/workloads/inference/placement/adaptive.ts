import { lowestScore, scoreOf } from './estimates.js';
import { ON_DEVICE, type PlacementPolicy } from './policy.js';

/**
 * `adaptive`: each request goes where it is expected to cost least, the
 * device itself (once it can run the model) or any server, by expected
 * latency or by the device's marginal energy (`objective`), from the present
 * queue lengths and link loads. Ties go to the device, then to the first
 * server.
 */
export const adaptivePolicy: PlacementPolicy = {
  summary: 'adaptive (the device or the server of lowest expected latency or energy)',
  runsOnDevice: 'sometimes',
  chooser(view, objective) {
    const score = scoreOf(objective);
    const candidates = view.servers.map((_, s) => s);
    return (d) => {
      const local = view.localTimeS(d) === undefined ? Number.POSITIVE_INFINITY : undefined;
      const deviceScore = local ?? score(view, d, ON_DEVICE);
      return lowestScore(view, d, score, candidates, ON_DEVICE, deviceScore);
    };
  },
};
