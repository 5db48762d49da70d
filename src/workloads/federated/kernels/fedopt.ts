/**
 * Adaptive server optimizers for federated learning: FedAdam, FedYogi and
 * FedAdagrad.
 *
 * Reddi, Charles, Zaheer, Garrett, Rush, Konečný, Kumar, McMahan, "Adaptive
 * Federated Optimization", ICLR 2021 (arXiv:2003.00295), Algorithm 2. The
 * server treats Δ = average − global (the round's update, the negated
 * pseudo-gradient) as the step direction:
 *
 *   m ← β1·m + (1 − β1)·Δ
 *   v ← β2·v + (1 − β2)·Δ²                     (Adam)
 *   v ← v − (1 − β2)·Δ²·sign(v − Δ²)           (Yogi)
 *   v ← v + Δ²                                 (Adagrad)
 *   x ← x + η·m / (√v + τ)
 *
 * The maths, the defaults and the zero initial moments follow Flower's
 * fedadam.py, fedyogi.py and fedadagrad.py, including FedAdam's bias-corrected
 * step size (see {@link adamStepSize}).
 *
 * Each function computes in float64 per element and rounds once to float32;
 * `out` may be one of the inputs (in-place moment updates).
 */
import { output, requireSameLength } from './vector.js';

/** m ← β1·m + (1 − β1)·Δ. */
export function firstMoment(
  m: Float32Array,
  delta: Float32Array,
  beta1: number,
  out?: Float32Array,
): Float32Array {
  requireSameLength('m', m, 'delta', delta);
  const result = output(m.length, out);
  for (let i = 0; i < m.length; i++) result[i] = beta1 * m[i]! + (1 - beta1) * delta[i]!;
  return result;
}

/** Adam's v ← β2·v + (1 − β2)·Δ². */
export function adamSecondMoment(
  v: Float32Array,
  delta: Float32Array,
  beta2: number,
  out?: Float32Array,
): Float32Array {
  requireSameLength('v', v, 'delta', delta);
  const result = output(v.length, out);
  for (let i = 0; i < v.length; i++) {
    const d = delta[i]!;
    result[i] = beta2 * v[i]! + (1 - beta2) * d * d;
  }
  return result;
}

/** Yogi's v ← v − (1 − β2)·Δ²·sign(v − Δ²): v moves towards Δ² additively. */
export function yogiSecondMoment(
  v: Float32Array,
  delta: Float32Array,
  beta2: number,
  out?: Float32Array,
): Float32Array {
  requireSameLength('v', v, 'delta', delta);
  const result = output(v.length, out);
  for (let i = 0; i < v.length; i++) {
    const square = delta[i]! * delta[i]!;
    const vi = v[i]!;
    result[i] = vi - (1 - beta2) * square * Math.sign(vi - square);
  }
  return result;
}

/** Adagrad's v ← v + Δ². */
export function adagradSecondMoment(
  v: Float32Array,
  delta: Float32Array,
  out?: Float32Array,
): Float32Array {
  requireSameLength('v', v, 'delta', delta);
  const result = output(v.length, out);
  for (let i = 0; i < v.length; i++) result[i] = v[i]! + delta[i]! * delta[i]!;
  return result;
}

/** x ← x + η·m / (√v + τ). */
export function adaptiveStep(
  global: Float32Array,
  m: Float32Array,
  v: Float32Array,
  stepSize: number,
  tau: number,
  out?: Float32Array,
): Float32Array {
  requireSameLength('global', global, 'm', m);
  requireSameLength('global', global, 'v', v);
  const result = output(global.length, out);
  for (let i = 0; i < global.length; i++)
    result[i] = global[i]! + (stepSize * m[i]!) / (Math.sqrt(v[i]!) + tau);
  return result;
}

/**
 * FedAdam's bias-corrected step size η·√(1 − β2^(t+1)) / (1 − β1^(t+1)) in
 * round t (Kingma & Ba's α_t). The exponent is t + 1, not Kingma & Ba's t, to
 * give Flower's numbers: Flower's rounds count from 1 and its fedadam.py uses
 * `server_round + 1`.
 */
export function adamStepSize(eta: number, beta1: number, beta2: number, round: number): number {
  return (eta * Math.sqrt(1 - beta2 ** (round + 1))) / (1 - beta1 ** (round + 1));
}
