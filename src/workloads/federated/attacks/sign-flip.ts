/**
 * Sign flipping, scaled: the attacker sends the opposite of its honest
 * update, Δ' = −scale·Δ with Δ = w_k − w_global, so an averaging server moves
 * the model against the benign clients' direction: the "bit flipping"
 * Byzantine worker of Karimireddy, He, Jaggi, "Learning from History for
 * Byzantine Robust Optimization", ICML 2021 (arXiv:2012.10333), with a
 * scale as a scenario option.
 *
 * Each element is computed in float64 as w_global − scale·(w − w_global) and
 * rounded once to float32. Inputs are not modified.
 */
import { requireSameLength } from '../kernels/vector.js';

/** The model w_global − scale·(w − w_global); `scale` ≥ 0 (1 is the plain sign flip). */
export function signFlip(global: Float32Array, weights: Float32Array, scale: number): Float32Array {
  if (!(Number.isFinite(scale) && scale >= 0))
    throw new RangeError(`scale(=${scale}) must be a finite number >= 0`);
  requireSameLength('global', global, 'weights', weights);
  const out = new Float32Array(global.length);
  for (let i = 0; i < global.length; i++) out[i] = global[i]! - scale * (weights[i]! - global[i]!);
  return out;
}
