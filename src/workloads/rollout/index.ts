/** The rollout workload, as the registry (workloads/registry.ts) takes it, and its engine. */

export { ArchitectureMismatch, applyDelta, encodeDelta } from '../../compression/model-delta.js';
export {
  DeviceState,
  RolloutEngine,
  type RolloutOptions,
  type VersionListener,
} from '../rollout-engine.js';
export type { ResolvedRollout, ResolvedVersion } from './resolve.js';
export { rolloutOptions, runRollout } from './run.js';
export type { RolloutScenario, RolloutScenarioInput } from './scenario.js';
export { rolloutWorkload } from './workload.js';
