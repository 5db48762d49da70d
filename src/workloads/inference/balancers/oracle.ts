import type { Balancer } from './balancer.js';

/**
 * `oracle`: the candidate of lowest expected latency (or device energy with
 * `objective: energy`) from perfect, instantaneous knowledge of every queue
 * and link, the first among equals: what the `edge` and `cloud` placements
 * did before balancers existed, and the default. No real balancer knows this
 * much; it is the upper bound the others are measured against. It always
 * sees the present: `staleness` does not apply.
 */
export const oracleBalancer: Balancer = {
  summary: 'oracle (the lowest expected latency from perfect present knowledge; the default)',
  readsLoad: false,
  picker: ({ oracle }) => oracle,
};
