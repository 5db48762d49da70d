/**
 * The learn workload: devices learning a stream of tasks on the device
 * (fine-tuning and continual learning), their accuracy measured on held-out
 * data and their time, energy and memory charged by the fleet model. Its run
 * loads TensorFlow.js, so `run` imports it lazily.
 */
import type { Workload } from '../workload.js';
import { learnReport } from './report.js';
import { type ResolvedLearn, resolveLearn } from './resolve.js';
import { checkLearnScenario, type LearnScenario, learnFields } from './scenario.js';

export const learnWorkload: Workload<typeof learnFields, LearnScenario, ResolvedLearn> = {
  name: 'learn',
  schema: { marker: 'learn', fields: learnFields, check: checkLearnScenario },
  resolve: resolveLearn,
  async run(resolved, seed, progress) {
    const { runLearn } = await import('./run.js');
    return runLearn(resolved, seed, progress);
  },
  report: (resolved, tables) => learnReport(resolved.scenario.name, tables),
};
