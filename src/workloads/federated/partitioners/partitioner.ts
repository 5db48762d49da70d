/**
 * What a partitioner is to the registry: the `federated.partition` block it
 * reads (a strict object whose `kind` names it) and the split it makes.
 */
import type { z } from 'zod';
import type { RandomStream } from '../../../engine/random.js';

/**
 * A partitioner: `spec` validates a scenario's `partition` block (with its
 * `kind` literal), `split` gives each client's sample indices (ascending;
 * every sample in exactly one list), drawing from `rng` alone, and throws a
 * RangeError naming a bad argument.
 */
export interface Partitioner<Spec extends z.ZodObject> {
  readonly spec: Spec;
  readonly split: (
    labels: Int32Array,
    numClients: number,
    numClasses: number,
    rng: RandomStream,
    spec: z.output<Spec>,
  ) => Int32Array[];
}
