import { UsageError } from '../errors.js';
import type { SweepPlan, SweepRun } from './grammar.js';

/** Shard `index` of `count`, counting from 1 (`--shard 3/10`). */
export interface Shard {
  index: number;
  count: number;
}

/** The runs of one shard: run i belongs to shard (i mod count) + 1. */
export function shardRuns(plan: SweepPlan, shard: Shard): SweepRun[] {
  const { index, count } = shard;
  if (!(Number.isInteger(index) && Number.isInteger(count) && index >= 1 && index <= count)) {
    throw new RangeError(`shard(=${index}/${count}) must have 1 <= index <= count`);
  }
  return plan.runs.filter((run) => run.index % count === index - 1);
}

/** Reads `--shard i/N` ("3/10"); throws a {@link UsageError} saying what is wrong. */
export function parseShard(text: string): Shard {
  const found = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (found === null) {
    throw new UsageError(
      `--shard ${JSON.stringify(text)}: expected i/N, such as 3/10 (shard i of N, counting from 1)`,
    );
  }
  const index = Number(found[1]);
  const count = Number(found[2]);
  if (count < 1) throw new UsageError(`--shard ${text}: the number of shards must be at least 1`);
  if (index < 1 || index > count) {
    throw new UsageError(
      `--shard ${text}: shard ${index} does not exist; shards are numbered 1 to ${count}`,
    );
  }
  return { index, count };
}
