/**
 * Partitions by description, for scenario files: one entry point over the
 * four partitioners.
 */
import type { RandomStream } from '../../../engine/random.js';
import { dirichletPartition } from './dirichlet.js';
import { iidPartition } from './iid.js';
import { quantitySkewPartition } from './quantity-skew.js';
import { shardPartition } from './shards.js';

/** How to split a dataset's samples over clients. */
export type PartitionSpec =
  | { readonly kind: 'iid' }
  /** Label skew: per class, proportions over clients ~ Dir(alpha). */
  | { readonly kind: 'dirichlet'; readonly alpha: number }
  /** FedAvg's label-sorted shards, shardsPerClient per client. */
  | { readonly kind: 'shards'; readonly shardsPerClient: number }
  /** Quantity skew: client sizes ~ Dir(alpha), labels IID. */
  | { readonly kind: 'quantity'; readonly alpha: number };

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
  switch (spec.kind) {
    case 'iid':
      return iidPartition(labels, numClients, numClasses, rng);
    case 'dirichlet':
      return dirichletPartition(labels, numClients, numClasses, rng, spec.alpha);
    case 'shards':
      return shardPartition(labels, numClients, numClasses, rng, spec.shardsPerClient);
    case 'quantity':
      return quantitySkewPartition(labels, numClients, numClasses, rng, spec.alpha);
  }
}
