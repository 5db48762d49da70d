/** The inference workload, as the registry (workloads/registry.ts) takes it. */

export type { ResolvedInference, ResolvedServer } from './resolve.js';
export { resolveInference } from './resolve.js';
export type {
  DeviceGroup,
  InferenceScenario,
  InferenceScenarioInput,
  ServerSpec,
} from './scenario.js';
export { inferenceWorkload, runInferenceTables } from './workload.js';
