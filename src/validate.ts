/**
 * What `edgesim validate` checks: everything `run` and `sweep` would check
 * before they start, without running anything.
 */
import { checkExpectations } from './check/run-check.js';
import { ProfileLibrary } from './fleet/profiles.js';
import { checkPlanFile } from './plan/run-plan.js';
import { prepareRun, prepareScenario } from './run.js';
import { readMergedScenario } from './scenario/load.js';
import { isMapping } from './scenario/merge.js';
import { checkRuns, expandSweep, type SweepPlan, validateRuns } from './sweep/grammar.js';
import type { ValidatedScenario } from './workloads/scenario.js';

/** A scenario file that passed every check. */
export interface ValidFile {
  readonly file: string;
  readonly name: string;
  /** SHA-256 of the validated base scenario (as `run` records it). */
  readonly hash: string;
  /** The file's sweep block expanded, or undefined when it has none. */
  readonly sweep?: {
    readonly runs: number;
    readonly points: number;
    readonly replications: number;
  };
}

/**
 * Checks a scenario file as `run` prepares it: the schema, profiles, cost
 * cards, data and trace files. With a `sweep:` block, also as `sweep` would:
 * the block itself (paths exist, lists, ranges, zip lengths, replications),
 * every run's scenario against the schema, and every point prepared (its
 * files opened) as the sweep prepares it before any run starts. A `plan:`
 * block is checked as `edgesim plan` checks it, an `expect:` block as
 * `edgesim check` checks it. Throws an
 * InputError naming the file, the path and the run at fault.
 */
export function validateFile(file: string): ValidFile {
  const { loaded } = prepareScenario(file);
  const valid = { file, name: loaded.scenario.name, hash: loaded.hash };
  const raw = readMergedScenario(file);
  if (isMapping(raw) && raw.plan !== undefined) checkPlanFile(file); // as `edgesim plan` checks it
  if (isMapping(raw) && raw.expect !== undefined) checkExpectations(file); // as `edgesim check` does
  if (!isMapping(raw) || raw.sweep === undefined) return valid;
  const plan = expandSweep(raw, file, loaded.scenario.seed);
  const validated = validateRuns(plan, file);
  prepareEveryPoint(plan, validated, file);
  const { runs, replications } = plan;
  const points = runs.length / replications;
  return { ...valid, sweep: { runs: runs.length, points, replications } };
}

/** Prepares each point of a sweep once (replications differ only in their seed). */
function prepareEveryPoint(
  plan: SweepPlan,
  validated: readonly ValidatedScenario[],
  file: string,
): void {
  const library = new ProfileLibrary();
  const firsts = plan.runs.filter((run) => run.replication === 0);
  checkRuns(firsts, file, (run) => prepareRun(validated[run.index]!, file, library));
}
