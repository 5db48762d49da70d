/**
 * The planner's search: which configurations to run, and how many times.
 *
 * The space is the product of the variables' levels. The LAST monotone
 * variable is searched by bisection in every combination of the others (a
 * branch): the first level at which every constraint holds, found with at
 * most ceil(log2(n + 1)) configurations for n levels, since monotonicity says
 * every later level holds too and every earlier one fails. Branches with no
 * monotone variable are single configurations.
 *
 * Branches prune each other along the other monotone variables: where a
 * branch is one level better in one of them than a neighbour, its first
 * feasible level is no later than the neighbour's upper bound, and the
 * neighbour's is no earlier than its lower bound. A branch starts once its
 * better neighbours are done, so a branch whose better neighbour is
 * infeasible everywhere is infeasible without a run, and each wave of the
 * staircase starts from the bounds of the one before. An answer learnt from
 * a neighbour is run (confirmed) before the branch is done. The branches
 * searching at once advance in lockstep, so each round's runs go to the
 * worker pool together.
 *
 * Replications are sequential tests (Wald-style, one run at a time): a
 * configuration runs `min` times, then once more while some constraint is
 * undecided, up to `max`. A constraint is decided when the one-sided
 * Student-t confidence that it holds, T_{n-1}(margin / standard error), is at
 * least its level (it holds) or at most one minus it (it fails). One failing
 * constraint decides the configuration. At `max`, the means decide, and the
 * configuration is marked as not confidently decided.
 */

import { meanAndError, studentTCdf, tQuantile as studentTQuantile } from '../report/stats.js';
import { metricValue } from './metrics.js';
import type { PlanConstraint, PlanSpec } from './spec.js';

/** One run's outcome: its summary row as CSV strings, or why it failed. */
export type RunOutcome =
  | { ok: true; summary: Record<string, string> }
  | { ok: false; error: string };

/** A run the search asks for: a configuration (a level index per variable) at one replication. */
export interface RunRequest {
  levels: readonly number[];
  replication: number;
}

/** Runs a batch of requests (in any order, in parallel); answers in the same order. */
export type RunBatch = (requests: readonly RunRequest[]) => Promise<RunOutcome[]>;

/** How one constraint stands at a configuration. */
export interface ConstraintState {
  mean: number;
  /** Half-width of the two-sided interval at the constraint's confidence; NaN below two replications. */
  halfWidth: number;
  /** Bound minus mean for `<=`, mean minus bound for `>=`: positive when it holds. */
  margin: number;
  /** One-sided confidence that the constraint holds. */
  confidence: number;
  verdict: 'holds' | 'fails' | 'undecided';
}

/** A configuration the search ran. */
export interface Evaluated {
  /** Order of first evaluation, from 0. */
  id: number;
  levels: number[];
  /** Which round of the search first ran it, from 0. */
  round: number;
  outcomes: RunOutcome[];
  error?: string;
  constraints: ConstraintState[];
  feasible: boolean;
  /** Whether every constraint was decided at its confidence (else the means decided at max replications). */
  confident: boolean;
}

export interface SearchResult {
  evaluated: Evaluated[];
  /** Configurations each branch evaluated, by branch. */
  evaluationsPerBranch: number[];
  runs: number;
  rounds: number;
}

interface Branch {
  /** Level of every variable but the searched one (whose slot is ignored). */
  fixed: number[];
  low: number;
  high: number;
  done: boolean;
  /** Whether its bounds met by pruning and its answer is being run. */
  confirming: boolean;
  /** The configurations this branch probed, by key. */
  probed: Set<string>;
}

