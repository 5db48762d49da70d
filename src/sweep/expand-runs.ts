/**
 * The runs of a sweep: the points of the product of its dimensions (the
 * last dimension fastest), each with its values assigned and once per
 * replication seed; grammar.ts builds the dimensions.
 */
import { canonicalJson } from '../scenario/load.js';
import { isMapping } from '../scenario/merge.js';
import type { SweepRun } from './grammar.js';
import { assignPath, type PathSegment } from './paths.js';

/** A swept path, where the sweep block declares it, and its segments. */
export interface Parameter {
  path: string;
  where: string;
  segments: PathSegment[];
}

/** One axis of the product: its parameters and, per level, one value for each. */
export interface Dimension {
  parameters: Parameter[];
  levels: unknown[][];
}

/**
 * Every run of the product of `dimensions`, each point once per seed of
 * `seeds` (one per replication), in run order; `onRunJson` receives each
 * run's canonical JSON, for the sweep hash.
 */
export function expandRuns(
  scenario: unknown,
  dimensions: readonly Dimension[],
  seeds: readonly number[],
  onRunJson: (canonical: string) => void,
): SweepRun[] {
  const points = dimensions.reduce((n, d) => n * d.levels.length, 1);
  const layout = pointLayout(scenario, dimensions);
  const runs: SweepRun[] = [];
  for (let point = 0; point < points; point++) {
    const levels = levelsAt(point, dimensions);
    const chosen = dimensions.flatMap((d, i) =>
      d.parameters.map((parameter, k) => ({ parameter, value: d.levels[levels[i]!]![k] })),
    );
    const params = Object.fromEntries(
      chosen.map(({ parameter, value }) => [parameter.path, value]),
    );
    const base = layout.fresh();
    for (const { parameter, value } of chosen) {
      assignPath(base, parameter.segments, structuredClone(value));
    }
    // Replications differ only in the top-level seed: each shares the point's
    // nested values (nothing downstream mutates a run's scenario).
    const json = runJsonAt(base, params, point, layout.untouchedJson);
    for (const [replication, seed] of seeds.entries()) {
      const copy = isMapping(base) ? { ...base, seed } : base;
      const run = { index: runs.length, point, replication, seed, params: { ...params } };
      onRunJson(json(run.index, replication, seed));
      runs.push({ ...run, scenario: copy });
    }
  }
  return runs;
}

/**
 * How a point's scenario is made: a fresh copy of the top-level fields a
 * parameter assigns into (deep, so assigning changes no other point) beside
 * the others, shared by every point (nothing downstream mutates a run's
 * scenario), whose canonical JSON is therefore worked out once. A sweep of
 * 100,000 points of a large scenario copies and serialises only what varies.
 */
function pointLayout(
  scenario: unknown,
  dimensions: readonly Dimension[],
): { fresh: () => unknown; untouchedJson: ReadonlyMap<string, string> } {
  if (!isMapping(scenario))
    return { fresh: () => structuredClone(scenario), untouchedJson: new Map() };
  const touched = new Set(
    dimensions.flatMap((d) => d.parameters.map((p) => String(p.segments[0]))),
  );
  const untouchedJson = new Map(
    Object.keys(scenario)
      .filter((key) => !touched.has(key) && scenario[key] !== undefined)
      .map((key) => [key, canonicalJson(scenario[key])]),
  );
  return {
    fresh: () => {
      const base: Record<string, unknown> = { ...scenario };
      for (const key of touched) if (key in scenario) base[key] = structuredClone(scenario[key]);
      return base;
    },
    untouchedJson,
  };
}

/**
 * `canonicalJson(run)` for each replication of one point, serialising the
 * point's scenario once (its fields no parameter assigns come serialised in
 * `untouchedJson`): keys sort, so the run is
 * `{"index","params","point","replication","scenario","seed"}` and the
 * scenario's own `seed` falls between its keys that sort before and after it.
 */
function runJsonAt(
  base: unknown,
  params: Record<string, unknown>,
  point: number,
  untouchedJson: ReadonlyMap<string, string>,
): (index: number, replication: number, seed: number) => string {
  const paramsJson = canonicalJson(params);
  const head = (index: number, replication: number) =>
    `{"index":${index},"params":${paramsJson},"point":${point},"replication":${replication},"scenario":`;
  if (!isMapping(base)) {
    const scenario = canonicalJson(base);
    return (index, replication, seed) => `${head(index, replication)}${scenario},"seed":${seed}}`;
  }
  const entries = Object.keys(base)
    .filter((key) => key !== 'seed' && base[key] !== undefined)
    .sort()
    .map((key) => ({
      key,
      json: `${JSON.stringify(key)}:${untouchedJson.get(key) ?? canonicalJson(base[key])}`,
    }));
  const before = entries.filter((e) => e.key < 'seed').map((e) => e.json);
  const after = entries.filter((e) => e.key > 'seed').map((e) => e.json);
  return (index, replication, seed) => {
    const scenario = `{${[...before, `"seed":${seed}`, ...after].join(',')}}`;
    return `${head(index, replication)}${scenario},"seed":${seed}}`;
  };
}

/** The level of each dimension at `point`: a mixed-radix odometer, last dimension fastest. */
function levelsAt(point: number, dimensions: readonly Dimension[]): number[] {
  const levels = new Array<number>(dimensions.length);
  let rest = point;
  for (let i = dimensions.length - 1; i >= 0; i--) {
    const size = dimensions[i]!.levels.length;
    levels[i] = rest % size;
    rest = Math.floor(rest / size);
  }
  return levels;
}
