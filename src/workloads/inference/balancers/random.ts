import type { Balancer } from './balancer.js';

/**
 * `random`: a candidate uniformly at random from the balancer's own stream
 * (`balancer`, its key): each server is an independent queue fed a Poisson
 * share of the load, M/M/1 for exponential service (the d = 1 case of
 * Mitzenmacher's supermarket model, IEEE TPDS 12(10), 2001).
 */
export const randomBalancer: Balancer = {
  summary: 'random (a server uniformly at random)',
  readsLoad: false,
  picker(context) {
    const { candidates } = context;
    const stream = context.stream();
    return () => candidates[stream.integer(candidates.length)]!;
  },
};
