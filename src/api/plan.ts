/**
 * Entry point of `edgesim plan`: the part of the public API (src/index.ts) it
 * needs, loaded by the CLI only when it runs.
 */
export type { CheckedPlan, PlanOptions, PlanOutcome } from '../plan/run-plan.js';
export { checkPlanFile, runPlanFile } from '../plan/run-plan.js';
