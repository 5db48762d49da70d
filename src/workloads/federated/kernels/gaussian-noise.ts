/**
 * Gaussian noise for differential privacy: adds an independent N(0, std²)
 * draw to every element of a parameter vector, in place.
 *
 * The Gaussian mechanism (Dwork, Roth, "The Algorithmic Foundations of
 * Differential Privacy", 2014, §3.5.3; in federated learning McMahan et al.,
 * ICLR 2018, Algorithm 1). Draws come from one seeded stream, element 0
 * first, by the stream's Box-Muller normal; each sum is computed in float64
 * and rounded once to float32. The same stream state and vector give the
 * same result on every machine.
 */
import type { RandomStream } from '../../../engine/random.js';

/**
 * Adds N(0, std²) to each element of `values` in index order, drawing from
 * `stream`; returns `values`. std = 0 draws nothing and changes nothing.
 * Throws a RangeError unless std is finite and ≥ 0.
 */
export function addGaussianNoise(
  values: Float32Array,
  std: number,
  stream: RandomStream,
): Float32Array {
  if (!(Number.isFinite(std) && std >= 0)) throw new RangeError(`std(=${std}) must be >= 0`);
  if (std === 0) return values;
  for (let i = 0; i < values.length; i++) values[i] = values[i]! + stream.normal(0, std);
  return values;
}
