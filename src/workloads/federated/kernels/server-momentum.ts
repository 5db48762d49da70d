/**
 * Server momentum for federated averaging (FedAvgM).
 *
 * Hsu, Qi, Brown, "Measuring the Effects of Non-Identical Data Distribution
 * for Federated Visual Classification", arXiv:1909.06335, 2019: the server
 * treats the round's change as a gradient and applies SGD with momentum,
 * v ← β·v + g, x ← x − η·v, with the pseudo-gradient g = x − avg (PyTorch's
 * convention for SGD momentum, as Flower's FedAvgM uses).
 */
import { axpy, output, requireSameLength, subtract } from './vector.js';

/** The server's pseudo-gradient g = global − average: the negated round update. */
export function pseudoGradient(
  global: Float32Array,
  average: Float32Array,
  out?: Float32Array,
): Float32Array {
  return subtract(global, average, out);
}

/**
 * The new velocity β·velocity + g. Starting from a zero velocity gives g on
 * the first round, as Flower does. `out` may be `velocity` (in place).
 */
export function momentumVelocity(
  velocity: Float32Array,
  gradient: Float32Array,
  momentum: number,
  out?: Float32Array,
): Float32Array {
  requireSameLength('velocity', velocity, 'gradient', gradient);
  const result = output(velocity.length, out);
  for (let i = 0; i < velocity.length; i++) result[i] = momentum * velocity[i]! + gradient[i]!;
  return result;
}

/** One SGD step on the server: global − learningRate·direction. */
export function sgdStep(
  global: Float32Array,
  direction: Float32Array,
  learningRate: number,
  out?: Float32Array,
): Float32Array {
  return axpy(-learningRate, direction, global, out);
}
