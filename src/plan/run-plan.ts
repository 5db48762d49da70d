/**
 * `edgesim plan <scenario>`: reads the scenario's `plan:` block, checks it
 * with the base scenario before any run, searches (search.ts) with every run
 * going through the sweep worker pool and its result cache (so a killed plan
 * resumes where it stopped: the search is deterministic, and the runs it had
 * finished are read back), and writes plan.csv and plan.json (outputs.ts).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  describeValue,
  InputError,
  type InputProblem,
  RunFailedError,
  UsageError,
} from '../errors.js';
import { profilesDigest } from '../fleet/profile-dirs.js';
import { ProfileLibrary } from '../fleet/profiles.js';
import { claimSweepDir } from '../results/out-dir.js';
import { type PreparedRun, prepareRun, runInferenceScenario, safeDirName } from '../run.js';
import { checkRunBudget } from '../run-budget.js';
import { readMergedScenario, splitScenario } from '../scenario/load.js';
import { isMapping } from '../scenario/merge.js';
import { readCachedRun, runKey } from '../sweep/cache.js';
import { replicationSeed } from '../sweep/grammar.js';
import { assignPath } from '../sweep/paths.js';
import { SweepPool } from '../sweep/pool.js';
import type { RunTask } from '../sweep/task.js';
import { scenarioKind } from '../workloads/registry.js';
import { type ValidatedScenario, validateScenario } from '../workloads/scenario.js';
import { type PlanAnswer, writePlanOutputs } from './outputs.js';
import { writePlanReport } from './report.js';
import { type RunOutcome, type RunRequest, searchPlan } from './search.js';
import { configure, type PlanSpec, parsePlan } from './spec.js';

export interface PlanOptions {
  /** Base seed (default: the scenario's). */
  seed?: number;
  /** Output directory (default `results/<name>-plan`). */
  out?: string;
  /** Threads running runs, this one included (default: the number of cores). */
  workers?: number;
  /** Write into an output directory holding files edgesim did not write. */
  forceReplace?: boolean;
  /** Run configurations estimated past the run budget, and more workers than cores. */
  force?: boolean;
}

export interface PlanOutcome extends PlanAnswer {
  outDir: string;
  /** Runs the search asked for, and how many of them were read from the cache. */
  runs: number;
  cached: number;
}

/** A plan file checked and ready to search: what `validate` also checks. */
export interface CheckedPlan {
  spec: PlanSpec;
  /** The base scenario as written (merged, without `plan`, `sweep` and `x-` fields). */
  base: Record<string, unknown>;
  baseSeed: number;
  name: string;
}

/**
 * Reads and checks a scenario file's `plan:` block: the base scenario must
 * validate and be an inference scenario; every variable's path must exist and
 * each of its values must validate and resolve in the base scenario; metrics must be
 * columns of the summary.csv the scenario writes (found by running the base
 * scenario for 1 ms), bounds in their units. Throws an InputError naming
 * `file` and each path at fault.
 */
export function checkPlanFile(file: string, seed?: number): CheckedPlan {
  const raw = readMergedScenario(file);
  if (!isMapping(raw) || raw.plan === undefined) {
    throw new InputError(file, [
      {
        path: 'plan',
        message: 'no plan: block; expected plan: { variables, constraints, objective }',
      },
    ]);
  }
  const { base, blocks } = splitScenario(raw);
  const block = blocks.plan;
  const validated = validateScenario(base, file);
  if (scenarioKind(validated) !== 'inference') {
    const message = `planning needs an inference scenario; this one is ${scenarioKind(validated)}`;
    throw new InputError(file, [{ path: 'plan', message }]);
  }
  const baseSeed = seed ?? validated.seed;
  const metrics = summaryColumns(base, file, baseSeed);
  const spec = parsePlan(block, base, metrics, file);
  checkLevels(spec, base, file);
  return { spec, base, baseSeed, name: validated.name };
}

/** Checks a plan file, searches it and writes its outputs; see the module header. */
export async function runPlanFile(file: string, options: PlanOptions = {}): Promise<PlanOutcome> {
  const cores = availableParallelism();
  if (options.workers !== undefined && options.workers > cores && !options.force) {
    throw new UsageError(
      `--workers ${options.workers} is more than the ${cores} cores this machine has; use --workers ${cores}, or --force`,
    );
  }
  const checked = checkPlanFile(file, options.seed);
  const outDir = options.out ?? join('results', `${safeDirName(checked.name)}-plan`);
  claimSweepDir(outDir, { forceReplace: options.forceReplace === true });
  const runner = new PlanRunner(checked, file, join(outDir, 'runs'), options.force === true);
  const pool = new SweepPool(options.workers ?? cores, true);
  try {
    const result = await searchPlan(checked.spec, (requests) => runner.run(requests, pool));
    const answer = writePlanOutputs(outDir, checked, result);
    await writePlanReport(outDir, checked, result, answer.marks);
    if (answer.chosen === undefined) {
      throw new RunFailedError(
        `no configuration met every constraint (${result.evaluated.length} evaluated); see ${join(outDir, 'plan.csv')}`,
      );
    }
    return { ...answer, outDir, runs: result.runs, cached: runner.cached };
  } finally {
    await pool.close();
  }
}

