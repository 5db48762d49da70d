/**
 * What a plan writes: `plan.csv`, one row per configuration evaluated (in the
 * order the search first ran them) with its values, replications, metric
 * means, constraint margins and confidence, whether it is feasible, on the
 * front and chosen; `plan.json`, the answer; `chosen.json`, the chosen
 * configuration as a scenario file `edgesim run` takes as it is. Every file
 * is a pure function of the search, so equal inputs write equal bytes.
 */
import { join } from 'node:path';
import { meanAndError } from '../report/stats.js';
import { formatCell, textTableToCsv } from '../results/csv.js';
import { writeAtomically } from '../sweep/run-sweep.js';
import { VERSION } from '../version.js';
import { metricValue } from './metrics.js';
import type { CheckedPlan } from './run-plan.js';
import type { Evaluated, SearchResult } from './search.js';
import { configure } from './spec.js';

/** The answer: the chosen configuration (undefined when none is feasible) and what the search cost. */
export interface PlanAnswer {
  chosen?: {
    values: Record<string, unknown>;
    metrics: Record<string, number>;
    binding?: { metric: string; op: string; bound: number; mean: number; margin: number };
  };
  evaluated: number;
  /** Configurations in the full grid. */
  gridConfigurations: number;
  /** Configurations each branch of the search evaluated. */
  evaluationsPerBranch: number[];
  /** What the report marks: the configurations on the front, and the chosen one's id. */
  marks: { front: ReadonlySet<number>; chosen: number | undefined };
}

/** Writes plan.csv, plan.json and (with an answer) chosen.json into `outDir`; returns the answer. */
export function writePlanOutputs(
  outDir: string,
  checked: CheckedPlan,
  result: SearchResult,
): PlanAnswer {
  const { spec } = checked;
  const chosen = choose(checked, result.evaluated);
  const front = paretoFront(checked, result.evaluated);
  writeAtomically(join(outDir, 'plan.csv'), planCsv(checked, result.evaluated, front, chosen));
  const gridConfigurations = spec.variables.reduce((n, v) => n * v.levels.length, 1);
  const answer: PlanAnswer = {
    evaluated: result.evaluated.length,
    gridConfigurations,
    evaluationsPerBranch: result.evaluationsPerBranch,
    marks: { front, chosen: chosen?.id },
  };
  let scenario: unknown = null;
  if (chosen !== undefined) {
    const metrics = meanMetrics(chosen);
    answer.chosen = { values: valuesOf(checked, chosen), metrics };
    const binding = bindingConstraint(checked, chosen);
    if (binding !== undefined) answer.chosen.binding = binding;
    scenario = {
      ...(configure(spec, checked.base, chosen.levels) as object),
      seed: checked.baseSeed,
    };
    writeAtomically(join(outDir, 'chosen.json'), `${JSON.stringify(scenario, null, 2)}\n`);
  }
  const json = {
    edgesim: VERSION,
    scenario: checked.name,
    seed: checked.baseSeed,
    objective: spec.objective,
    constraints: spec.constraints,
    variables: spec.variables.map((v) => ({
      path: v.path,
      values: v.levels,
      monotone: v.monotone,
    })),
    search: {
      evaluated: result.evaluated.length,
      runs: result.runs,
      rounds: result.rounds,
      gridConfigurations,
      evaluationsPerBranch: result.evaluationsPerBranch,
    },
    feasible: chosen !== undefined,
    chosen: answer.chosen ?? null,
    bottleneck: chosen === undefined ? null : (firstSummary(chosen)?.bottleneck ?? null),
    chosenScenario: scenario,
  };
  writeAtomically(join(outDir, 'plan.json'), `${JSON.stringify(json, null, 2)}\n`);
  return answer;
}

/** The feasible configuration with the best objective mean; ties go to the first evaluated. */
function choose(checked: CheckedPlan, evaluated: readonly Evaluated[]): Evaluated | undefined {
  const { metric, sense } = checked.spec.objective;
  let best: Evaluated | undefined;
  let bestValue = Number.NaN;
  for (const config of evaluated) {
    if (!config.feasible) continue;
    const value = metricMean(config, metric);
    if (Number.isNaN(value)) continue;
    const better = sense === 'minimise' ? value < bestValue : value > bestValue;
    if (best === undefined || better) {
      best = config;
      bestValue = value;
    }
  }
  return best;
}

/**
 * The configurations no other beats on both the objective and the first
 * constraint's metric (cost against p95, say), among those that ran.
 */
