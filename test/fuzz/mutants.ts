/**
 * Mutants: a seed scenario with structural, sweep and text mutations applied.
 * A mutant's plan (which seed, which mutations) is drawn by fast-check from
 * the fuzz seed, so the same seed gives the same mutants, and the first n
 * plans of a longer run are the n plans of a shorter one. Plans are small;
 * the (possibly megabytes of) text is built only when a mutant is checked.
 */
import fc from 'fast-check';
import { applySweepOp, type SweepOp, sweepOpArb } from './mutate-sweep.js';
import { applyTextOp, type TextOp, textOpArb } from './mutate-text.js';
import { applyTreeOp, expandDeepNests, scaleOpArb, type TreeOp, treeOpArb } from './mutate-tree.js';
import { type Seed, toYaml } from './seeds.js';

/** What to do to which seed. */
export interface MutantPlan {
  /** Index into the seeds, modulo their number. */
  seed: number;
  tree: TreeOp[];
  sweep: SweepOp | null;
  text: TextOp[];
}

/** A mutant ready to write: its id, seed, what was done, and its bytes. */
export interface Mutant {
  id: string;
  seedName: string;
  ops: string[];
  bytes: Buffer;
}

const seed = fc.nat();
const none = fc.constant(null);
const noText = fc.constant([] as TextOp[]);
const noTree = fc.constant([] as TreeOp[]);
const trees = (min: number) => fc.array(treeOpArb, { minLength: min, maxLength: 3 });
const texts = (min: number) => fc.array(textOpArb, { minLength: min, maxLength: 2 });

/** Mostly structural mutants (a third only scaling numbers); then text, sweep, and all three mixed. */
export const planArb: fc.Arbitrary<MutantPlan> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      seed,
      tree: fc.array(scaleOpArb, { minLength: 1, maxLength: 2 }),
      sweep: none,
      text: noText,
    }),
  },
  { weight: 5, arbitrary: fc.record({ seed, tree: trees(1), sweep: none, text: noText }) },
  { weight: 2, arbitrary: fc.record({ seed, tree: noTree, sweep: none, text: texts(1) }) },
  { weight: 2, arbitrary: fc.record({ seed, tree: trees(0), sweep: sweepOpArb, text: noText }) },
  { weight: 1, arbitrary: fc.record({ seed, tree: trees(1), sweep: sweepOpArb, text: texts(1) }) },
);

/** The first `count` plans for fuzz seed `fuzzSeed`. */
export function planMutants(fuzzSeed: number, count: number): MutantPlan[] {
  return fc.sample(planArb, { seed: fuzzSeed, numRuns: count });
}

/** A mutant's id: the fuzz seed and its index, so `edgesim validate <dir>/<id>.yaml` replays it. */
export function mutantId(fuzzSeed: number, index: number): string {
  return `s${fuzzSeed}-${String(index).padStart(5, '0')}`;
}

/** Applies a plan to its seed. */
export function buildMutant(plan: MutantPlan, id: string, seeds: readonly Seed[]): Mutant {
  const base = seeds[plan.seed % seeds.length]!;
  const data = structuredClone(base.data);
  const ops = plan.tree.map((op) => applyTreeOp(data, op));
  if (plan.sweep) ops.push(applySweepOp(data, plan.sweep));
  let bytes: Buffer = Buffer.from(expandDeepNests(toYaml(data)));
  for (const op of plan.text) {
    const applied = applyTextOp(bytes, op);
    bytes = applied.bytes;
    ops.push(applied.did);
  }
  return { id, seedName: base.name, ops, bytes };
}