/** Runs a configuration's replications: from the cache when there, else on the pool. */
class PlanRunner {
  cached = 0;
  private rounds = 0;
  private readonly library = new ProfileLibrary();
  private readonly profiles = profilesDigest();

  constructor(
    private readonly checked: CheckedPlan,
    private readonly file: string,
    private readonly runsDir: string,
    private readonly force: boolean,
  ) {}

  async run(requests: readonly RunRequest[], pool: SweepPool): Promise<RunOutcome[]> {
    const outcomes = new Array<RunOutcome>(requests.length);
    const prepared = new Map<string, { scenario: ValidatedScenario; run: PreparedRun } | string>();
    const tasks: RunTask[] = [];
    requests.forEach((request, index) => {
      const id = request.levels.join(',');
      if (!prepared.has(id)) prepared.set(id, this.prepare(request.levels));
      const config = prepared.get(id)!;
      if (typeof config === 'string') {
        outcomes[index] = { ok: false, error: config };
        return;
      }
      const seed = replicationSeed(this.checked.baseSeed, request.replication);
      const key = runKey({ ...config.scenario, seed }, seed, this.profiles);
      const entry = readCachedRun(this.runsDir, key);
      if (entry.state === 'valid') {
        this.cached++;
        outcomes[index] = { ok: true, summary: entry.summary };
      } else tasks.push({ index, seed, key, runsDir: this.runsDir, run: { prepared: config.run } });
    });
    const configs = prepared.size;
    process.stderr.write(
      `edgesim: plan round ${++this.rounds}: ${configs} configuration${configs === 1 ? '' : 's'}, ${requests.length} runs (${requests.length - tasks.length} cached)\n`,
    );
    await pool.run(tasks, (report) => {
      outcomes[report.index] = report.ok
        ? { ok: true, summary: report.summary }
        : { ok: false, error: report.error };
    });
    return outcomes;
  }

  /** A configuration validated and prepared, or why it cannot run (failures are data). */
  private prepare(
    levels: readonly number[],
  ): { scenario: ValidatedScenario; run: PreparedRun } | string {
    try {
      const scenario = validateScenario(
        configure(this.checked.spec, this.checked.base, levels),
        this.file,
      );
      const run = prepareRun(scenario, this.file, this.library);
      checkRunBudget(run, { force: this.force, file: this.file });
      return { scenario, run };
    } catch (error) {
      if (error instanceof InputError) return error.message;
      throw error;
    }
  }
}

/** The columns of the summary.csv a scenario writes: its first millisecond, run. */
function summaryColumns(base: Record<string, unknown>, file: string, seed: number) {
  // No warm-up: it must end before the probe's 1 ms does.
  const { warmup: _warmup, ...rest } = base;
  const probe = validateScenario({ ...rest, duration: 0.001 }, file);
  const prepared = prepareRun(probe, file);
  if (prepared.kind !== 'inference')
    throw new TypeError('summaryColumns: not an inference scenario');
  return runInferenceScenario(prepared.resolved, seed).summary!.columns;
}

/**
 * Every value of every variable, set alone in the base scenario, must
 * validate and resolve (a profile, or a software stack of it, that does not
 * exist is found here, before any run, not as a failed configuration).
 */
function checkLevels(spec: PlanSpec, base: unknown, file: string): void {
  const library = new ProfileLibrary();
  const problems: InputProblem[] = [];
  spec.variables.forEach((variable) => {
    const n = variable.levels.length;
    // A long integer range is checked at its ends (the schema's limits are intervals).
    const checked = n > 64 ? [0, n - 1] : variable.levels.map((_, k) => k);
    for (const k of checked) {
      const scenario = structuredClone(base);
      assignPath(scenario, variable.segments, structuredClone(variable.levels[k]));
      try {
        prepareRun(validateScenario(scenario, file), file, library);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        for (const p of error.problems) {
          problems.push({
            path: `plan.variables.${variable.path}`,
            message: `value ${describeValue(variable.levels[k])} does not fit ${p.path || 'the scenario'}: ${p.message}`,
            value: variable.levels[k],
          });
        }
      }
    }
  });
  if (problems.length > 0) throw new InputError(file, problems);
}
