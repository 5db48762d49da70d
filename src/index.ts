/**
 * edgesim's public API: an explicit export list, types apart. The benchmarks
 * import from here (and, for the internals they time, from their modules);
 * the CLI imports the entry points in api/, each a slice of this list that a
 * command loads only when it runs, so `edgesim --help` loads none of them.
 * Names kept for compatibility are marked deprecated at the end.
 */

export type { CommandOutcome, CommandReportOptions } from './check/command.js';
export { checkCommand, compareCommand } from './check/command.js';
export type { CompareFailOn, CompareOptions } from './check/compare.js';
export { compareDirs } from './check/compare.js';
export { METRIC_DIRECTIONS, type MetricDirection, metricDirection } from './check/directions.js';
export { expectationsJsonSchema } from './check/expectations.js';
export type { CheckResult } from './check/judge.js';
export type {
  CheckReport,
  CompareReport,
  ExpectationResult,
  MetricComparison,
} from './check/report-schema.js';
export {
  checkReportJsonSchema,
  checkReportSchema,
  compareReportJsonSchema,
  compareReportSchema,
} from './check/report-schema.js';
export type { CheckedExpectations, CheckOptions } from './check/run-check.js';
export { checkExpectations, runCheckFile } from './check/run-check.js';
export * from './compression/index.js';
export type {
  CostBreakdown,
  CostComponent,
  CostLine,
  CostRates,
  FleetCost,
  OwnershipRates,
  PricedGroup,
  PricedServer,
} from './cost/fleet-cost.js';
export { COST_COMPONENTS, fleetCost, fleetCostBreakdown } from './cost/fleet-cost.js';
export { DeviceEnergy, PowerState } from './energy/device-energy.js';
export type {
  RadioEnergyJ,
  RadioModel,
  RadioStateTimesS,
  RadioTechnology,
} from './energy/radio.js';
export { RADIO_MODELS, RadioMeter } from './energy/radio.js';
export type { RadioChoice, RadioModelName, RadioModels } from './energy/radio-models.js';
export {
  DEFAULT_RADIO_MODELS,
  RADIO_MODEL_SETS,
  RADIO_TECHNOLOGIES,
  radioModels,
} from './energy/radio-models.js';
export type {
  Distribution,
  EventCallback,
  EventId,
  FifoServerOptions,
  Flow,
  ProcessBody,
  RunLimits,
  StopReason,
  Yieldable,
} from './engine/index.js';
export {
  boundedPareto,
  constant,
  EventQueue,
  empirical,
  erlangC,
  exponential,
  FifoServer,
  logGamma,
  lognormal,
  lognormalFromMean,
  md1MeanWaitS,
  mg1MeanWaitS,
  mmcMeanWaitS,
  normal,
  Priority,
  ProcessorSharing,
  poisson,
  RandomStream,
  RandomStreams,
  Signal,
  Simulation,
  trace,
  uniform,
} from './engine/index.js';
export type { InputProblem } from './errors.js';
export { describeValue, EdgesimError, InputError, RunFailedError, UsageError } from './errors.js';
export type {
  AvailabilitySpec,
  FailureSpec,
  OnlineIntervals,
  OnOffProcess,
} from './fleet/availability.js';
export {
  availabilityProcess,
  availabilitySpec,
  failureProcess,
  failureSpec,
  hourlyValues,
  parseAvailabilityTrace,
  readAvailabilityTrace,
  startHour,
} from './fleet/availability.js';
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
export type {
  ComputeEstimate,
  DeviceCompute,
  InferenceOptions,
  InferenceTimeResult,
  LatencyCalibration,
  OperatorClass,
  PrecisionResolution,
  PrecisionThroughput,
  StackTiming,
} from './fleet/roofline.js';
export {
  inferenceTime,
  OPERATOR_CLASSES,
  operatorClass,
  resolvePrecision,
} from './fleet/roofline.js';
export type { SplitPoint } from './fleet/split-points.js';
export { splitPoints } from './fleet/split-points.js';
export * from './ml/cost/index.js';
export type { ClassMetrics } from './ml/metrics.js';
export { classMetrics } from './ml/metrics.js';
export type { Cell, CellPlan } from './network/cells.js';
export { buildCells } from './network/cells.js';
export type { Technology } from './network/technologies.js';
export { TECHNOLOGIES } from './network/technologies.js';
export type { CapacitySteps, MahimahiTrace } from './network/traces.js';
export {
  capacityAt,
  capacitySteps,
  MAHIMAHI_PACKET_BYTES,
  nextStepS,
  parseMahimahi,
} from './network/traces.js';
export type { BenchOptions } from './perf/command.js';
export { benchCommand } from './perf/command.js';
export type { Benchmark, BenchReport, Verdict as BenchVerdict } from './perf/report.js';
export { benchReportJsonSchema, benchReportSchema, compareTimings } from './perf/report.js';
export { ratioInterval } from './perf/timing-stats.js';
export { type MetricUnit, metricUnit, parseBound } from './plan/metrics.js';
export type { PlanAnswer } from './plan/outputs.js';
export type { CheckedPlan, PlanOptions, PlanOutcome } from './plan/run-plan.js';
export { checkPlanFile, runPlanFile } from './plan/run-plan.js';
export type {
  ConstraintState,
  Evaluated,
  RunBatch,
  RunOutcome as PlanRunOutcome,
  RunRequest as PlanRunRequest,
  SearchResult,
} from './plan/search.js';
export { searchPlan } from './plan/search.js';
export type { PlanConstraint, PlanSpec, PlanVariable } from './plan/spec.js';
export { parsePlan } from './plan/spec.js';
export * from './report/index.js';
export {
  meanAndError,
  normalCdf,
  normalQuantile,
  studentTCdf,
  tQuantile as studentTQuantile,
} from './report/stats.js';
export { renderWorkloadReport } from './report/workload-report.js';
export { formatNumber, tableToCsv } from './results/csv.js';
export type { Table, TableValue } from './results/table.js';
export { percentile, singleRowTable } from './results/table.js';
export { writeResults } from './results/write.js';
export type { RunFileOptions, RunOptions, RunOutcome } from './run.js';
export {
  prepareRun,
  prepareScenario,
  runInferenceScenario,
  runPrepared,
  runScenarioFile,
  safeDirName,
} from './run.js';
export type { DistributionSpec } from './scenario/distribution-spec.js';
export { distributionSpec, toDistribution } from './scenario/distribution-spec.js';
export { scenarioHeader } from './scenario/header.js';
export {
  canonicalJson,
  hashScenario,
  readDataFile,
  readMergedScenario,
  readScenarioData,
} from './scenario/load.js';
export { formatSegments, parsePath } from './scenario/path.js';
export { formatPath } from './scenario/problems.js';
export type { QuantityBounds, QuantityKind, QuantityResult } from './scenario/units.js';
export { BASE_UNIT, parseQuantity, quantity } from './scenario/units.js';
export { combineRows, RUN_COLUMNS } from './sweep/combine.js';
export type { Shard, SweepPlan, SweepRun } from './sweep/grammar.js';
export {
  checkRuns,
  expandSweep,
  MAX_SWEEP_RUNS,
  parseShard,
  replicationSeed,
  shardRuns,
  validateRuns,
} from './sweep/grammar.js';
export { mergeShards } from './sweep/merge.js';
export { getPath, setPath } from './sweep/paths.js';
export { renderSweepReport } from './sweep/render.js';
export type { SweepManifest, SweepOptions, SweepOutcome } from './sweep/run-sweep.js';
export { runSweepFile } from './sweep/run-sweep.js';
export { VERSION } from './version.js';
export type { RunResult, RunTables } from './vocabulary/run-result.js';
export type {
  ChartCell,
  ChartRequest,
  ParetoChartRequest,
  SpecChartRequest,
  WorkloadReport,
} from './vocabulary/workload-report.js';
export type { ArrivalProcess, ArrivalSpec } from './workloads/arrivals.js';
export {
  arrivalProcess,
  arrivalSpec,
  parseArrivalTrace,
  readArrivalTrace,
} from './workloads/arrivals.js';
export type { EncodedModel } from './workloads/compress/encode-model.js';
export { loadEncodedModel } from './workloads/compress/encode-model.js';
export type {
  CompressScenario,
  CompressScenarioInput,
  ResolvedCompression,
} from './workloads/compress/index.js';
export { compressWorkload } from './workloads/compress/index.js';
// Federated learning: strategies, kernels, asynchronous modes, privacy, secure aggregation, codecs.
export * from './workloads/federated/index.js';
export type {
  Balancer,
  BalancerContext,
  BalancerSpec,
  PickServer,
} from './workloads/inference/balancers/balancer.js';
export { LoadBoard } from './workloads/inference/balancers/load-board.js';
export { BALANCER_NAMES, BALANCERS, balancer } from './workloads/inference/balancers/registry.js';
export type { BatchingOptions, Job } from './workloads/inference/batching-server.js';
export { BatchingServer } from './workloads/inference/batching-server.js';
export type {
  DeviceGroup,
  InferenceScenario,
  InferenceScenarioInput,
  ResolvedInference,
  ResolvedServer,
  ServerSpec,
} from './workloads/inference/index.js';
export {
  inferenceWorkload,
  resolveInference,
  runInferenceTables,
} from './workloads/inference/index.js';
export type { LatencyBreakdown } from './workloads/inference/latency-breakdown.js';
export { latencyBreakdown } from './workloads/inference/latency-breakdown.js';
export {
  SplitRouter,
  type SplitView,
  splitPolicy,
} from './workloads/inference/placement/split.js';
export type { PlacementView } from './workloads/inference/placement.js';
export {
  choosePlacement,
  expectedDeviceEnergyJ,
  expectedLatencyS,
  ON_DEVICE,
  placementPolicy,
} from './workloads/inference/placement.js';
export {
  LATENCY_BUCKETS_S,
  MODEL_ERROR,
  OUTCOMES,
  ROLLOUT_OUTCOMES,
} from './workloads/inference/request-log.js';
export type {
  InferenceVersion,
  ResolvedInferenceRollout,
} from './workloads/inference/rollout-resolve.js';
export type { InferenceRolloutSpec } from './workloads/inference/rollout-spec.js';
export { runInference } from './workloads/inference/run.js';
export { SplitLog, type SplitTimes } from './workloads/inference/split/log.js';
export type {
  ResolvedSplit,
  SplitExit,
  SplitGroupPlan,
  SplitServerPlan,
} from './workloads/inference/split/plan.js';
export { resolveSplit, serverClass } from './workloads/inference/split/plan.js';
export type { SplitSpec } from './workloads/inference/split/spec.js';
export type { InferenceTables } from './workloads/inference/tables.js';
export type { PreparedRun, ResolvedOf, WorkloadKind } from './workloads/registry.js';
export {
  DEFAULT_KIND,
  scenarioKind,
  WORKLOAD_KINDS,
  WORKLOADS,
  workloadOf,
} from './workloads/registry.js';
// Staged model rollouts: waves, health gate, measured delta updates.
export * from './workloads/rollout/index.js';
export type {
  LoadedScenario,
  Scenario,
  ScenarioInput,
  ValidatedScenario,
} from './workloads/scenario.js';
export {
  asInferenceScenario,
  isCompressScenario,
  isFederatedScenario,
  isInferenceScenario,
  loadScenario,
  SCENARIO_KINDS,
  scenarioJsonSchema,
  scenarioSchema,
  validateScenario,
} from './workloads/scenario.js';
export type { Workload, WorkloadSchema } from './workloads/workload.js';

