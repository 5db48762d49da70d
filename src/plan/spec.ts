/**
 * The `plan:` block of a scenario file: what a capacity planner may change,
 * what must hold, and what to make best.
 *
 * ```yaml
 * plan:
 *   variables:
 *     servers[0].workers: { min: 1, max: 64, monotone: increasing }  # more never hurts
 *     fleet[0].network.devicesPerCell: { values: [5, 10, 20], monotone: decreasing }
 *     workload.inference.placement: { values: [edge, adaptive] }
 *   constraints:
 *     - { metric: latency_p95_s, op: '<=', bound: 150 ms, confidence: 95% }
 *   objective: { minimise: total_cost_usd }
 *   replications: { min: 2, max: 8 }
 * ```
 *
 * A variable is a scenario path (as in `sweep:`) with a list of `values` or
 * an integer range `min..max` by `step`. `monotone: increasing` declares that
 * a later value (a larger one, for a range) never makes any constraint worse;
 * `decreasing`, that an earlier one never does. Metrics are summary.csv
 * columns (see metrics.ts for their units).
 */
import { z } from 'zod';
import { InputError, type InputProblem } from '../errors.js';
import { toProblems } from '../scenario/problems.js';
import { parseQuantity } from '../scenario/units.js';
import {
  assignPath,
  formatSegments,
  type PathSegment,
  parsePath,
  pathProblem,
  schemaFields,
} from '../sweep/paths.js';
import { scenarioKind } from '../workloads/registry.js';
import { SCENARIO_KINDS } from '../workloads/scenario.js';
import { parseBound } from './metrics.js';

/** Refused beyond this many configurations in the whole space (the search sees far fewer). */
export const MAX_PLAN_CONFIGURATIONS = 1_000_000;
/** Most replications of one configuration. */
export const MAX_PLAN_REPLICATIONS = 100;

const metricName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'must be a summary.csv column name (lower case, digits, _)');
const wholeNumber = z.number().int();
const variableSchema = z
  .strictObject({
    values: z.array(z.unknown()).optional(),
    min: wholeNumber.optional(),
    max: wholeNumber.optional(),
    step: wholeNumber.min(1).default(1),
    monotone: z.enum(['increasing', 'decreasing']).optional(),
  })
  .superRefine((v, ctx) => {
    const range = v.min !== undefined || v.max !== undefined;
    if (v.values !== undefined && range) {
      ctx.addIssue({ code: 'custom', message: 'give either values or min and max, not both' });
    } else if (v.values === undefined && (v.min === undefined || v.max === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected values: [...] or an integer range { min, max }',
      });
    } else if (v.values !== undefined && v.values.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: 'empty list: the search space is empty; give at least one value',
      });
    } else if (v.min !== undefined && v.max !== undefined && v.min > v.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['max'],
        message: `empty range: max(=${v.max}) is below min(=${v.min})`,
        input: v.max,
      });
    }
  });
const constraintSchema = z.strictObject({
  metric: metricName,
  op: z.enum(['<=', '>=']),
  bound: z.union([z.number(), z.string()]),
  confidence: z.union([z.number(), z.string()]).default(0.95),
});
/** An objective may also be a ratio of two columns: `devices / cost_per_month_usd`. */
const objectiveMetric = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]*( *\/ *[a-z][a-z0-9_]*)?$/,
    'must be a summary.csv column name, or two joined by / (devices / cost_per_month_usd)',
  )
  .transform((m) => m.replace(/ *\/ */g, ' / '));
const objectiveSchema = z.union([
  z.strictObject({ minimise: objectiveMetric }),
  z.strictObject({ maximise: objectiveMetric }),
]);
const planSchema = z.strictObject({
  variables: z.record(z.string(), variableSchema).refine((v) => Object.keys(v).length > 0, {
    error: 'no variables: the search space is empty; give at least one path',
  }),
  constraints: z.array(constraintSchema).default([]),
  objective: objectiveSchema,
  replications: z
    .strictObject({
      min: wholeNumber.min(1).max(MAX_PLAN_REPLICATIONS).default(2),
      max: wholeNumber.min(1).max(MAX_PLAN_REPLICATIONS).default(8),
    })
    .refine((r) => r.min <= r.max, { error: 'min must be at most max', path: ['max'] })
    .default({ min: 2, max: 8 }),
});
const fileSchema = z.object({ plan: planSchema });

/** A decision variable: a scenario path and its candidate values, in search order. */
export interface PlanVariable {
  path: string;
  segments: PathSegment[];
  /** Candidate values; when `monotone`, ordered so that a later one never makes a constraint worse. */
  levels: unknown[];
  monotone: boolean;
}

export interface PlanConstraint {
  metric: string;
  op: '<=' | '>=';
  /** In the metric's unit. */
  bound: number;
  /** Confidence wanted over replications, in (0, 1). */
  confidence: number;
}

export interface PlanSpec {
  variables: PlanVariable[];
  constraints: PlanConstraint[];
  /** A column, or `a / b` (the ratio per replication). */
  objective: { metric: string; sense: 'minimise' | 'maximise' };
  replications: { min: number; max: number };
}

/**
 * Reads and checks a `plan:` block against `scenario` (the unvalidated base
 * scenario, with neither `plan` nor `sweep`) and `metrics`, the columns of the
 * summary.csv that scenario writes. Throws one {@link InputError} naming
 * `file` and each `plan.<...>` path at fault with what was expected.
 */