/** Searches `spec`'s space, running what it needs through `runBatch`. */
export async function searchPlan(spec: PlanSpec, runBatch: RunBatch): Promise<SearchResult> {
  const searched = lastMonotone(spec);
  const branches = enumerateBranches(spec, searched);
  const evaluated = new Map<string, Evaluated>();
  let runs = 0;
  let round = 0;
  const pairs = neighbourPairs(spec, searched);
  const betterOf = branches.map(() => [] as number[]);
  for (const [w, b] of pairs) betterOf[w]!.push(b);
  const ready = (index: number) => betterOf[index]!.every((b) => branches[b]!.done);
  const probeOf = (b: Branch): number[] => {
    if (searched < 0) return b.fixed;
    const levels = [...b.fixed];
    levels[searched] = b.confirming ? b.high : Math.floor((b.low + b.high) / 2);
    return levels;
  };
  for (;;) {
    if (branches.every((b) => b.done)) break;
    const active = branches.filter((b, i) => !b.done && ready(i));
    const requests: RunRequest[] = [];
    const asked = new Set<string>();
    for (const branch of active) {
      const levels = probeOf(branch);
      const key = levels.join(',');
      branch.probed.add(key);
      let config = evaluated.get(key);
      if (config === undefined) {
        config = newConfig(evaluated.size, levels, round, spec);
        evaluated.set(key, config);
      }
      const wanted = wantedReplications(config, spec);
      if (wanted > config.outcomes.length && !asked.has(key)) {
        asked.add(key);
        for (let r = config.outcomes.length; r < wanted; r++)
          requests.push({ levels, replication: r });
      }
    }
    if (requests.length > 0) {
      const outcomes = await runBatch(requests);
      runs += requests.length;
      requests.forEach((request, i) => {
        const config = evaluated.get(request.levels.join(','))!;
        config.outcomes[request.replication] = outcomes[i]!;
      });
      for (const key of asked) judge(evaluated.get(key)!, spec);
      round++;
      continue;
    }
    for (const branch of active) step(branch, evaluated.get(probeOf(branch).join(','))!, searched);
    if (searched >= 0)
      prune(branches, pairs, searched, spec.variables[searched]!.levels.length, evaluated);
  }
  return {
    evaluated: [...evaluated.values()].sort((a, b) => a.id - b.id),
    evaluationsPerBranch: branches.map((b) => b.probed.size),
    runs,
    rounds: round,
  };
}

/** The index of the last monotone variable, or -1. */
function lastMonotone(spec: PlanSpec): number {
  for (let i = spec.variables.length - 1; i >= 0; i--) if (spec.variables[i]!.monotone) return i;
  return -1;
}

/** Every combination of the levels of the variables but `searched`, last variable fastest. */
function enumerateBranches(spec: PlanSpec, searched: number): Branch[] {
  const sizes = spec.variables.map((v, i) => (i === searched ? 1 : v.levels.length));
  const count = sizes.reduce((a, b) => a * b, 1);
  const high = searched < 0 ? 0 : spec.variables[searched]!.levels.length;
  return Array.from({ length: count }, (_, index) => {
    const fixed = new Array<number>(sizes.length);
    let rest = index;
    for (let i = sizes.length - 1; i >= 0; i--) {
      fixed[i] = rest % sizes[i]!;
      rest = Math.floor(rest / sizes[i]!);
    }
    return { fixed, low: 0, high, done: false, confirming: false, probed: new Set<string>() };
  });
}

function newConfig(id: number, levels: number[], round: number, spec: PlanSpec): Evaluated {
  return {
    id,
    levels,
    round,
    outcomes: [],
    constraints: spec.constraints.map(() => undecided()),
    feasible: false,
    confident: false,
  };
}

function undecided(): ConstraintState {
  const nan = Number.NaN;
  return { mean: nan, halfWidth: nan, margin: nan, confidence: nan, verdict: 'undecided' };
}

/** How many replications a configuration needs before it can be decided. */
function wantedReplications(config: Evaluated, spec: PlanSpec): number {
  const { min, max } = spec.replications;
  const n = config.outcomes.length;
  if (n < min) return min;
  if (config.error !== undefined || n >= max) return n;
  const states = config.constraints;
  if (states.some((s) => s.verdict === 'fails') || states.every((s) => s.verdict === 'holds'))
    return n;
  return n + 1;
}

/** Judges a configuration from its outcomes so far. */
function judge(config: Evaluated, spec: PlanSpec): void {
  const failed = config.outcomes.find((o) => !o.ok);
  if (failed !== undefined && !failed.ok) {
    config.error = failed.error;
    config.feasible = false;
    config.confident = true;
    return;
  }
  const summaries = config.outcomes.map((o) => (o as { summary: Record<string, string> }).summary);
  config.constraints = spec.constraints.map((c) => constraintState(c, summaries));
  const atMax = config.outcomes.length >= spec.replications.max;
  const states = config.constraints;
  config.confident =
    states.some((s) => s.verdict === 'fails') || states.every((s) => s.verdict === 'holds');
  config.feasible = config.confident
    ? states.every((s) => s.verdict === 'holds')
    : atMax && states.every((s) => s.margin >= 0);
}

