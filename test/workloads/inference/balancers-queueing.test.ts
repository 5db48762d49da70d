/**
 * The balancers against queueing theory, through the real balancer code in
 * a harness of single-worker BatchingServers with exponential service of
 * mean 1 s and Poisson arrivals (see balancers-harness.ts).
 */
import { describe, expect, it } from 'vitest';
import { defaultSpec } from '../../../src/workloads/inference/balancers/spec.js';
import { quantile, runSupermarket, supermarketMeanJobs } from './balancers-harness.js';

/** 10 servers at load 0.9, 20,000 s of arrivals (about 180,000 jobs), the first 1,000 s left out. */
const TEN_AT_09 = { servers: 10, lambda: 0.9, horizonS: 20_000, warmupS: 1000, seed: 1 };

function p99(policy: 'random' | 'power-of-d' | 'least-outstanding', stalenessS = 0): number {
  const spec = { ...defaultSpec(policy), staleness: stalenessS };
  return quantile(runSupermarket({ ...TEN_AT_09, spec }).sojournS, 0.99);
}

describe('balancers in the supermarket model', () => {
  it('random gives each server an M/M/1 queue: p99 sojourn near ln(100)/(1 - 0.9) = 46.05 s', () => {
    // M/M/1 sojourn is exponential with rate mu - lambda = 0.1/s; one run is within 10%.
    expect(p99('random')).toBeGreaterThan(46.05 * 0.9);
    expect(p99('random')).toBeLessThan(46.05 * 1.1);
  });

  it('with present state, power-of-2 beats random on p99 at load 0.9 across 10 servers', () => {
    // Measured (seed 1): power-of-2 10.51 s, random 47.79 s.
    expect(p99('power-of-d')).toBeLessThan(p99('random') / 3);
  });

  it("power-of-2's mean jobs per server is the supermarket limit within 10% at n = 100 and 200", () => {
    // Mitzenmacher, "The power of two choices in randomized load balancing",
    // IEEE TPDS 12(10), 2001 (also Vvedenskaya, Dobrushin, Karpelevich,
    // Probl. Inf. Transm. 32(1), 1996): as n -> infinity the fraction of
    // servers with at least i jobs is s_i = lambda^((d^i - 1)/(d - 1)), so
    // the mean jobs per server is sum_{i>=1} s_i. For lambda = 0.9, d = 2:
    // 0.9 + 0.9^3 + 0.9^7 + 0.9^15 + 0.9^31 + ... = 2.3527 (random: 9).
    const limit = supermarketMeanJobs(0.9, 2);
    expect(limit).toBeCloseTo(0.9 + 0.729 + 0.4782969 + 0.205891132 + 0.038152042 + 0.00131002, 3);
    for (const servers of [100, 200]) {
      const spec = defaultSpec('power-of-d');
      const run = runSupermarket({
        servers,
        lambda: 0.9,
        spec,
        horizonS: 3000,
        warmupS: 300,
        seed: 1,
      });
      // Measured: 2.3436 (n = 100), 2.3622 (n = 200).
      expect(Math.abs(run.meanJobsPerServer / limit - 1)).toBeLessThan(0.1);
    }
  });

  it('with stale state least-outstanding herds: worse than random past about 4.2 mean service times', () => {
    // Mitzenmacher, "How useful is old information?", IEEE TPDS 11(1), 2000:
    // with a board refreshed every T, every request of a period goes to the
    // apparently least loaded server. Measured p99 (s), seed 1, random 47.79:
    // T = 0: 7.61, 1: 17.88, 2: 28.13, 3: 37.01, 4: 46.20, 5: 55.23, 8: 81.20;
    // the crossing, interpolated, at T = 4.18 s (4.2 mean service times).
    const random = p99('random');
    const stale = [0, 1, 2, 3, 4, 5, 8].map((t) => p99('least-outstanding', t));
    for (let i = 1; i < stale.length; i++) expect(stale[i]!).toBeGreaterThan(stale[i - 1]!);
    expect(stale[3]!).toBeLessThan(random); // T = 3
    expect(stale[4]!).toBeLessThan(random); // T = 4
    expect(stale[5]!).toBeGreaterThan(random); // T = 5
    expect(stale[6]!).toBeGreaterThan(1.5 * random); // T = 8
  });

  it('power-of-2 degrades gracefully with the same stale state: better than random up to T = 8', () => {
    // Mitzenmacher (2000): two random choices stay effective over a large range of T.
    // Measured p99 (s): T = 2: 12.30, T = 8: 17.49.
    expect(p99('power-of-d', 8)).toBeLessThan(p99('random') / 2);
  });
});