export function parsePlan(
  block: unknown,
  scenario: unknown,
  metrics: readonly string[],
  file: string,
): PlanSpec {
  const parsed = fileSchema.safeParse({ plan: block }, { reportInput: true });
  if (!parsed.success) throw new InputError(file, toProblems(parsed.error.issues, fileSchema));
  const raw = parsed.data.plan;
  const problems: InputProblem[] = [];
  const variables = readVariables(raw.variables, scenario, problems);
  const known = new Set(metrics);
  const checkMetric = (metric: string, where: string) => {
    if (!known.has(metric)) problems.push({ path: where, message: unknownMetric(metric, metrics) });
  };
  const constraints = raw.constraints.map((c, i) => {
    const where = `plan.constraints[${i}]`;
    checkMetric(c.metric, `${where}.metric`);
    const bound = parseBound(c.metric, c.bound);
    if (!bound.ok) problems.push({ path: `${where}.bound`, message: bound.message });
    const confidence = parseQuantity(c.confidence, 'fraction', {
      min: 0.5,
      max: 1,
      exclusiveMax: true,
    });
    if (!confidence.ok) {
      const message = `${confidence.message} (a confidence level such as 95%)`;
      problems.push({ path: `${where}.confidence`, message, value: c.confidence });
    }
    return {
      metric: c.metric,
      op: c.op,
      bound: bound.ok ? bound.value : Number.NaN,
      confidence: confidence.ok ? confidence.value : Number.NaN,
    };
  });
  const sense = 'minimise' in raw.objective ? 'minimise' : 'maximise';
  const metric = 'minimise' in raw.objective ? raw.objective.minimise : raw.objective.maximise;
  for (const part of metric.split(' / ')) checkMetric(part, `plan.objective.${sense}`);
  const size = variables.reduce((n, v) => n * v.levels.length, 1);
  if (size > MAX_PLAN_CONFIGURATIONS) {
    const message = `the space holds ${size} configurations; at most ${MAX_PLAN_CONFIGURATIONS} are allowed`;
    problems.push({ path: 'plan.variables', message });
  }
  if (problems.length > 0) throw new InputError(file, problems);
  return { variables, constraints, objective: { metric, sense }, replications: raw.replications };
}

/** Why a metric is unknown, naming the columns that share a word with it first. */
function unknownMetric(metric: string, metrics: readonly string[]): string {
  const words = new Set(metric.split('_').filter((w) => w.length > 1));
  const shared = (m: string) => m.split('_').filter((w) => words.has(w)).length;
  const similar = metrics
    .map((m, i) => ({ m, i, n: shared(m) }))
    .filter((c) => c.n > 0)
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .slice(0, 8)
    .map((c) => c.m);
  const hint = similar.length > 0 ? `; similar: ${similar.join(', ')}` : '';
  return `unknown metric "${metric}": expected one of the ${metrics.length} columns of this scenario's summary.csv${hint}`;
}

type RawVariable = z.output<typeof variableSchema>;

function readVariables(
  raw: Record<string, RawVariable>,
  scenario: unknown,
  problems: InputProblem[],
): PlanVariable[] {
  const fields = schemaFields(SCENARIO_KINDS[scenarioKind(scenario)]);
  const seen = new Map<string, string>();
  return Object.entries(raw).map(([path, v]) => {
    const where = `plan.variables.${path}`;
    const levels = v.values ?? integerRange(v.min!, v.max!, v.step);
    const ordered = v.monotone === 'decreasing' ? [...levels].reverse() : levels;
    const variable = {
      path,
      segments: [] as PathSegment[],
      levels: ordered,
      monotone: v.monotone !== undefined,
    };
    const parsed = parsePath(path);
    if (!parsed.ok) {
      problems.push({ path: where, message: parsed.message });
      return variable;
    }
    const canonical = formatSegments(parsed.segments);
    const twin = seen.get(canonical);
    const problem =
      twin !== undefined
        ? `declared twice: also at ${twin}`
        : canonical === 'seed'
          ? 'the seed is set per replication and cannot be a variable'
          : pathProblem(scenario, parsed.segments, { fieldsOf: fields });
    seen.set(canonical, where);
    if (problem !== undefined)
      problems.push({ path: where, message: `path does not exist: ${problem}` });
    if (levels.length > MAX_PLAN_CONFIGURATIONS) {
      problems.push({
        path: where,
        message: `${levels.length} values; at most ${MAX_PLAN_CONFIGURATIONS}`,
      });
    }
    return { ...variable, segments: parsed.segments };
  });
}

function integerRange(min: number, max: number, step: number): number[] {
  const count = Math.min(Math.floor((max - min) / step) + 1, MAX_PLAN_CONFIGURATIONS + 1);
  return Array.from({ length: count }, (_, i) => min + i * step);
}

/** The base scenario with a configuration's values (a level index per variable) set; unvalidated. */
export function configure(spec: PlanSpec, base: unknown, levels: readonly number[]): unknown {
  const scenario = structuredClone(base);
  spec.variables.forEach((v, i) => {
    assignPath(scenario, v.segments, structuredClone(v.levels[levels[i]!]));
  });
  return scenario;
}
