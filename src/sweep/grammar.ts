/**
 * The `sweep:` block of a scenario file, expanded into runs.
 *
 * ```yaml
 * sweep:
 *   replications: 3                       # seeds from (base seed, replication)
 *   grid:                                 # cartesian product
 *     workload.inference.placement: [device, edge, adaptive]
 *     fleet[1].count: [100, 1000]
 *   zip:                                  # paired lists, one dimension
 *     servers[0].workers: [1, 2, 4]
 *     servers[0].queueCapacity: [10, 20, 40]
 *   random:                               # count independent samples
 *     count: 8
 *     ranges:
 *       fleet[0].spread.throughputCv: { min: 0, max: 0.5 }
 *       workload.inference.slo: { min: 50 ms, max: 500 ms, scale: log }
 *   latinHypercube:                       # count stratified samples
 *     count: 10
 *     ranges: { servers[0].workers: { min: 1, max: 8, integer: true } }
 * ```
 *
 * Dimensions, in this order: each grid path, the zip group, the random samples,
 * the Latin-hypercube samples. Points are their cartesian product, enumerated
 * like nested loops with the LAST dimension varying fastest; each point runs
 * `replications` times, replication 0..r-1 consecutively. Latin hypercube
 * sampling: McKay, Beckman & Conover (1979), Technometrics 21(2).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { RandomStreams } from '../engine/random.js';
import { describeValue, InputError, type InputProblem } from '../errors.js';
import { canonicalJson, splitScenario } from '../scenario/load.js';
import { toProblems } from '../scenario/problems.js';
import { scenarioKind } from '../workloads/registry.js';
import { SCENARIO_KINDS, type ValidatedScenario, validateScenario } from '../workloads/scenario.js';
import { type Dimension, expandRuns, type Parameter } from './expand-runs.js';
import { formatSegments, parsePath, pathProblem, schemaFields } from './paths.js';
import { type Bounds, checkRange, latinHypercube, sample } from './sampling.js';

export { parseShard, type Shard, shardRuns } from './shard.js';

/** The fields each kind of scenario allows, for path checks. */
const fieldsOfKind = Object.fromEntries(
  Object.entries(SCENARIO_KINDS).map(([kind, schema]) => [kind, schemaFields(schema)]),
) as Record<keyof typeof SCENARIO_KINDS, ReturnType<typeof schemaFields>>;

/** One run of a sweep: a point of the parameter space at one replication. */
export interface SweepRun {
  /** Position in the whole sweep, from 0. */
  index: number;
  /** Which point of the parameter space, from 0. */
  point: number;
  /** Which replication of the point, from 0. */
  replication: number;
  /** The run's seed ({@link replicationSeed}); also written into `scenario.seed`. */
  seed: number;
  /** Swept path (as written) to its value (as written, or as sampled). */
  params: Record<string, unknown>;
  /** The unvalidated scenario with the values set, `seed` set and `sweep` removed. */
  scenario: unknown;
}

/** Every run of a sweep, in order. */
export interface SweepPlan {
  runs: SweepRun[];
  /** Swept paths: grid, then zip, then random, then Latin-hypercube, each as written. */
  parameters: string[];
  replications: number;
  /**
   * SHA-256 over `canonicalJson({ parameters, replications })` and then each run's
   * canonical JSON, one per line: equal iff the expanded sweeps are equal.
   */
  sweepHash: string;
}

/** Refused beyond this: the plan holds every run's scenario in memory. */
export const MAX_SWEEP_RUNS = 100_000;

const positiveInteger = z.number().refine((n) => Number.isInteger(n) && n >= 1, {
  error: (issue) => `must be a whole number >= 1 (got ${describeValue(issue.input)})`,
});
const range = z.strictObject({
  min: z.union([z.number(), z.string()]),
  max: z.union([z.number(), z.string()]),
  scale: z.enum(['linear', 'log']).default('linear'),
  integer: z.boolean().default(false),
});
const samples = z.strictObject({
  count: positiveInteger,
  ranges: z.record(z.string(), range).refine((r) => Object.keys(r).length > 0, {
    error: 'no ranges; give at least one path with { min, max }',
  }),
});
const list = (what: string) =>
  z.array(z.unknown()).min(1, `empty list; a ${what} needs at least one value`);
const sweepSchema = z.strictObject({
  replications: positiveInteger.default(1),
  grid: z.record(z.string(), list('grid dimension')).default({}),
  zip: z.record(z.string(), list('zip list')).default({}),
  random: samples.optional(),
  latinHypercube: samples.optional(),
});
const fileSchema = z.object({ sweep: sweepSchema });
type SweepSpec = z.output<typeof sweepSchema>;

