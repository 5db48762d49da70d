/**
 * edgesim's public API. The CLI and the benchmarks import only from here.
 */

export * from './compression/index.js';
export type { CostRates, FleetCost } from './cost/fleet-cost.js';
export { fleetCost } from './cost/fleet-cost.js';
export { DeviceEnergy, PowerState } from './energy/device-energy.js';
export * from './energy/radio.js';
export * from './engine/index.js';
export type { InputProblem } from './errors.js';
export { describeValue, EdgesimError, InputError, RunFailedError, UsageError } from './errors.js';
export * from './fleet/availability.js';
export type { FleetGroup, FleetListener } from './fleet/fleet.js';
export { DownReason, deviceKey, Fleet } from './fleet/fleet.js';
export type { HardwareProfile, NetworkInterface, Tier } from './fleet/profiles.js';
export {
  BUILTIN_PROFILE_DIR,
  INTERFACES,
  ProfileLibrary,
  profileSchema,
  TIERS,
} from './fleet/profiles.js';
export * from './fleet/roofline.js';
export * from './ml/cost/index.js';
export type { Cell, CellPlan } from './network/cells.js';
export { buildCells } from './network/cells.js';
export type { Technology } from './network/technologies.js';
export { TECHNOLOGIES } from './network/technologies.js';
export * from './network/traces.js';
export * from './report/index.js';
export { formatNumber, tableToCsv } from './results/csv.js';
export type { Table, TableValue } from './results/table.js';
export { percentile, singleRowTable } from './results/table.js';
export { writeResults } from './results/write.js';
export type { PreparedRun, RunFileOptions, RunOutcome, RunResult, RunTables } from './run.js';
export {
  prepareRun,
  prepareScenario,
  runPrepared,
  runScenario,
  runScenarioFile,
  safeDirName,
} from './run.js';
export type { DistributionSpec } from './scenario/distribution-spec.js';
export { distributionSpec, toDistribution } from './scenario/distribution-spec.js';
export { scenarioJsonSchema } from './scenario/json-schema.js';
export type { LoadedScenario } from './scenario/load.js';
export {
  canonicalJson,
  hashScenario,
  loadScenario,
  readDataFile,
  readMergedScenario,
  validateScenario,
} from './scenario/load.js';
export { formatPath } from './scenario/problems.js';
export type {
  CompressScenario,
  FleetScenario,
  FleetScenarioInput,
  Scenario,
  ScenarioInput,
  ValidatedScenario,
} from './scenario/schema.js';
export {
  asFleetScenario,
  isCompressScenario,
  scenarioKind,
  scenarioSchema,
} from './scenario/schema.js';
export type { QuantityBounds, QuantityKind, QuantityResult } from './scenario/units.js';
export { BASE_UNIT, parseQuantity, quantity } from './scenario/units.js';
export { combineRows, RUN_COLUMNS } from './sweep/combine.js';
export * from './sweep/grammar.js';
export { mergeShards } from './sweep/merge.js';
export { getPath, parsePath, setPath } from './sweep/paths.js';
export { renderSweepReport } from './sweep/render.js';
export type { SweepManifest, SweepOptions, SweepOutcome } from './sweep/run-sweep.js';
export { runSweepFile } from './sweep/run-sweep.js';
export { VERSION } from './version.js';
export * from './workloads/federated/index.js';
export * from './workloads/inference/arrivals.js';
export type { BatchingOptions, Job } from './workloads/inference/batching-server.js';
export { BatchingServer } from './workloads/inference/batching-server.js';
export {
  choosePlacement,
  expectedDeviceEnergyJ,
  expectedLatencyS,
  ON_DEVICE,
} from './workloads/inference/placement.js';
export { LATENCY_BUCKETS_S, OUTCOMES } from './workloads/inference/request-log.js';
export type { ResolvedScenario, ResolvedServer } from './workloads/inference/resolve.js';
export { resolveScenario } from './workloads/inference/resolve.js';
export { runInference } from './workloads/inference/run.js';
export type { InferenceTables } from './workloads/inference/tables.js';
