import { type Balancer, leastLoaded } from './balancer.js';

/**
 * Bounded-load factor when `overflow` is not given: 1.25, the imbalance
 * constant of liblb's bounded balancer
 * (https://pkg.go.dev/github.com/lafikl/liblb/bounded, after Vimeo's
 * deployment of bounded-load consistent hashing).
 */
export const DEFAULT_OVERFLOW = 1.25;

/**
 * `nearest`: a device's request goes to its home server, a server whose
 * `near` lists the device's cell (of several, the least loaded as seen, the
 * first among equals), unless the home is full; then, and for a device with
 * no home, to the least loaded candidate as seen (`least-outstanding`).
 *
 * Full is the bounded-load rule of consistent hashing with bounded loads
 * (Mirrokni, Thorup and Zadimoghaddam, SODA 2018; HAProxy's
 * `hash-balance-factor`), counted per worker: with c = `overflow`, J the
 * outstanding requests on all candidates and W their workers, a home of w
 * workers holding j requests takes the request only if j < ceil(c x (J + 1)
 * x w / W), i.e. if taking it keeps the home within c times the mean load per
 * worker. An idle home always takes it.
 */
export const nearestBalancer: Balancer = {
  summary:
    "nearest (the home server listing the device's cell in `near`, overflowing past overflow x the mean load)",
  readsLoad: true,
  picker({ board, candidates, servers, homesOf }, spec) {
    const c = spec.overflow ?? DEFAULT_OVERFLOW;
    if (!(c >= 1)) throw new RangeError(`overflow(=${c}) must be >= 1`);
    let workers = 0;
    for (const s of candidates) workers += servers[s]!.workers;
    return (d) => {
      const homes = homesOf(d);
      if (homes.length === 0) return leastLoaded(board, candidates);
      const home = homes.length === 1 ? homes[0]! : leastLoaded(board, homes);
      let outstanding = 0;
      for (let i = 0; i < candidates.length; i++) outstanding += board.outstanding(candidates[i]!);
      const capacity = Math.ceil((c * (outstanding + 1) * servers[home]!.workers) / workers);
      return board.outstanding(home) < capacity ? home : leastLoaded(board, candidates);
    };
  },
};
