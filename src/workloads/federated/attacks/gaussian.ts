/**
 * Gaussian noise: the attacker's update is replaced by, or has added to it,
 * independent N(0, σ²) noise per coordinate (the "Gaussian" Byzantine
 * behaviour of Blanchard, El Mhamdi, Guerraoui, Stainer, "Machine Learning
 * with Adversaries: Byzantine Tolerant Gradient Descent", NeurIPS 2017, against
 * which Krum is evaluated).
 *
 * `replace` sends w_global + ε; `add` sends w + ε, ε_i ~ N(0, σ²) drawn in
 * coordinate order from the stream given (Box-Muller, engine/random.ts), so
 * the same stream gives the same bits. Each element is computed in float64
 * and rounded once to float32. Inputs are not modified.
 */
import type { RandomStream } from '../../../engine/random.js';
import { requireSameLength } from '../kernels/vector.js';

/** Whether the noise replaces the update (w_global + ε) or is added to it (w + ε). */
export type NoiseMode = 'replace' | 'add';

/** The model with N(0, sigma²) noise per coordinate, drawn from `rng` in coordinate order; `sigma` ≥ 0. */
export function gaussianUpdate(
  global: Float32Array,
  weights: Float32Array,
  sigma: number,
  mode: NoiseMode,
  rng: RandomStream,
): Float32Array {
  if (!(Number.isFinite(sigma) && sigma >= 0))
    throw new RangeError(`sigma(=${sigma}) must be a finite number >= 0`);
  requireSameLength('global', global, 'weights', weights);
  const base = mode === 'replace' ? global : weights;
  const out = new Float32Array(global.length);
  for (let i = 0; i < global.length; i++) out[i] = base[i]! + rng.normal(0, sigma);
  return out;
}
