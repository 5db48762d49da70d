/**
 * edgesim's public API. The CLI and the benchmarks import only from here.
 */
export * from './engine/index.js';
export type { InputProblem } from './errors.js';
export { describeValue, EdgesimError, InputError, RunFailedError, UsageError } from './errors.js';
export { formatNumber, tableToCsv } from './results/csv.js';
export type { Cell, Table } from './results/table.js';
export { percentile, singleRowTable } from './results/table.js';
export { writeResults } from './results/write.js';
export type { RunFileOptions, RunOutcome, RunTables } from './run.js';
export { runScenario, runScenarioFile, safeDirName } from './run.js';
export type { DistributionSpec } from './scenario/distribution-spec.js';
export { distributionSpec, toDistribution } from './scenario/distribution-spec.js';
export { scenarioJsonSchema } from './scenario/json-schema.js';
export type { LoadedScenario } from './scenario/load.js';
export {
  canonicalJson,
  hashScenario,
  loadScenario,
  readDataFile,
  validateScenario,
} from './scenario/load.js';
export { formatPath } from './scenario/problems.js';
export type { Scenario, ScenarioInput, ValidatedScenario } from './scenario/schema.js';
export { scenarioSchema } from './scenario/schema.js';
export type { QuantityBounds, QuantityKind, QuantityResult } from './scenario/units.js';
export { BASE_UNIT, parseQuantity, quantity } from './scenario/units.js';
export { VERSION } from './version.js';
export { runInference } from './workloads/inference/run.js';
