import type {
  AggregateResult,
  ClientContext,
  ClientUpdate,
  Strategy,
} from '../../src/workloads/federated/index.js';

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

/** One epoch of plain SGD at rate 0.5 in batches of 2: the local training of the hook tests. */
export const LOCAL = {
  optimizer: 'sgd',
  learningRate: 0.5,
  momentum: 0,
  epochs: 1,
  batchSize: 2,
} as const;

/** A client's context in `round` (one sample, seed 1, {@link LOCAL}) with `strategy`'s fit config. */
export function clientContext(
  strategy: Pick<Strategy, 'configureFit'>,
  round: number,
  clientId: number,
  global: Float32Array,
): ClientContext {
  return {
    round,
    clientId,
    global,
    config: strategy.configureFit(round, global),
    indices: Int32Array.of(0),
    seed: 1,
    local: LOCAL,
  };
}