/**
 * Expands a scenario's `sweep:` block into runs. `raw` is the merged
 * (`extends` applied), unvalidated scenario including `sweep`; top-level `x-`
 * fields are dropped with it. Without `sweep`, the plan has one run and no
 * parameters. Random and Latin-hypercube samples draw from
 * `RandomStreams(baseSeed)` streams 'sweep-random' and 'sweep-lhs', one per
 * path (the path as formatted by {@link formatSegments}), so adding a range
 * leaves the others' samples unchanged. Throws an {@link InputError} naming
 * `file` and each `sweep.<...>` path at fault.
 */
export function expandSweep(raw: unknown, file: string, baseSeed: number): SweepPlan {
  if (!Number.isSafeInteger(baseSeed) || baseSeed < 0) {
    throw new RangeError(`baseSeed(=${baseSeed}) must be a whole number >= 0`);
  }
  const { sweep, scenario } = splitSweep(raw);
  const parsed = fileSchema.safeParse({ sweep: sweep ?? {} }, { reportInput: true });
  if (!parsed.success) throw new InputError(file, toProblems(parsed.error.issues, fileSchema));
  const spec = parsed.data.sweep;
  const dimensions = buildDimensions(spec, scenario, file, new RandomStreams(baseSeed));
  const parameters = dimensions.flatMap((d) => d.parameters.map((p) => p.path));
  const hash = createHash('sha256').update(
    canonicalJson({ parameters, replications: spec.replications }),
  );
  const seeds = Array.from({ length: spec.replications }, (_, r) => replicationSeed(baseSeed, r));
  const runs = expandRuns(scenario, dimensions, seeds, (json) => hash.update(`\n${json}`));
  return { runs, parameters, replications: spec.replications, sweepHash: hash.digest('hex') };
}

/**
 * The seed of replication `replication`: the base seed itself for replication 0
 * (so a one-replication sweep matches `edgesim run`), otherwise the first four
 * bytes (big-endian) of SHA-256(`edgesim/sweep-replication/<baseSeed>/<k>`), an
 * integer in [0, 2^32). It does not depend on the point (common random numbers).
 */
