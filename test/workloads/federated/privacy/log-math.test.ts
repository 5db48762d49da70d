/**
 * The accountant's log-space helpers. Expected logs of erfc and |Γ| are
 * scipy 1.17.1's `log(2) + special.log_ndtr(-x·√2)` (dp_accounting's
 * `_log_erfc`) and `special.gammaln`, computed for these inputs.
 */
import { describe, expect, it } from 'vitest';
import {
  logAbsGamma,
  logAdd,
  logComb,
  logErfc,
  logSubSign,
} from '../../../../src/workloads/federated/privacy/log-math.js';

describe('logErfc', () => {
  it.each([
    [-5, 0.6931471805591766],
    [-0.1, 0.10657640058652262],
    [0, 0],
    [1, -1.849605509933249],
    [2.999, -10.714060245678915],
    [3, -10.720363041981116],
    [10, -102.87988902484493],
    [27, -732.8688865078977], // erfc(27) underflows float64
    [1000, -1000007.4801207221],
  ])('log(erfc(%f)) = %f, as scipy', (x, expected) => {
    expect(Math.abs(logErfc(x) - expected)).toBeLessThan(1e-11 * Math.max(1, Math.abs(expected)));
  });
});

describe('logAbsGamma and logComb', () => {
  it.each([
    [0.3, 1.0957979948180756],
    [-0.7, 1.4524729387568076],
    [-990.4, -5844.660221921285],
    [1025, 6078.211884750051],
  ])('log|Γ(%f)| = %f, as scipy gammaln', (x, expected) => {
    expect(Math.abs(logAbsGamma(x) - expected)).toBeLessThan(
      1e-12 * Math.max(1, Math.abs(expected)),
    );
  });

  it('gives log C(5, 2) = log 10', () => {
    expect(logComb(5, 2)).toBeCloseTo(Math.log(10), 12);
  });
});

describe('logAdd and logSubSign', () => {
  it('add and subtract in log space: log(2 + 3) and log|2 − 3| with its sign', () => {
    expect(logAdd(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
    expect(logAdd(-Infinity, Math.log(3))).toBe(Math.log(3));
    expect(logSubSign(Math.log(2), Math.log(3)).positive).toBe(false);
    expect(logSubSign(Math.log(2), Math.log(3)).log).toBeCloseTo(0, 14);
    expect(logSubSign(1, 1)).toEqual({ positive: true, log: -Infinity });
  });
});
