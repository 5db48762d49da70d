/**
 * Gamma and Dirichlet variates.
 *
 * Marsaglia, Tsang, "A Simple Method for Generating Gamma Variables", ACM
 * Transactions on Mathematical Software 26(3), 2000. For shape a ≥ 1 the
 * squeeze-and-reject method with d = a − 1/3, c = 1/√(9d); for a < 1 the
 * paper's boost, Gamma(a) = Gamma(a + 1)·U^(1/a), taken in logs: with a Dirichlet
 * concentration as small as 0.01, U^(1/a) underflows to 0 in float64.
 */
import type { RandomStream } from '../../../engine/random.js';

/** ln X for X ~ Gamma(shape, 1), shape > 0. */
export function logGammaVariate(rng: RandomStream, shape: number): number {
  if (!(Number.isFinite(shape) && shape > 0)) throw new RangeError(`shape(=${shape}) must be > 0`);
  if (shape >= 1) return Math.log(marsagliaTsang(rng, shape));
  const u = 1 - rng.next(); // in (0, 1], so its log is finite
  return Math.log(marsagliaTsang(rng, shape + 1)) + Math.log(u) / shape;
}

/** X ~ Gamma(shape, 1), shape > 0 (may underflow to 0 for shape ≪ 1). */
export function gammaVariate(rng: RandomStream, shape: number): number {
  return Math.exp(logGammaVariate(rng, shape));
}

/**
 * Proportions p ~ Dirichlet(alpha, ..., alpha) over `k` categories: k Gamma
 * variates normalised, in logs so that they sum to 1 even for tiny alpha.
 */
export function dirichletVariate(rng: RandomStream, alpha: number, k: number): Float64Array {
  const logs = new Float64Array(k);
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < k; j++) {
    logs[j] = logGammaVariate(rng, alpha);
    max = Math.max(max, logs[j]!);
  }
  let sum = 0;
  for (let j = 0; j < k; j++) {
    logs[j] = Math.exp(logs[j]! - max);
    sum += logs[j]!;
  }
  for (let j = 0; j < k; j++) logs[j] = logs[j]! / sum;
  return logs;
}

/** Marsaglia and Tsang's method for shape ≥ 1. */
function marsagliaTsang(rng: RandomStream, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = rng.next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}
