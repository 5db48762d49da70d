/**
 * The RDP accountant against values printed by the reference libraries'
 * own tests, and its monotonicity as property tests.
 *
 * Sources (each a test of the library that asserts the value):
 * - TF_DPSGD: tensorflow/privacy at 03035d5d,
 *   tensorflow_privacy/privacy/analysis/compute_dp_sgd_privacy_test.py
 *   (`test_compute_dp_sgd_privacy` and `test_compute_dp_sgd_example_privacy`,
 *   which call dp_accounting's RdpAccountant; steps = ceil(epochs·n/batch)
 *   and ceil(num_epochs/q) in compute_dp_sgd_privacy_lib.py).
 * - OPACUS: pytorch/opacus at 4d0ebc84, opacus/tests/accountants_test.py
 *   (`test_rdp_accountant`, `test_get_noise_multiplier_rdp_steps`), orders
 *   RDPAccountant.DEFAULT_ALPHAS of opacus/accountants/rdp.py.
 * - DP_ACCOUNTING: google/differential-privacy at b5b0286e,
 *   python/dp_accounting/dp_accounting/rdp/rdp_privacy_accountant_test.py.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  epsilonAfter,
  noiseForEpsilon,
  RdpAccountant,
} from '../../../../src/workloads/federated/privacy/accountant.js';
import {
  DEFAULT_RDP_ORDERS,
  epsilonFromRdp,
  rdpSubsampledGaussian,
} from '../../../../src/workloads/federated/privacy/rdp.js';
import { rdpSampledWithoutReplacementGaussian } from '../../../../src/workloads/federated/privacy/rdp-without-replacement.js';

/** The orders of TF Privacy's compute_dp_sgd_privacy (compute_dp_sgd_privacy_lib.py). */
const TF_ORDERS = [
  1.25,
  1.5,
  1.75,
  2.0,
  2.25,
  2.5,
  3.0,
  3.5,
  4.0,
  4.5,
  ...Array.from({ length: 59 }, (_, i) => 5 + i),
  128,
  256,
  512,
];
/** Opacus's RDPAccountant.DEFAULT_ALPHAS: 1.1 … 10.9, then 12 … 63. */
const OPACUS_ORDERS = [
  ...Array.from({ length: 99 }, (_, x) => 1 + (x + 1) / 10),
  ...Array.from({ length: 52 }, (_, i) => 12 + i),
];

const relativeError = (value: number, expected: number) => Math.abs(value - expected) / expected;

describe('epsilon of the Poisson-subsampled Gaussian at delta = 1e-5 against published values', () => {
  it('TF_DPSGD Test0: n = 60,000, batch 150, z = 1.3, 15 epochs gives 0.7242234026109595 at order 19', () => {
    const accountant = new RdpAccountant({ orders: TF_ORDERS }).compose(150 / 60000, 1.3, 6000);
    const { epsilon, order } = accountant.epsilon(1e-5);
    expect(relativeError(epsilon, 0.7242234026109595)).toBeLessThan(0.01);
    expect(relativeError(epsilon, 0.7242234026109595)).toBeLessThan(1e-9); // the same algorithm
    expect(order).toBe(19);
  });

  it('TF_DPSGD no_microbatching_with_subsampling_rdp: q = 0.01, z = 0.7, 1.2 epochs gives 3.2392676', () => {
    // 120 steps = ceil(1.2 / 0.01); dp_accounting's default orders.
    const epsilon = epsilonAfter(0.01, 0.7, 120, 1e-5);
    expect(relativeError(epsilon, 3.2392676)).toBeLessThan(0.01);
    expect(relativeError(epsilon, 3.2392676)).toBeLessThan(1e-7);
  });

  it('TF_DPSGD microbatching_with_subsampling_rdp: q = 0.01, z = 0.7 / 2 gives 22.6248601', () => {
    const epsilon = epsilonAfter(0.01, 0.35, 120, 1e-5);
    expect(relativeError(epsilon, 22.6248601)).toBeLessThan(0.01);
    expect(relativeError(epsilon, 22.6248601)).toBeLessThan(1e-7);
  });

  it('OPACUS test_rdp_accountant: q = 0.04, z = 1.5, 2250 steps gives 7.32911117143', () => {
    // Opacus sums its own copy of the series; it agrees with dp_accounting to 3e-5.
    const steps = Math.trunc(90 / 0.04);
    expect(steps).toBe(2250);
    const accountant = new RdpAccountant({ orders: OPACUS_ORDERS }).compose(0.04, 1.5, steps);
    expect(relativeError(accountant.epsilon(1e-5).epsilon, 7.32911117143)).toBeLessThan(0.01);
    expect(relativeError(accountant.epsilon(1e-5).epsilon, 7.32911117143)).toBeLessThan(1e-4);
  });
});