// Deprecated names, kept so code written against them still compiles.
import { runInferenceScenario } from './run.js';
import {
  type InferenceScenario,
  type InferenceScenarioInput,
  type ResolvedInference,
  resolveInference,
} from './workloads/inference/index.js';
import { asInferenceScenario } from './workloads/scenario.js';

/** @deprecated The "fleet" kind is named `inference` now: use {@link InferenceScenario}. */
export type FleetScenario = InferenceScenario;
/** @deprecated Use {@link InferenceScenarioInput}. */
export type FleetScenarioInput = InferenceScenarioInput;
/** @deprecated Use {@link ResolvedInference}. */
export type ResolvedScenario = ResolvedInference;
/** @deprecated Use {@link resolveInference}. */
export const resolveScenario = resolveInference;
/** @deprecated Use {@link runInferenceScenario}. */
export const runScenario = runInferenceScenario;
/** @deprecated Use {@link asInferenceScenario}. */
export const asFleetScenario = asInferenceScenario;
export { type LlmFit, type LlmTiming, llmFit, llmTiming } from './fleet/llm-timing.js';
export type { CsvTaskOptions, CsvTaskStream } from './ml/continual/csv-tasks.js';
export { csvTasks } from './ml/continual/csv-tasks.js';
// Continual learning (#21): EWC, LwF, replay and the metrics of an accuracy matrix.
export type { EwcMemory } from './ml/continual/ewc.js';
export { consolidate, EwcPenalty, ewcLoss, mergeMemories } from './ml/continual/ewc.js';
export type { FisherMethod, FisherOptions } from './ml/continual/fisher.js';
export { diagonalFisher } from './ml/continual/fisher.js';
export type {
  ClassIdentity,
  ContinualSetting,
  TaskHead,
  TaskHeads,
} from './ml/continual/heads.js';
export { CONTINUAL_SETTINGS, headsOf, mapLabels } from './ml/continual/heads.js';
export type { LwfOptions } from './ml/continual/lwf.js';
export { distillationTerm, lwfLoss } from './ml/continual/lwf.js';
// The learn workload (#21): head masks, merged EWC memories, the learner and its cost model.
export { headLoss, headMask, MASKED } from './ml/continual/mask.js';
export type { ReplayMemoryOptions } from './ml/continual/reservoir.js';
export { ReservoirBuffer, replayMemoryBytes } from './ml/continual/reservoir.js';
export { scoreTask } from './ml/continual/score.js';
export type { ContinualTask, TaskSplitOptions, TaskStream } from './ml/continual/tasks.js';
export { SPLIT_MNIST_GROUPS, splitMnist, splitTasks } from './ml/continual/tasks.js';
export type { PermutedOptions, RotatedOptions } from './ml/continual/transforms.js';
export {
  permutedMnist,
  rotatedMnist,
  rotateImage,
  taskPermutation,
} from './ml/continual/transforms.js';
// Language models at the edge (#22): cards, token timing on profiles, continuous batching.
export * from './ml/cost/llm/index.js';
export { cloneModel } from './ml/models/clone.js';
export * from './workloads/learn/index.js';
export * from './workloads/llm/index.js';