/** A constraint's state over the replications' summaries. */
export function constraintState(
  constraint: PlanConstraint,
  summaries: readonly Record<string, string>[],
): ConstraintState {
  const values = summaries.map((s) => metricValue(s, constraint.metric));
  const n = values.length;
  const { mean, standardError } = meanAndError(values);
  const margin = constraint.op === '<=' ? constraint.bound - mean : mean - constraint.bound;
  if (Number.isNaN(mean)) {
    return { mean, halfWidth: Number.NaN, margin, confidence: 0, verdict: 'fails' };
  }
  let confidence: number;
  let halfWidth = Number.NaN;
  if (n < 2) confidence = Number.NaN;
  else if (standardError === 0) {
    confidence = margin >= 0 ? 1 : 0;
    halfWidth = 0;
  } else {
    confidence = studentTCdf(margin / standardError, n - 1);
    halfWidth = tHalfWidth(constraint.confidence, n - 1) * standardError;
  }
  const verdict =
    confidence >= constraint.confidence
      ? 'holds'
      : confidence <= 1 - constraint.confidence
        ? 'fails'
        : 'undecided';
  return { mean, halfWidth, margin, confidence, verdict };
}

const quantiles = new Map<string, number>();
/** The two-sided interval's t multiplier (remembered: the quantile is found by bisection). */
function tHalfWidth(confidence: number, degrees: number): number {
  const key = `${confidence}/${degrees}`;
  let t = quantiles.get(key);
  if (t === undefined) {
    t = studentTQuantile((1 + confidence) / 2, degrees);
    quantiles.set(key, t);
  }
  return t;
}

/**
 * Branch pairs (worse, better) one level apart in a monotone variable other
 * than the searched one, all else equal (branch indices count like an
 * odometer over the variables, the last fastest).
 */
function neighbourPairs(spec: PlanSpec, searched: number): [number, number][] {
  if (searched < 0) return [];
  const sizes = spec.variables.map((v, i) => (i === searched ? 1 : v.levels.length));
  const count = sizes.reduce((a, b) => a * b, 1);
  const pairs: [number, number][] = [];
  let stride = 1;
  for (let m = sizes.length - 1; m >= 0; m--) {
    if (m !== searched && spec.variables[m]!.monotone) {
      for (let b = 0; b < count; b++) {
        if (Math.floor(b / stride) % sizes[m]! < sizes[m]! - 1) pairs.push([b, b + stride]);
      }
    }
    stride *= sizes[m]!;
  }
  return pairs;
}

/**
 * Narrows the branches still searching by their neighbours' bounds until
 * nothing changes. A branch whose bounds meet is done if it has run its
 * answer (or has none), else it runs it next.
 */
function prune(
  branches: Branch[],
  pairs: readonly [number, number][],
  searched: number,
  levels: number,
  evaluated: ReadonlyMap<string, Evaluated>,
): void {
  const searching = (b: Branch) => !b.done && !b.confirming;
  for (let changed = true; changed; ) {
    changed = false;
    for (const [w, b] of pairs) {
      const worse = branches[w]!;
      const better = branches[b]!;
      // Clamped, so noise that breaks monotonicity cannot cross a branch's own bounds.
      const high = Math.max(Math.min(better.high, worse.high), better.low);
      if (searching(better) && high !== better.high) {
        better.high = high;
        changed = true;
      }
      const low = Math.min(Math.max(worse.low, better.low), worse.high);
      if (searching(worse) && low !== worse.low) {
        worse.low = low;
        changed = true;
      }
    }
  }
  for (const branch of branches) {
    if (!searching(branch) || branch.low < branch.high) continue;
    const answer = [...branch.fixed];
    answer[searched] = branch.high;
    const ran = evaluated.get(answer.join(','));
    if (branch.high < levels && ran === undefined) branch.confirming = true;
    else branch.done = true;
  }
}

/** Moves a branch's bisection after its probe was decided. */
function step(branch: Branch, probe: Evaluated, searched: number): void {
  if (searched < 0 || branch.confirming) {
    branch.done = true;
    return;
  }
  const mid = probe.levels[searched]!;
  if (probe.feasible) branch.high = mid;
  else branch.low = mid + 1;
  if (branch.low >= branch.high) branch.done = true;
}