describe('epsilon at other deltas against published values', () => {
  it('TF_DPSGD Test1: n = 100,000, batch 100, z = 1.0, 30 epochs, delta 1e-7 gives 1.4154988495444842', () => {
    const accountant = new RdpAccountant({ orders: TF_ORDERS }).compose(0.001, 1.0, 30000);
    const { epsilon, order } = accountant.epsilon(1e-7);
    expect(relativeError(epsilon, 1.4154988495444842)).toBeLessThan(1e-9);
    expect(order).toBe(13);
  });

  it('TF_DPSGD no_microbatching_no_subsampling_rdp: the plain Gaussian, z = 0.7, 2 steps gives 10.8602036', () => {
    expect(relativeError(epsilonAfter(1, 0.7, 2, 1e-5), 10.8602036)).toBeLessThan(1e-7);
  });

  it('TF_DPSGD privacy statement: 10,000 examples, batch 64, z = 2/2, 5 epochs, delta 1e-6 prints 1.616', () => {
    // ceil(5 / 0.0064) = 782 steps; the statement rounds to 3 decimals.
    expect(epsilonAfter(64 / 10000, 1.0, 782, 1e-6).toFixed(3)).toBe('1.616');
  });
});

describe('epsilonFromRdp', () => {
  it('converts constant RDP 1.1 at orders 2 … 32 to 1.32783806176 at order 32 (DP_ACCOUNTING, by hand)', () => {
    const orders = Array.from({ length: 31 }, (_, i) => 2 + i);
    const result = epsilonFromRdp(orders, new Float64Array(31).fill(1.1), 1e-5);
    expect(result.epsilon).toBeCloseTo(1.32783806176, 10);
    expect(result.order).toBe(32);
  });

  it('gives exactly 1 for the Gaussian with z = 4.530877117 at delta 1e-6 (DP_ACCOUNTING)', () => {
    const orders = Array.from({ length: 99000 }, (_, i) => 0.001 * (i + 1000));
    const rdp = rdpSubsampledGaussian(1, 4.530877117, orders);
    expect(epsilonFromRdp(orders, rdp, 1e-6).epsilon).toBeCloseTo(1, 6);
  });

  it('is 0 for zero RDP, Infinity at delta 0 for any positive RDP, and rejects a negative delta', () => {
    expect(epsilonFromRdp([2, 3], [0, 0], 1e-5).epsilon).toBe(0);
    expect(epsilonFromRdp([2, 3], [0.1, 0.2], 0).epsilon).toBe(Infinity);
    expect(() => epsilonFromRdp([2], [0.1], -1)).toThrow('delta(=-1) must be >= 0');
  });
});

describe('rdpSubsampledGaussian', () => {
  it('is α/(2σ²) without sampling, 0 at q = 0 and Infinity without noise', () => {
    expect([...rdpSubsampledGaussian(1, 2, [3, 5.5])]).toEqual([3 / 8, 5.5 / 8]);
    expect([...rdpSubsampledGaussian(0, 1, [3])]).toEqual([0]);
    expect([...rdpSubsampledGaussian(0.1, 0, [3])]).toEqual([Infinity]);
  });

  it('rejects q outside [0, 1], a negative multiplier and an order below 1', () => {
    expect(() => rdpSubsampledGaussian(1.5, 1)).toThrow('q(=1.5) must be in [0, 1]');
    expect(() => rdpSubsampledGaussian(0.1, -1)).toThrow('noiseMultiplier(=-1) must be >= 0');
    expect(() => rdpSubsampledGaussian(0.1, 1, [0.5])).toThrow('RDP order(=0.5) must be >= 1');
  });
});

describe('fixed-size sampling without replacement (Wang, Balle, Kasiviswanathan)', () => {
  // Values from running dp_accounting at b5b0286e (RdpAccountant with
  // REPLACE_ONE, SelfComposedDpEvent(SampledWithoutReplacementDpEvent(
  // 100000, q·100000, GaussianDpEvent(z)), 100), get_epsilon(1e-5)) with
  // numpy 2.4.6 and scipy 1.17.1: computed from the source, not printed by it.
  it.each([
    [0.01, 1.1, 1.1919395465867102, 10],
    [0.1, 0.8, 19.239929087778307, 2],
    [0.5, 2, 35.126631103850336, 2],
  ])(
    'q = %f, z = %f, 100 steps gives %f at order %i, as dp_accounting',
    (q, z, expected, order) => {
      const result = new RdpAccountant({ sampling: 'fixed-size' }).compose(q, z, 100).epsilon(1e-5);
      expect(relativeError(result.epsilon, expected)).toBeLessThan(1e-9);
      expect(result.order).toBe(order);
    },
  );

  it('is the Gaussian mechanism without sampling and never below the Poisson bound at equal q', () => {
    expect([...rdpSampledWithoutReplacementGaussian(1, 2, [3])]).toEqual([3 / 8]);
    expect(epsilonAfter(0.05, 1, 50, 1e-5, { sampling: 'fixed-size' })).toBeGreaterThan(
      epsilonAfter(0.05, 1, 50, 1e-5),
    );
  });
});

