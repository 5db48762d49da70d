/**
 * Sweep-block mutations: a `sweep:` block built from the seed's own field
 * paths and from bad ones (missing, out of range, malformed, prototype
 * keys), with grid and zip lists of any length (zip lists of different
 * lengths included), replications and sample counts good and bad, and ranges
 * with bad bounds. Applied by {@link applySweepOp}, which replaces the seed's
 * block (or adds one).
 */
import fc from 'fast-check';
import { EXTREMES, formatPath, UNIT_STRINGS } from './mutate-tree.js';

type Mapping = Record<string, unknown>;

const BAD_PATHS = [
  'fleet[99].count',
  'fleet.count',
  'nope',
  'fleet[-1].count',
  '',
  '[',
  'fleet[0]..count',
  '__proto__.polluted',
  'constructor.prototype.polluted',
  'fleet[0].__proto__.x',
  'fleet[0].count[0]',
  'fleet[1e9].count',
  'fleet[0].count.value',
  'sweep.replications',
  'a'.repeat(1000),
];

/** A swept path: one of the seed's leaves (`real`, modulo their number) or a bad one. */
type PathPick = { real: number } | { bad: string };
/** A dimension's values: the seed's own value repeated, or values from the pools. */
type ValuesPick = { same: number } | { pool: unknown[] };

interface RangePick {
  path: PathPick;
  min: unknown;
  max: unknown;
  scale: unknown;
  integer: unknown;
}

/** One sweep-block mutation. */
export interface SweepOp {
  shape: 'block' | 'scalar' | 'list' | 'null';
  replications: unknown;
  grid: { path: PathPick; values: ValuesPick }[];
  zip: { path: PathPick; values: ValuesPick }[];
  random: { count: unknown; ranges: RangePick[] } | null;
  latinHypercube: { count: unknown; ranges: RangePick[] } | null;
}

const pathArb: fc.Arbitrary<PathPick> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ real: fc.nat() }) },
  fc.record({ bad: fc.constantFrom(...BAD_PATHS) }),
);
const valueArb = fc.oneof(
  fc.constantFrom(...EXTREMES),
  fc.constantFrom(...UNIT_STRINGS),
  fc.constantFrom(null, true, 'text', [], {}),
);
const valuesArb: fc.Arbitrary<ValuesPick> = fc.oneof(
  fc.record({ same: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ pool: fc.array(valueArb, { maxLength: 5 }) }),
  fc.record({ pool: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 10, maxLength: 12 }) }),
);
const dimensionArb = fc.record({ path: pathArb, values: valuesArb });
const boundArb = fc.oneof(
  fc.constantFrom(0, 1, 10, -1, 1e308, Number.NaN, 'abc', '50 ms', '500 ms', '1 h', null),
  fc.integer({ min: -5, max: 100 }),
);
const rangeArb: fc.Arbitrary<RangePick> = fc.record({
  path: pathArb,
  min: boundArb,
  max: boundArb,
  scale: fc.constantFrom('linear', 'log', 'cubic', undefined),
  integer: fc.constantFrom(true, false, 'yes', undefined),
});
const samplesArb = fc.option(
  fc.record({
    count: fc.constantFrom(1, 3, 0, -1, 2.5, 1e9, '3'),
    ranges: fc.array(rangeArb, { maxLength: 3 }),
  }),
  { freq: 3 },
);

/** The arbitrary of one sweep-block mutation. */
export const sweepOpArb: fc.Arbitrary<SweepOp> = fc.record({
  shape: fc.constantFrom('block', 'block', 'block', 'block', 'block', 'scalar', 'list', 'null'),
  replications: fc.constantFrom(undefined, 1, 2, 0, -1, 1.5, 1e12, 1e6, 'three', null),
  grid: fc.array(dimensionArb, { maxLength: 6 }),
  zip: fc.array(dimensionArb, { maxLength: 3 }),
  random: samplesArb,
  latinHypercube: samplesArb,
});

/** Replaces (or adds) `root.sweep` as `op` describes; returns what it did, in one line. */
export function applySweepOp(root: Mapping, op: SweepOp): string {
  if (op.shape !== 'block') {
    root.sweep = { scalar: 5, list: [1, 2], null: null }[op.shape];
    return `sweep: ${op.shape}`;
  }
  const leaves = leafPaths(withoutSweep(root));
  const path = (p: PathPick) =>
    'bad' in p ? p.bad : (leaves[p.real % Math.max(leaves.length, 1)]?.path ?? 'name');
  const values = (p: PathPick, v: ValuesPick) => {
    if ('pool' in v) return v.pool;
    const leaf = 'real' in p ? leaves[p.real % Math.max(leaves.length, 1)] : undefined;
    return Array(v.same).fill(leaf?.value ?? 1);
  };
  const block: Mapping = {};
  if (op.replications !== undefined) block.replications = op.replications;
  if (op.grid.length > 0)
    block.grid = Object.fromEntries(op.grid.map((d) => [path(d.path), values(d.path, d.values)]));
  if (op.zip.length > 0)
    block.zip = Object.fromEntries(op.zip.map((d) => [path(d.path), values(d.path, d.values)]));
  for (const kind of ['random', 'latinHypercube'] as const) {
    const samples = op[kind];
    if (samples === null) continue;
    const ranges = samples.ranges.map((r) => [path(r.path), rangeOf(r)]);
    block[kind] = { count: samples.count, ranges: Object.fromEntries(ranges) };
  }
  root.sweep = block;
  return `sweep ${JSON.stringify(block).slice(0, 200)}`;
}

function rangeOf(r: RangePick): Mapping {
  const range: Mapping = { min: r.min, max: r.max };
  if (r.scale !== undefined) range.scale = r.scale;
  if (r.integer !== undefined) range.integer = r.integer;
  return range;
}

function withoutSweep(root: Mapping): Mapping {
  const { sweep: _sweep, ...rest } = root;
  return rest;
}

/** Every scalar leaf of the scenario with its path in sweep syntax. */
function leafPaths(root: unknown): { path: string; value: unknown }[] {
  const leaves: { path: string; value: unknown }[] = [];
  const visit = (node: unknown, path: (string | number)[]) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        visit(child, [...path, i]);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) visit(child, [...path, key]);
    } else if (path.length > 0) leaves.push({ path: formatPath(path), value: node });
  };
  visit(root, []);
  return leaves;
}
