/**
 * Partitioners by `kind`, for `federated.partition`. Adding one is a file
 * exporting a {@link Partitioner} and a line here; the scenario schema is the
 * union of the registered specs.
 */
import { z } from 'zod';
import type { RandomStream } from '../../../engine/random.js';
import { dirichletPartitioner } from './dirichlet.js';
import { iidPartitioner } from './iid.js';
import { quantitySkewPartitioner } from './quantity-skew.js';
import { shardPartitioner } from './shards.js';

/** Kind → partitioner; the key is its spec's `kind`. */
export const PARTITIONERS = {
  iid: iidPartitioner,
  dirichlet: dirichletPartitioner,
  shards: shardPartitioner,
  quantity: quantitySkewPartitioner,
} as const;

type Registered = (typeof PARTITIONERS)[keyof typeof PARTITIONERS];

/** A registered partitioner's kind. */
export type PartitionKind = keyof typeof PARTITIONERS;

/** How to split a dataset's samples over clients: one registered spec, after validation. */
export type PartitionSpec = z.output<Registered['spec']>;

/** The `federated.partition` block: one of the registered specs, told apart by `kind`. */
export const partitionSpec = z.discriminatedUnion(
  'kind',
  Object.values(PARTITIONERS).map((p) => p.spec) as unknown as [
    Registered['spec'],
    ...Registered['spec'][],
  ],
);

/**
 * Each client's sample indices (ascending; every sample in exactly one list),
 * drawn from `rng` alone, so the same stream gives the same partition.
 * Throws a RangeError naming a bad argument (such as numClients above the
 * number of samples, or a label outside [0, numClasses)).
 */
export function partition(
  spec: PartitionSpec,
  labels: Int32Array,
  numClients: number,
  numClasses: number,
  rng: RandomStream,
): Int32Array[] {
  const partitioner = PARTITIONERS[spec.kind] as Registered;
  return partitioner.split(labels, numClients, numClasses, rng, spec as never);
}