function paretoFront(checked: CheckedPlan, evaluated: readonly Evaluated[]): Set<number> {
  const { spec } = checked;
  const front = new Set<number>();
  const second = spec.constraints[0];
  if (second === undefined) return front;
  const points = evaluated
    .filter((c) => c.error === undefined)
    .map((c) => ({
      id: c.id,
      a: signed(metricMean(c, spec.objective.metric), spec.objective.sense === 'minimise'),
      b: signed(metricMean(c, second.metric), second.op === '<='),
    }))
    .filter((p) => Number.isFinite(p.a) && Number.isFinite(p.b));
  for (const p of points) {
    const dominated = points.some((q) => q.a <= p.a && q.b <= p.b && (q.a < p.a || q.b < p.b));
    if (!dominated) front.add(p.id);
  }
  return front;
}

/** A value to minimise. */
function signed(value: number, lowerIsBetter: boolean): number {
  return lowerIsBetter ? value : -value;
}

function planCsv(
  checked: CheckedPlan,
  evaluated: readonly Evaluated[],
  front: Set<number>,
  chosen: Evaluated | undefined,
): string {
  const { spec } = checked;
  const metrics = [...new Set([spec.objective.metric, ...spec.constraints.map((c) => c.metric)])];
  const columns = [
    'config',
    'round',
    ...spec.variables.map((v) => v.path),
    'replications',
    'status',
    'confident',
    'pareto',
    'chosen',
    ...metrics.flatMap((m) => [m, `${m}_stderr`]),
    ...spec.constraints.flatMap((_, i) => [
      `constraint${i + 1}_margin`,
      `constraint${i + 1}_ci_halfwidth`,
      `constraint${i + 1}_confidence`,
      `constraint${i + 1}_verdict`,
    ]),
    'error',
  ];
  const rows = evaluated.map((c) => {
    const status = c.error !== undefined ? 'failed' : c.feasible ? 'feasible' : 'infeasible';
    const cells = [
      c.id,
      c.round,
      ...spec.variables.map((v, i) => cellOf(v.levels[c.levels[i]!])),
      c.outcomes.length,
      status,
      c.confident,
      front.has(c.id),
      chosen?.id === c.id,
      ...metrics.flatMap((m) => {
        const { mean, standardError } = meanAndError(metricValues(c, m));
        return [mean, standardError];
      }),
      ...c.constraints.flatMap((s) => [s.margin, s.halfWidth, s.confidence, s.verdict]),
      c.error ?? '',
    ];
    return cells.map((cell) => formatCell(cell as string | number | boolean));
  });
  return textTableToCsv({ columns, rows });
}

function cellOf(value: unknown): string | number | boolean {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
    return value;
  return JSON.stringify(value);
}

function valuesOf(checked: CheckedPlan, config: Evaluated): Record<string, unknown> {
  return Object.fromEntries(
    checked.spec.variables.map((v, i) => [v.path, v.levels[config.levels[i]!]]),
  );
}

function summaries(config: Evaluated): Record<string, string>[] {
  return config.outcomes.flatMap((o) => (o.ok ? [o.summary] : []));
}

function firstSummary(config: Evaluated): Record<string, string> | undefined {
  return summaries(config)[0];
}

function metricValues(config: Evaluated, metric: string): number[] {
  return summaries(config).map((s) => metricValue(s, metric));
}

function metricMean(config: Evaluated, metric: string): number {
  return meanAndError(metricValues(config, metric)).mean;
}

/** The mean over replications of every numeric summary column. */
function meanMetrics(config: Evaluated): Record<string, number> {
  const first = firstSummary(config);
  if (first === undefined) return {};
  const numeric = Object.keys(first).filter(
    (k) => first[k] !== '' && !Number.isNaN(Number(first[k])),
  );
  return Object.fromEntries(numeric.map((k) => [k, metricMean(config, k)]));
}

/** The constraint with the least margin relative to its bound. */
function bindingConstraint(checked: CheckedPlan, config: Evaluated) {
  let best: { metric: string; op: string; bound: number; mean: number; margin: number } | undefined;
  let bestRelative = Number.POSITIVE_INFINITY;
  checked.spec.constraints.forEach((c, i) => {
    const state = config.constraints[i]!;
    const relative = Math.abs(state.margin) / Math.max(Math.abs(c.bound), Number.MIN_VALUE);
    if (relative < bestRelative) {
      bestRelative = relative;
      best = { metric: c.metric, op: c.op, bound: c.bound, mean: state.mean, margin: state.margin };
    }
  });
  return best;
}
