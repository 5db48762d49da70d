import type { Balancer } from './balancer.js';

/** Servers sampled per request when `d` is not given: the "two choices". */
export const DEFAULT_D = 2;

/**
 * `power-of-d`: d distinct candidates uniformly at random from the
 * balancer's own stream, then the one with the fewest outstanding requests
 * per worker among them, the first sampled among equals (so ties break at
 * random). Mitzenmacher, "The power of two choices in randomized load
 * balancing", IEEE TPDS 12(10), 2001
 * (https://www.eecs.harvard.edu/~michaelm/abstracts/tpds2001.html), and
 * Vvedenskaya, Dobrushin and Karpelevich, Probl. Inf. Transm. 32(1), 1996:
 * with Poisson arrivals at rate lambda per server and exponential service of
 * mean 1, the fraction of servers holding at least i jobs tends to
 * lambda^((d^i - 1)/(d - 1)) as the number of servers grows, against
 * lambda^i for random.
 *
 * The sample is a partial Fisher-Yates shuffle of a permutation kept from
 * request to request: the first d entries after d swaps are a uniform
 * d-subset whatever order the permutation was left in, and nothing is
 * allocated per request.
 */
export const powerOfDBalancer: Balancer = {
  summary: 'power-of-d (the least loaded of d servers sampled at random; d: 2)',
  readsLoad: true,
  picker(context, spec) {
    const { board, candidates } = context;
    const n = candidates.length;
    const d = spec.d ?? DEFAULT_D;
    if (!(d >= 1 && d <= n) || !Number.isInteger(d))
      throw new RangeError(`d(=${d}) must be an integer in 1..${n} (the candidate servers)`);
    const stream = context.stream();
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return () => {
      let best = candidates[0]!;
      let bestLoad = Number.POSITIVE_INFINITY;
      for (let i = 0; i < d; i++) {
        const j = i + stream.integer(n - i);
        const picked = order[j]!;
        order[j] = order[i]!;
        order[i] = picked;
        const s = candidates[picked]!;
        const load = board.load(s);
        if (load < bestLoad) {
          best = s;
          bestLoad = load;
        }
      }
      return best;
    };
  },
};
