/**
 * IID partition: every client gets a uniformly random, equally sized share.
 *
 * The baseline of McMahan et al., "Communication-Efficient Learning of Deep
 * Networks from Decentralized Data", AISTATS 2017 (arXiv:1602.05629), §3.
 */
import { z } from 'zod';
import type { RandomStream } from '../../../engine/random.js';
import { checkPartitionInput, deal, groupByOwner, range, shuffle, unassigned } from './common.js';
import type { Partitioner } from './partitioner.js';

/**
 * Shuffles the samples and deals them out: each client gets ⌊n/K⌋ samples and
 * the first n mod K clients one more. Returns each client's sample indices,
 * ascending. Throws a RangeError if numClients exceeds the samples.
 */
export function iidPartition(
  labels: Int32Array,
  numClients: number,
  numClasses: number,
  rng: RandomStream,
): Int32Array[] {
  checkPartitionInput(labels, numClients, numClasses);
  const n = labels.length;
  const counts = new Int32Array(numClients);
  for (let j = 0; j < numClients; j++)
    counts[j] = Math.floor(n / numClients) + (j < n % numClients ? 1 : 0);
  const owner = unassigned(n);
  deal(shuffle(range(n), rng), counts, owner);
  return groupByOwner(owner, numClients);
}

const iidSpec = z.strictObject({ kind: z.literal('iid').describe('Shuffle and deal equally') });

/** `partition: { kind: iid }`. */
export const iidPartitioner: Partitioner<typeof iidSpec> = {
  spec: iidSpec,
  split: (labels, numClients, numClasses, rng) => iidPartition(labels, numClients, numClasses, rng),
};
