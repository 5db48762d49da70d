import type { Balancer } from './balancer.js';

/**
 * `round-robin`: the candidates in turn, from the first, whatever their
 * load: nginx's default for an upstream group
 * (https://nginx.org/en/docs/http/load_balancing.html). One cursor per
 * balancer (per tier, or per device group naming its own).
 */
export const roundRobinBalancer: Balancer = {
  summary: 'round-robin (the servers in turn)',
  readsLoad: false,
  picker({ candidates }) {
    let next = 0;
    return () => {
      const s = candidates[next]!;
      next = next + 1 === candidates.length ? 0 : next + 1;
      return s;
    };
  },
};