export function replicationSeed(baseSeed: number, replication: number): number {
  if (replication === 0) return baseSeed;
  const text = `edgesim/sweep-replication/${baseSeed}/${replication}`;
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/**
 * Validates every run's scenario before any starts; returns them in run order.
 * Throws one {@link InputError} with each distinct problem once, saying which
 * run (and its parameters) shows it unless every run does.
 */
export function validateRuns(plan: SweepPlan, file: string): ValidatedScenario[] {
  // Runs with the same swept values (replications of a point, and points a
  // grid repeats) differ only in `seed`, an integer the schema takes as it is,
  // so each is validated once (100,000 runs of 1,000 points took 6 s to
  // validate run by run; 20,000 points of three values, 1.4 s point by point).
  const validated = new Map<string, ValidatedScenario>();
  return checkRuns(plan.runs, file, (run) => {
    const key = canonicalJson(run.params);
    const same = validated.get(key);
    if (same !== undefined) return { ...same, seed: run.seed };
    const scenario = validateScenario(run.scenario, file);
    validated.set(key, scenario);
    return scenario;
  });
}

/**
 * Runs `check` on each of `runs` and returns its results in order. An
 * {@link InputError} from a check does not stop the others: their problems are
 * gathered into one InputError naming `file`, each distinct problem once, saying
 * which run (and its parameters) shows it unless every one of `runs` does.
 * Anything else thrown is a bug and propagates.
 */
export function checkRuns<T>(
  runs: readonly SweepRun[],
  file: string,
  check: (run: SweepRun) => T,
): T[] {
  const found = new Map<string, { problem: InputProblem; run: SweepRun; runs: number }>();
  const results: T[] = [];
  for (const run of runs) {
    try {
      results.push(check(run));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      for (const raw of error.problems) {
        // A problem in another file (a profile, a data set) says which.
        const where = raw.path === '' ? error.file : `${error.file}: ${raw.path}`;
        const problem =
          error.file === file ? raw : { ...raw, path: '', message: `${where}: ${raw.message}` };
        const key = `${problem.path}\n${problem.message}\n${describeValue(problem.value)}`;
        const seen = found.get(key);
        if (seen === undefined) found.set(key, { problem, run, runs: 1 });
        else seen.runs++;
      }
    }
  }
  if (found.size === 0) return results;
  const problems = [...found.values()].map(({ problem, run, runs: count }) => {
    if (count === runs.length) return problem;
    const more = count > 1 ? ` and ${count - 1} more` : '';
    const params = Object.entries(run.params).map(([k, v]) => `${k} = ${describeValue(v)}`);
    return {
      ...problem,
      message: `in sweep run ${run.index} (${params.join(', ')})${more}: ${problem.message}`,
    };
  });
  throw new InputError(file, problems);
}

/** The sweep block, and the scenario a sweep's runs vary (without the plan: and expect: blocks too). */
function splitSweep(raw: unknown): { sweep: unknown; scenario: unknown } {
  const { base, blocks } = splitScenario(raw);
  return { sweep: blocks.sweep, scenario: base };
}

/** A sampled section, checked: its count and, per range, the parameter and its bounds. */
interface SampledSection {
  purpose: 'sweep-random' | 'sweep-lhs';
  count: number;
  ranges: { parameter: Parameter; bounds: Bounds }[];
}

/** Checks every path, list and range of the sweep block, then builds its dimensions. */
function buildDimensions(
  spec: SweepSpec,
  scenario: unknown,
  file: string,
  streams: RandomStreams,
): Dimension[] {
  const problems: InputProblem[] = [];
  const declared = new Map<string, string>();
  const declare = (where: string, path: string) => {
    const { parameter, problem } = declareParameter(where, path, scenario, declared);
    if (problem !== undefined) problems.push({ path: where, message: problem });
    return parameter;
  };
  const dimensions: Dimension[] = Object.entries(spec.grid).map(([path, values]) => ({
    parameters: [declare(`sweep.grid.${path}`, path)],
    levels: values.map((v) => [v]),
  }));
  const zip = Object.entries(spec.zip);
  const zipParameters = zip.map(([path]) => declare(`sweep.zip.${path}`, path));
  if (new Set(zip.map(([, values]) => values.length)).size > 1) {
    const lengths = zip.map(([path, values]) => `${path} has ${values.length}`).join(', ');
    const message = `paired lists must have the same length; ${lengths}`;
    problems.push({ path: 'sweep.zip', message });
  }
  if (zip.length > 0) {
    const levels = zip[0]![1].map((_, j) => zip.map(([, values]) => values[j]));
    dimensions.push({ parameters: zipParameters, levels });
  }
  const sampled = (['random', 'latinHypercube'] as const).flatMap((section) => {
    const block = spec[section];
    if (block === undefined) return [];
    const ranges = Object.entries(block.ranges).map(([path, r]) => {
      const where = `sweep.${section}.ranges.${path}`;
      return { parameter: declare(where, path), bounds: checkRange(r, where, problems)! };
    });
    const purpose = section === 'random' ? 'sweep-random' : 'sweep-lhs';
    return [{ purpose, count: block.count, ranges } as const];
  });
  const sizes = [...dimensions.map((d) => d.levels.length), ...sampled.map((s) => s.count)];
  const runs = sizes.reduce((a, b) => a * b, spec.replications);
  if (runs > MAX_SWEEP_RUNS) {
    const message = `expands to ${runs} runs; at most ${MAX_SWEEP_RUNS} are allowed`;
    problems.push({ path: 'sweep', message });
  }
  if (problems.length > 0) throw new InputError(file, problems);
  return [...dimensions, ...sampled.map((section) => sampleDimension(section, streams))];
}

/**
 * The levels of a random or Latin-hypercube section: each range draws from
 * its own stream (purpose, path), so adding a range leaves the others alone.
 */
function sampleDimension({ purpose, count, ranges }: SampledSection, streams: RandomStreams) {
  const columns = ranges.map(({ parameter, bounds }) => {
    const stream = streams.stream(purpose, formatSegments(parameter.segments));
    const units =
      purpose === 'sweep-random'
        ? Array.from({ length: count }, () => stream.next())
        : latinHypercube(count, stream);
    return units.map((u) => sample(bounds, u));
  });
  const levels = Array.from({ length: count }, (_, j) => columns.map((column) => column[j]));
  return { parameters: ranges.map((r) => r.parameter), levels };
}

/**
 * Reads a swept path and checks it against the scenario. `declared` maps each
 * path already swept (in canonical form) to where, to catch one swept twice.
 */
function declareParameter(
  where: string,
  path: string,
  scenario: unknown,
  declared: Map<string, string>,
): { parameter: Parameter; problem: string | undefined } {
  const parsed = parsePath(path);
  if (!parsed.ok) return { parameter: { path, where, segments: [] }, problem: parsed.message };
  const { segments } = parsed;
  const parameter = { path, where, segments };
  const canonical = formatSegments(segments);
  const twin = declared.get(canonical);
  if (twin !== undefined) return { parameter, problem: `swept twice: also at ${twin}` };
  declared.set(canonical, where);
  if (canonical === 'seed') {
    const problem = 'the seed is set per replication (see sweep.replications) and cannot be swept';
    return { parameter, problem };
  }
  const fieldsOf = fieldsOfKind[scenarioKind(scenario)];
  return { parameter, problem: pathProblem(scenario, segments, { fieldsOf }) };
}
