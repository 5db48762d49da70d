/**
 * The rollout workload: a pure update study. A fleet moves from one model
 * version to another in waves, over its shared cells, behind a health gate.
 * Needs no ML runtime: deltas are measured on the `.edgm` bytes at resolve.
 */
import type { Workload } from '../workload.js';
import { rolloutCurve } from './curve.js';
import { rolloutReport, strategyOf } from './report.js';
import { type ResolvedRollout, resolveRollout } from './resolve.js';
import { runRollout } from './run.js';
import { checkRolloutScenario, type RolloutScenario, rolloutFields } from './scenario.js';

export const rolloutWorkload: Workload<typeof rolloutFields, RolloutScenario, ResolvedRollout> = {
  name: 'rollout',
  schema: { marker: 'rollout', fields: rolloutFields, check: checkRolloutScenario },
  resolve: resolveRollout,
  run: async (resolved, seed, progress) => ({
    tables: runRollout(resolved, seed, progress),
    backend: null,
  }),
  report: (resolved, tables) =>
    rolloutReport(resolved.scenario.name, strategyOf(resolved.scenario.rollout), tables),
  curve: rolloutCurve,
};
