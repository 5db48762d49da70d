/**
 * Quantity-skewed partition: client dataset sizes follow a Dirichlet
 * distribution, labels stay IID.
 *
 * Li, Diao, Chen, He, "Federated Learning on Non-IID Data Silos: An
 * Experimental Study", ICDE 2022 (arXiv:2102.02079), §4.2 "quantity skew":
 * q ~ Dir(β·1_K) and client j receives a fraction q_j of the shuffled samples.
 * Small β gives a few large clients and many small (possibly empty) ones.
 */
import { z } from 'zod';
import type { RandomStream } from '../../../engine/random.js';
import {
  checkPartitionInput,
  checkPositive,
  deal,
  groupByOwner,
  range,
  roundedCounts,
  shuffle,
  unassigned,
} from './common.js';
import { dirichletVariate } from './gamma.js';
import type { Partitioner } from './partitioner.js';

/**
 * Draws sizes q ~ Dir(alpha) over the clients, shuffles the samples and deals
 * them in rounded proportions q. Returns each client's sample indices,
 * ascending.
 */
export function quantitySkewPartition(
  labels: Int32Array,
  numClients: number,
  numClasses: number,
  rng: RandomStream,
  alpha: number,
): Int32Array[] {
  checkPartitionInput(labels, numClients, numClasses);
  checkPositive('alpha', alpha);
  const n = labels.length;
  const counts = roundedCounts(dirichletVariate(rng, alpha, numClients), n);
  const owner = unassigned(n);
  deal(shuffle(range(n), rng), counts, owner);
  return groupByOwner(owner, numClients);
}

const quantitySkewSpec = z.strictObject({
  kind: z.literal('quantity').describe('Quantity skew: client sizes ~ Dir(alpha), labels IID'),
  alpha: z.number().positive(),
});

/** `partition: { kind: quantity, alpha }`. */
export const quantitySkewPartitioner: Partitioner<typeof quantitySkewSpec> = {
  spec: quantitySkewSpec,
  split: (labels, numClients, numClasses, rng, spec) =>
    quantitySkewPartition(labels, numClients, numClasses, rng, spec.alpha),
};
