/**
 * Entry point of `edgesim run` and `edgesim compress`: the part of the public
 * API (src/index.ts) they need, loaded by the CLI only when one of them runs.
 */
export type { RunFileOptions, RunOutcome } from '../run.js';
export { runScenarioFile } from '../run.js';
export { isCompressScenario, loadScenario } from '../workloads/scenario.js';
