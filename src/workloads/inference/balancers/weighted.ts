import type { Balancer } from './balancer.js';

/**
 * `weighted`: capacity-weighted, deterministic smooth weighted round-robin,
 * nginx's algorithm (commit 27e94984 of nginx's round-robin upstream,
 * https://github.com/phusion/nginx/commit/27e94984486058d73157038f7950a0a36ecc6e35):
 * per request every candidate's current weight grows by its weight, the
 * largest (the first among equals) is picked and loses the total weight.
 * Weights 5, 1, 1 give a a b a c a a. A server's weight is workers x
 * throughput, throughput = 1 / (its batch-of-1 time).
 *
 * Deterministic rather than weighted random: every window of picks splits in
 * the weights' proportions (no sampling noise, so a difference in latency
 * comes from capacity, not from luck), the picks of one server are spread
 * out instead of bunched, and it is what nginx does with `weight=`.
 */
export const weightedBalancer: Balancer = {
  summary: 'weighted (smooth weighted round-robin by workers x throughput)',
  readsLoad: false,
  picker({ candidates, servers, serviceRatePerS }) {
    const n = candidates.length;
    const weight = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const s = candidates[i]!;
      weight[i] = servers[s]!.workers * serviceRatePerS[s]!;
      total += weight[i]!;
    }
    const current = new Float64Array(n);
    return () => {
      let best = 0;
      for (let i = 0; i < n; i++) {
        current[i] = current[i]! + weight[i]!;
        if (current[i]! > current[best]!) best = i;
      }
      current[best] = current[best]! - total;
      return candidates[best]!;
    };
  },
};
