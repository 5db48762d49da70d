/** The compress workload, as the registry (workloads/registry.ts) takes it. */

export type { ResolvedCompression } from './resolve.js';
export type { CompressScenario, CompressScenarioInput } from './scenario.js';
export { compressWorkload } from './workload.js';
