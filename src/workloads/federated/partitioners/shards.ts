/**
 * Pathological non-IID partition by label-sorted shards.
 *
 * McMahan et al., "Communication-Efficient Learning of Deep Networks from
 * Decentralized Data", AISTATS 2017 (arXiv:1602.05629), §3: sort the data by
 * label, cut it into 200 shards of 300 and give each of 100 clients 2 shards,
 * so most clients see only two digits.
 */
import { z } from 'zod';
import type { RandomStream } from '../../../engine/random.js';
import {
  checkPartitionInput,
  groupByOwner,
  indicesByClass,
  range,
  shuffle,
  unassigned,
} from './common.js';
import type { Partitioner } from './partitioner.js';

/**
 * Sorts the samples by (label, index), cuts them into numClients ×
 * shardsPerClient contiguous shards (sizes differ by at most one, the larger
 * first) and gives each client shardsPerClient shards chosen at random
 * without replacement. A client thus sees at most 2·shardsPerClient classes,
 * and at most shardsPerClient when every class size is a multiple of the shard
 * size. Returns each client's sample indices, ascending.
 */
export function shardPartition(
  labels: Int32Array,
  numClients: number,
  numClasses: number,
  rng: RandomStream,
  shardsPerClient: number,
): Int32Array[] {
  checkPartitionInput(labels, numClients, numClasses);
  if (!(Number.isInteger(shardsPerClient) && shardsPerClient >= 1))
    throw new RangeError(`shardsPerClient(=${shardsPerClient}) must be an integer >= 1`);
  const n = labels.length;
  const numShards = numClients * shardsPerClient;
  if (numShards > n)
    throw new RangeError(
      `numClients × shardsPerClient(=${numShards}) must be <= the number of samples(=${n})`,
    );
  const sorted = new Int32Array(n);
  let position = 0;
  for (const samples of indicesByClass(labels, numClasses)) {
    sorted.set(samples, position);
    position += samples.length;
  }
  // Client j gets the shards at positions [j·s, (j + 1)·s) of a shuffled shard order.
  const shardOrder = shuffle(range(numShards), rng);
  const owner = unassigned(n);
  for (let p = 0; p < numShards; p++) {
    const client = Math.floor(p / shardsPerClient);
    const shard = shardOrder[p]!;
    const end = shardStart(shard + 1, n, numShards);
    for (let i = shardStart(shard, n, numShards); i < end; i++) owner[sorted[i]!] = client;
  }
  return groupByOwner(owner, numClients);
}

/** Where shard s starts among n sorted samples cut into `count` shards, the first n mod count one larger. */
function shardStart(s: number, n: number, count: number): number {
  return s * Math.floor(n / count) + Math.min(s, n % count);
}

const shardSpec = z.strictObject({
  kind: z.literal('shards').describe("The FedAvg paper's label-sorted shards"),
  shardsPerClient: z.number().int().min(1).max(1000).default(2), // 1000 shards: each client holds all classes many times over
});

/** `partition: { kind: shards, shardsPerClient }`. */
export const shardPartitioner: Partitioner<typeof shardSpec> = {
  spec: shardSpec,
  split: (labels, numClients, numClasses, rng, spec) =>
    shardPartition(labels, numClients, numClasses, rng, spec.shardsPerClient),
};
