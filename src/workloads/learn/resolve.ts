import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, type InputProblem } from '../../errors.js';
import type { FleetGroup } from '../../fleet/fleet.js';
import { trainingGroups } from '../../fleet/group-checks.js';
import { ProfileLibrary } from '../../fleet/profiles.js';
import type { LearnScenario } from './scenario.js';
import { type LearnMethod, namedMethods } from './schema.js';

/** A learn scenario with its profiles read and its files found. */
export interface ResolvedLearn {
  readonly scenario: LearnScenario;
  readonly file: string;
  readonly baseDir: string;
  readonly groups: FleetGroup[];
  readonly methods: LearnMethod[];
}

/**
 * Checks what the schema cannot: profiles exist and can train (fp32, or a
 * fallback), each group's network interface exists, under `when: charging`
 * every battery-powered group has a charging window (mains-powered groups
 * learn as tasks arrive), and the model and CSV files are there.
 * What needs the data and the model (classes, output width, memory against
 * each profile) is checked when the run starts, before any training.
 * Throws one InputError listing every problem.
 */
export function resolveLearn(
  scenario: LearnScenario,
  file: string,
  library: ProfileLibrary = new ProfileLibrary(),
): ResolvedLearn {
  const problems: InputProblem[] = [];
  const baseDir = dirname(file);
  const section = scenario.learn;
  const { groups } = trainingGroups(scenario.fleet, library, file, problems);
  scenario.fleet.forEach((spec, i) => {
    if (section.when === 'charging' && spec.battery !== undefined && !spec.battery.charging)
      problems.push({
        path: `fleet[${i}].battery.charging`,
        message:
          'learn.when is charging and this group runs on a battery with no charging window, so it would never learn; give battery.charging { startHour, hours, power }, or drop battery (mains-powered devices learn as tasks arrive)',
      });
  });
  if ('file' in section.model && !existsSync(resolve(baseDir, section.model.file)))
    problems.push({
      path: 'learn.model.file',
      message: 'model file not found',
      value: section.model.file,
    });
  if (section.tasks.kind === 'csv' && !existsSync(resolve(baseDir, section.tasks.file)))
    problems.push({
      path: 'learn.tasks.file',
      message: 'task file not found',
      value: section.tasks.file,
    });
  if (problems.length > 0) throw new InputError(file, problems);
  return { scenario, file, baseDir, groups, methods: namedMethods(section) };
}
