/**
 * SCAFFOLD's control variates (option II) and server model update.
 *
 * Karimireddy, Kale, Mohri, Reddi, Stich, Suresh, "SCAFFOLD: Stochastic
 * Controlled Averaging for Federated Learning", ICML 2020 (arXiv:1910.06378),
 * Algorithm 1. Client i starts from the global model x, takes K local steps
 * of size η_l with gradients corrected by (c − c_i), ends at y_i, and sets
 *
 *   c_i⁺ ← c_i − c + (x − y_i) / (K·η_l)                  (option II)
 *
 * The server, with |S| sampled clients out of N, updates
 *
 *   x ← x + η_g · (1/|S|) Σ_i (y_i − x)
 *   c ← c + (1/N) Σ_i (c_i⁺ − c_i)
 *
 * The means over clients are unweighted, as in the paper, and summed in the
 * given client order (see {@link weightedAverage}).
 */
import { axpy, output, requireSameLength } from './vector.js';
import { weightedAverage } from './weighted-average.js';

/**
 * A client's new control variate c_i⁺ = c_i − c + (x − y_i)/(K·η_l)
 * (option II), computed by the trainer after its local steps.
 *
 * @param clientControl c_i, the client's control variate before the round.
 * @param serverControl c, as sent with the round's fit configuration.
 * @param globalWeights x, the model the client started from.
 * @param localWeights y_i, the client's model after its local steps.
 * @param localSteps K, the number of local optimizer steps (integer ≥ 1).
 * @param learningRate η_l, the client's learning rate (> 0).
 */
export function scaffoldClientControl(
  clientControl: Float32Array,
  serverControl: Float32Array,
  globalWeights: Float32Array,
  localWeights: Float32Array,
  localSteps: number,
  learningRate: number,
  out?: Float32Array,
): Float32Array {
  if (!(Number.isInteger(localSteps) && localSteps >= 1))
    throw new RangeError(`localSteps(=${localSteps}) must be an integer >= 1`);
  if (!(Number.isFinite(learningRate) && learningRate > 0))
    throw new RangeError(`learningRate(=${learningRate}) must be > 0`);
  requireSameLength('clientControl', clientControl, 'serverControl', serverControl);
  requireSameLength('clientControl', clientControl, 'globalWeights', globalWeights);
  requireSameLength('clientControl', clientControl, 'localWeights', localWeights);
  const result = output(clientControl.length, out);
  const scale = 1 / (localSteps * learningRate);
  for (let i = 0; i < result.length; i++)
    result[i] =
      clientControl[i]! - serverControl[i]! + (globalWeights[i]! - localWeights[i]!) * scale;
  return result;
}

/**
 * The server's new control variate c + (1/N) Σ_i Δc_i, where Δc_i = c_i⁺ − c_i
 * are the sampled clients' control deltas (at least one, at most N).
 */
export function scaffoldServerControl(
  serverControl: Float32Array,
  controlDeltas: readonly Float32Array[],
  totalClients: number,
  out?: Float32Array,
): Float32Array {
  requireSampleSize(controlDeltas.length, totalClients);
  const mean = weightedAverage(controlDeltas, uniformWeights(controlDeltas.length));
  requireSameLength('serverControl', serverControl, 'controlDeltas[0]', mean);
  return axpy(controlDeltas.length / totalClients, mean, serverControl, out);
}

/** The server's new model x + η_g·(1/|S|) Σ_i (y_i − x), given the clients' models y_i. */
export function scaffoldServerModel(
  globalWeights: Float32Array,
  localWeights: readonly Float32Array[],
  globalLearningRate: number,
  out?: Float32Array,
): Float32Array {
  if (localWeights.length === 0)
    throw new RangeError('scaffoldServerModel needs at least one model');
  const mean = weightedAverage(localWeights, uniformWeights(localWeights.length));
  requireSameLength('globalWeights', globalWeights, 'localWeights[0]', mean);
  const result = output(globalWeights.length, out);
  // mean(y_i) − x equals mean(y_i − x) up to rounding, and reads each y_i once.
  for (let i = 0; i < result.length; i++) {
    const x = globalWeights[i]!;
    result[i] = x + globalLearningRate * (mean[i]! - x);
  }
  return result;
}

function uniformWeights(count: number): number[] {
  return new Array<number>(count).fill(1);
}

function requireSampleSize(sampled: number, totalClients: number): void {
  if (!(Number.isInteger(totalClients) && totalClients >= 1))
    throw new RangeError(`totalClients(=${totalClients}) must be an integer >= 1`);
  if (sampled < 1 || sampled > totalClients)
    throw new RangeError(
      `the number of control deltas(=${sampled}) must be in [1, totalClients(=${totalClients})]`,
    );
}
