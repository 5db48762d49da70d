import { describe, expect, it } from 'vitest';
import { type PlanSpec, type RunBatch, searchPlan } from '../../src/index.js';

/** A space of two monotone integer variables a in 0..9, b in 0..31 (levels are the values). */
function spec(levelsA: number[], monotoneA = true): PlanSpec {
  return {
    variables: [
      { path: 'a', segments: ['a'], levels: levelsA, monotone: monotoneA },
      {
        path: 'b',
        segments: ['b'],
        levels: Array.from({ length: 32 }, (_, i) => i),
        monotone: true,
      },
    ],
    constraints: [{ metric: 'shortfall', op: '<=', bound: 0, confidence: 0.95 }],
    objective: { metric: 'cost', sense: 'minimise' },
    replications: { min: 2, max: 4 },
  };
}

/** Runs with no noise: feasible iff a + b >= need; the batch sizes are recorded. */
function exact(s: PlanSpec, need: (a: number) => number, batches: number[]): RunBatch {
  return async (requests) => {
    batches.push(requests.length);
    return requests.map(({ levels }) => {
      const a = s.variables[0]!.levels[levels[0]!] as number;
      const b = s.variables[1]!.levels[levels[1]!] as number;
      return { ok: true, summary: { shortfall: String(need(a) - b), cost: String(10 * a + b) } };
    });
  };
}

describe('searchPlan', () => {
  it('finds each branch its first feasible level, with far fewer configurations than the grid', async () => {
    const s = spec([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const result = await searchPlan(
      s,
      exact(s, (a) => 20 - a, []),
    );
    for (let a = 0; a < 10; a++) {
      const feasible = result.evaluated.filter((c) => c.levels[0] === a && c.feasible);
      expect(Math.min(...feasible.map((c) => c.levels[1]!))).toBe(20 - a);
    }
    expect(result.evaluated.length).toBeLessThanOrEqual(10 * Math.ceil(Math.log2(33)));
    expect(result.evaluated.length * 5).toBeLessThan(10 * 32);
    expect(result.runs).toBe(2 * result.evaluated.length); // decided at the minimum, no noise
  });

  it('prunes a branch whose better neighbour is infeasible everywhere, without running it', async () => {
    const s = spec([0, 1, 2]);
    // a = 2 needs b >= 40: never; so a = 0 and a = 1 (worse) never either.
    const result = await searchPlan(
      s,
      exact(s, () => 40, []),
    );
    expect(result.evaluated.every((c) => !c.feasible)).toBe(true);
    expect(Math.min(...result.evaluationsPerBranch)).toBeLessThan(
      Math.max(...result.evaluationsPerBranch),
    );
  });

  it('without a monotone variable, runs the whole grid', async () => {
    const s = spec([0, 1, 2], false);
    s.variables[1]!.monotone = false;
    const result = await searchPlan(
      s,
      exact(s, (a) => 20 - a, []),
    );
    expect(result.evaluated).toHaveLength(3 * 32);
  });

  it('adds replications only while a constraint is undecided', async () => {
    const s = spec([0]);
    s.variables[1]!.levels = [0];
    // Noisy around the bound: 0.1 +- 1 never clears it; the cap of 4 replications decides by the mean.
    const noisy: RunBatch = async (requests) =>
      requests.map(({ replication }) => ({
        ok: true,
        summary: { shortfall: String(replication % 2 === 0 ? 1.1 : -0.9), cost: '1' },
      }));
    const [config] = (await searchPlan(s, noisy)).evaluated;
    expect(config!.outcomes).toHaveLength(4);
    expect(config!.confident).toBe(false);
    expect(config!.feasible).toBe(false); // mean 0.1 > 0
    // Clear of the bound by many standard errors: decided after the minimum of 2.
    const clear: RunBatch = async (requests) =>
      requests.map(({ replication }) => ({
        ok: true,
        summary: { shortfall: String(-10 + 0.01 * replication), cost: '1' },
      }));
    const [decided] = (await searchPlan(s, clear)).evaluated;
    expect(decided!.outcomes).toHaveLength(2);
    expect(decided!.feasible && decided!.confident).toBe(true);
  });
});
