import type { AggregateResult, ClientUpdate } from '../../src/workloads/federated/index.js';

/** A Float32Array of the given values. */
export const f32 = (...values: number[]): Float32Array => Float32Array.from(values);

/** A client's update: its id, examples and model after local training. */
export function update(clientId: number, numExamples: number, weights: Float32Array): ClientUpdate {
  return { clientId, numExamples, weights };
}

/** The new global model of an aggregated round; fails the test on a skipped one. */
export function weightsOf(result: AggregateResult): Float32Array {
  if (result.kind !== 'aggregated') throw new Error(`round skipped: ${result.reason}`);
  return result.weights;
}
