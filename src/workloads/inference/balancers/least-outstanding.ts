import { type Balancer, leastLoaded } from './balancer.js';

/**
 * `least-outstanding`: the candidate with the fewest requests waiting plus
 * in service per worker as the balancer sees them, the first among equals:
 * join-the-shortest-queue (Winston, J. Appl. Prob. 14(1), 1977), nginx's
 * `least_conn`. With stale information every request between two refreshes
 * goes to the same apparently emptiest server and the herd overloads it
 * (Mitzenmacher, "How useful is old information?", IEEE TPDS 11(1), 2000).
 */
export const leastOutstandingBalancer: Balancer = {
  summary: 'least-outstanding (the fewest requests per worker, as seen)',
  readsLoad: true,
  picker:
    ({ board, candidates }) =>
    () =>
      leastLoaded(board, candidates),
};
