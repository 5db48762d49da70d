/**
 * Model replacement by a boosted update.
 *
 * Bagdasaryan, Veit, Hua, Estrin, Shmatikov, "How To Backdoor Federated
 * Learning", AISTATS 2020 (arXiv:1807.00459), model replacement: the attacker scales its update by γ ≈ n/η so that it survives the
 * averaging and replaces the global model, sending
 * w_global + γ·(w − w_global). Here γ is `boost`, given by the scenario.
 *
 * Each element is computed in float64 and rounded once to float32. Inputs
 * are not modified.
 */
import { requireSameLength } from '../kernels/vector.js';

/** The model w_global + boost·(w − w_global); `boost` ≥ 0. */
export function boostUpdate(
  global: Float32Array,
  weights: Float32Array,
  boost: number,
): Float32Array {
  if (!(Number.isFinite(boost) && boost >= 0))
    throw new RangeError(`boost(=${boost}) must be a finite number >= 0`);
  requireSameLength('global', global, 'weights', weights);
  const out = new Float32Array(global.length);
  for (let i = 0; i < global.length; i++) out[i] = global[i]! + boost * (weights[i]! - global[i]!);
  return out;
}
