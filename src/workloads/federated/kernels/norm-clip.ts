/**
 * L2 norm clipping of a client's update Δ = w_k − w_global.
 *
 * McMahan, Ramage, Talwar, Zhang, "Learning Differentially Private Recurrent
 * Language Models", ICLR 2018 (arXiv:1710.06963), Algorithm 1 (DP-FedAvg,
 * flat clipping): each update is projected onto the L2 ball of radius S,
 * π(Δ, S) = Δ · min(1, S / ‖Δ‖). Sun, Kairouz, Suresh, McMahan, "Can You
 * Really Backdoor Federated Learning?", arXiv:1911.07963, 2019, §3 ("norm
 * thresholding of updates"), bound the norm the same way against model
 * replacement.
 *
 * Norms are summed in float64 in element order; clipped weights are computed
 * per element in float64 as w_global + Δ·(S / ‖Δ‖) and rounded once to
 * float32.
 */
import { output, requireSameLength } from './vector.js';

/** ‖w − w_global‖₂, summed in float64 in element order. */
export function updateNorm(global: Float32Array, weights: Float32Array): number {
  requireSameLength('global', global, 'weights', weights);
  let sum = 0;
  for (let i = 0; i < global.length; i++) {
    const d = weights[i]! - global[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/**
 * The model w_global + π(w − w_global, maxNorm): `weights` itself when its
 * update's norm is at most `maxNorm` (> 0), else the update scaled down to
 * norm `maxNorm` (written to `out` when given). Inputs are not modified.
 */
export function clipToNorm(
  global: Float32Array,
  weights: Float32Array,
  maxNorm: number,
  out?: Float32Array,
): Float32Array {
  if (!(Number.isFinite(maxNorm) && maxNorm > 0))
    throw new RangeError(`maxNorm(=${maxNorm}) must be > 0`);
  const norm = updateNorm(global, weights);
  if (norm <= maxNorm) return weights;
  const scale = maxNorm / norm;
  const result = output(global.length, out);
  for (let i = 0; i < global.length; i++)
    result[i] = global[i]! + (weights[i]! - global[i]!) * scale;
  return result;
}
