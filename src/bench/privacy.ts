/**
 * Differential privacy (#19): the RDP accountant and the Gaussian noise
 * kernel. Target: epsilon after each of 10,000 rounds in under 50 ms (a
 * run's rounds.csv reports epsilon per round). The one-step RDP at the 155
 * default orders, computed once per (q, σ) and kept, is timed apart, as is
 * the bisection for the noise a target epsilon needs.
 */
import { RandomStreams } from '../engine/random.js';
import { addGaussianNoise } from '../workloads/federated/kernels/gaussian-noise.js';
import { noiseForEpsilon, RdpAccountant } from '../workloads/federated/privacy/accountant.js';
import { rdpSubsampledGaussian } from '../workloads/federated/privacy/rdp.js';
import type { BenchCase } from './harness.js';

const ROUNDS = 10_000;
/** 100 of 10,000 clients per round, Poisson-sampled; z = 1.1; δ = 1e-5. */
const Q = 0.01;
const SIGMA = 1.1;
const DELTA = 1e-5;
const PARAMETERS = 1_000_000;

let noiseTarget: Float32Array | undefined;

export const privacyCases: BenchCase[] = [
  {
    name: 'privacy: epsilon after each of 10,000 rounds (RDP accountant, 155 orders)',
    run: () => {
      const accountant = new RdpAccountant();
      let last = 0;
      for (let r = 1; r <= ROUNDS; r++) last = accountant.compose(Q, SIGMA).epsilon(DELTA).epsilon;
      if (!(last > 0)) throw new Error(`epsilon after ${ROUNDS} rounds was ${last}`);
      return ROUNDS;
    },
    unit: 'rounds',
  },
  {
    name: 'privacy: RDP of one subsampled Gaussian step at the 155 default orders',
    run: () => {
      rdpSubsampledGaussian(Q, SIGMA);
      return 1;
    },
    unit: 'RDP vectors',
  },
  {
    name: 'privacy: noise multiplier for epsilon 8 over 10,000 rounds (bisection)',
    run: () => {
      noiseForEpsilon(8, DELTA, Q, ROUNDS);
      return 1;
    },
    unit: 'searches',
  },
  {
    name: 'privacy: Gaussian noise on 1,000,000 float32 parameters',
    run: () => {
      noiseTarget ??= new Float32Array(PARAMETERS);
      addGaussianNoise(noiseTarget, 0.01, new RandomStreams(1).stream('dp-noise', 1));
      return PARAMETERS;
    },
    unit: 'parameters',
  },
];
