/**
 * Label-skewed partition by a Dirichlet distribution over clients.
 *
 * Hsu, Qi, Brown, "Measuring the Effects of Non-Identical Data Distribution
 * for Federated Visual Classification", arXiv:1909.06335, 2019, §3; the
 * per-class form used here is that of Yurochkin et al. (ICML 2019) and of
 * Li, Diao, Chen, He, "Federated Learning on Non-IID Data Silos: An
 * Experimental Study", ICDE 2022 (NIID-Bench): for each class, draw
 * proportions p ~ Dir(α·1_K) over the K clients and give client j a share p_j
 * of that class. Large α approaches IID; α = 0.1 leaves most clients with a
 * few classes. Clients may receive no samples at all when α is small.
 */
import { z } from 'zod';
import type { RandomStream } from '../../../engine/random.js';
import {
  checkPartitionInput,
  checkPositive,
  deal,
  groupByOwner,
  indicesByClass,
  roundedCounts,
  shuffle,
  unassigned,
} from './common.js';
import { dirichletVariate } from './gamma.js';
import type { Partitioner } from './partitioner.js';

/**
 * For each class in turn: shuffle its samples, draw p ~ Dir(α) over the
 * clients and deal the shuffled samples in rounded proportions. Returns each
 * client's sample indices, ascending.
 */
export function dirichletPartition(
  labels: Int32Array,
  numClients: number,
  numClasses: number,
  rng: RandomStream,
  alpha: number,
): Int32Array[] {
  checkPartitionInput(labels, numClients, numClasses);
  checkPositive('alpha', alpha);
  const owner = unassigned(labels.length);
  for (const samples of indicesByClass(labels, numClasses)) {
    const proportions = dirichletVariate(rng, alpha, numClients);
    deal(shuffle(samples, rng), roundedCounts(proportions, samples.length), owner);
  }
  return groupByOwner(owner, numClients);
}

const dirichletSpec = z.strictObject({
  kind: z.literal('dirichlet').describe('Label skew: per class, shares over clients ~ Dir(alpha)'),
  alpha: z.number().positive(),
});

/** `partition: { kind: dirichlet, alpha }`. */
export const dirichletPartitioner: Partitioner<typeof dirichletSpec> = {
  spec: dirichletSpec,
  split: (labels, numClients, numClasses, rng, spec) =>
    dirichletPartition(labels, numClients, numClasses, rng, spec.alpha),
};
