import type { PlacementPolicy } from './policy.js';

/**
 * `least-loaded`: every request goes to the server with the fewest requests
 * per worker (waiting plus in service) when it arrives, the first among
 * equals; it never looks at links or latency. The join-the-shortest-queue
 * rule of load balancers (Winston, J. Appl. Prob. 14(1), 1977), counted per
 * worker so a bigger server takes more.
 */
export const leastLoadedPolicy: PlacementPolicy = {
  summary: 'least-loaded (the server with the fewest requests per worker)',
  runsOnDevice: 'never',
  check: (servers) =>
    servers.length > 0
      ? undefined
      : 'placement "least-loaded" needs a server in `servers`; there is none',
  chooser: (view) => () => {
    let best = 0;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (let s = 0; s < view.servers.length; s++) {
      const server = view.servers[s]!;
      const load = (server.queueLength + server.busyWorkers) / server.workers;
      if (load < bestLoad) {
        best = s;
        bestLoad = load;
      }
    }
    return best;
  },
};