describe('RdpAccountant', () => {
  it('composes by adding RDP: k rounds at once equal k rounds one by one', () => {
    const once = new RdpAccountant().compose(0.02, 1.1, 30);
    const oneByOne = new RdpAccountant();
    for (let r = 0; r < 30; r++) oneByOne.compose(0.02, 1.1);
    expect(oneByOne.rdp[40]).toBeCloseTo(once.rdp[40]!, 12);
    expect(oneByOne.epsilon(1e-5).epsilon).toBeCloseTo(once.epsilon(1e-5).epsilon, 10);
    expect(once.orders).toEqual(DEFAULT_RDP_ORDERS);
  });

  it('rejects a step count that is not a non-negative integer', () => {
    expect(() => new RdpAccountant().compose(0.1, 1, 1.5)).toThrow(
      'steps(=1.5) must be an integer >= 0',
    );
  });
});

// A few orders keep each property run to well under a millisecond.
const ORDERS = [1.5, 2, 3, 4.5, 8, 16, 32, 64];
const eps = (q: number, sigma: number, steps: number) =>
  epsilonAfter(q, sigma, steps, 1e-5, { orders: ORDERS });
/** Epsilon differences below this are floating-point noise, not order. */
const SLACK = 1e-9;

describe('epsilon is monotone (property tests)', () => {
  const q = fc.double({ min: 1e-4, max: 1, noNaN: true });
  const sigma = fc.double({ min: 0.3, max: 20, noNaN: true });
  const steps = fc.integer({ min: 1, max: 10_000 });

  it('increases with the number of steps', () => {
    fc.assert(
      fc.property(q, sigma, steps, steps, (q, sigma, a, b) => {
        const [few, many] = a <= b ? [a, b] : [b, a];
        return eps(q, sigma, few) <= eps(q, sigma, many) * (1 + SLACK) + SLACK;
      }),
      { numRuns: 60, seed: 19 },
    );
  });

  it('increases with the sampling rate q', () => {
    fc.assert(
      fc.property(q, q, sigma, steps, (a, b, sigma, n) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        return eps(low, sigma, n) <= eps(high, sigma, n) * (1 + SLACK) + SLACK;
      }),
      { numRuns: 60, seed: 19 },
    );
  });

  it('decreases as the noise multiplier grows', () => {
    fc.assert(
      fc.property(q, sigma, sigma, steps, (q, a, b, n) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        return eps(q, high, n) <= eps(q, low, n) * (1 + SLACK) + SLACK;
      }),
      { numRuns: 60, seed: 19 },
    );
  });
});

describe('noiseForEpsilon', () => {
  it('finds the smallest multiplier meeting the target: it meets it, 0.1% less does not (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.double({ min: 1e-3, max: 0.2, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        (target, q, steps) => {
          const sigma = noiseForEpsilon(target, 1e-5, q, steps, { orders: ORDERS });
          return eps(q, sigma, steps) <= target && eps(q, sigma * 0.999, steps) > target;
        },
      ),
      { numRuns: 25, seed: 19 },
    );
  });

  it('agrees with OPACUS test_get_noise_multiplier_rdp_steps: epsilon 8 in 2000 steps at q = 0.04 needs 1.3562', () => {
    // Opacus stops its search within 0.01 of the target epsilon, so only 4 places are printed.
    const sigma = noiseForEpsilon(8, 1e-5, 0.04, 2000, { orders: OPACUS_ORDERS });
    expect(relativeError(sigma, 1.3562)).toBeLessThan(0.01);
    expect(sigma).toBeCloseTo(1.3562, 4);
  });

  it('needs no noise for no steps and rejects a target epsilon that is not > 0', () => {
    expect(noiseForEpsilon(1, 1e-5, 0.1, 0)).toBe(0);
    expect(() => noiseForEpsilon(0, 1e-5, 0.1, 10)).toThrow('targetEpsilon(=0) must be > 0');
  });
});
