/**
 * Federated learning: aggregation kernels, server strategies with their
 * client hooks and wrappers, client selectors and data partitioners. Pure
 * TypeScript over flat Float32Array models.
 */

export type { AppliedUpdate, ArrivingUpdate, AsyncServer } from './async/server.js';
export { FedAsyncServer, FedBuffServer } from './async/server.js';
export type { StalenessSpec } from './async/staleness.js';
export { stalenessWeight } from './async/staleness.js';
// Privacy, secure aggregation and update codecs (issue #19).
export type {
  CodecContext,
  CodecName,
  CodecOptions,
  SecureAggregationSupport,
  UpdateCodec,
} from './codecs/index.js';
export {
  createCodec,
  ErrorFeedback,
  randomMask,
  secureAggregationSupport,
  topKIndices,
} from './codecs/index.js';
export { bufferedAverage, mixInPlace, scaledModel } from './kernels/async-mix.js';
export {
  adagradSecondMoment,
  adamSecondMoment,
  adamStepSize,
  adaptiveStep,
  firstMoment,
  yogiSecondMoment,
} from './kernels/fedopt.js';
export { addGaussianNoise } from './kernels/gaussian-noise.js';
export { clipToNorm, updateNorm } from './kernels/norm-clip.js';
export { bulyan, bulyanSelect, closestToMedianMean } from './kernels/robust/bulyan.js';
export { coordinateMedian } from './kernels/robust/coordinate-median.js';
export { krumScores, multiKrum } from './kernels/robust/krum.js';
export type { DistancePath } from './kernels/robust/pairwise-distances.js';
export { pairwiseSquaredDistances } from './kernels/robust/pairwise-distances.js';
export { trimmedMean } from './kernels/robust/trimmed-mean.js';
export {
  scaffoldClientControl,
  scaffoldServerControl,
  scaffoldServerModel,
} from './kernels/scaffold.js';
export { momentumVelocity, pseudoGradient, sgdStep } from './kernels/server-momentum.js';
export { axpy, subtract } from './kernels/vector.js';
export { weightedAverage } from './kernels/weighted-average.js';
export { dirichletPartition } from './partitioners/dirichlet.js';
export { dirichletVariate, gammaVariate, logGammaVariate } from './partitioners/gamma.js';
export { iidPartition } from './partitioners/iid.js';
export type { Partitioner } from './partitioners/partitioner.js';
export { quantitySkewPartition } from './partitioners/quantity-skew.js';
export type { PartitionKind, PartitionSpec } from './partitioners/registry.js';
export { PARTITIONERS, partition } from './partitioners/registry.js';
export { shardPartition } from './partitioners/shards.js';
export {
  type ClientSampling,
  epsilonAfter,
  noiseForEpsilon,
  RdpAccountant,
} from './privacy/accountant.js';
export {
  type DifferentiallyPrivate,
  type DpRound,
  privacyWrappers,
} from './privacy/mechanism.js';
export {
  DEFAULT_RDP_ORDERS,
  epsilonFromRdp,
  rdpSubsampledGaussian,
} from './privacy/rdp.js';
export { rdpSampledWithoutReplacementGaussian } from './privacy/rdp-without-replacement.js';
export type { FederatedScenario, FederatedScenarioInput } from './scenario.js';
export {
  dequantiseMean,
  dequantiseSum,
  quantise,
  ringBitsNeeded,
  runSecAgg,
  type SecAggClient,
  type SecAggConfig,
  type SecAggPhase,
  type SecAggResult,
  SecAggRound,
} from './secagg/index.js';
export type { SelectorName } from './selectors/registry.js';
export { createSelector, SELECTOR_NAMES, SELECTORS } from './selectors/registry.js';
export type { SelectorFactory, SelectorInputs } from './selectors/selector.js';
export type {
  ClientContext,
  ClientHook,
  TrainedClient,
  TrainingOptions,
} from './strategies/client-hook.js';
export { PLAIN_TRAINING, PROXIMAL_TRAINING } from './strategies/client-hook.js';
export {
  ADAPTIVITY_TAU,
  FEDADAGRAD_DEFAULTS,
  FEDADAM_DEFAULTS,
  FEDAVGM_DEFAULTS,
  FEDYOGI_DEFAULTS,
} from './strategies/defaults.js';
export type { FedAdagradOptions } from './strategies/fedadagrad.js';
export { FedAdagrad } from './strategies/fedadagrad.js';
export type { FedAdamOptions } from './strategies/fedadam.js';
export { FedAdam } from './strategies/fedadam.js';
export { exampleWeightedAverage, FedAvg } from './strategies/fedavg.js';
export type { FedAvgMOptions } from './strategies/fedavgm.js';
export { FedAvgM } from './strategies/fedavgm.js';
export type { FedOptDefaults, FedOptOptions } from './strategies/fedopt.js';
export { FedOpt } from './strategies/fedopt.js';
export type { FedProxOptions } from './strategies/fedprox.js';
export { FedProx, PROXIMAL_FLOPS_PER_PARAMETER } from './strategies/fedprox.js';
export type { FedYogiOptions } from './strategies/fedyogi.js';
export { FedYogi } from './strategies/fedyogi.js';
export type { FedAvgOptions, ServerLearningRateOptions } from './strategies/options.js';
export type { StrategyName, StrategyOptions, StrategySpec } from './strategies/registry.js';
export {
  createStrategy,
  isStrategyName,
  STRATEGIES,
  strategyFromSpec,
  strategyLabel,
} from './strategies/registry.js';
export type { ScaffoldOptions } from './strategies/scaffold.js';
export { Scaffold, ScaffoldClient } from './strategies/scaffold.js';
export type {
  AggregateResult,
  ClientCost,
  ClientFailure,
  ClientUpdate,
  FitConfig,
  Strategy,
} from './strategies/strategy.js';
export { BYTES_PER_PARAMETER } from './strategies/strategy.js';
export type { BulyanOptions } from './strategies/wrappers/bulyan.js';
export { BulyanStrategy } from './strategies/wrappers/bulyan.js';
export type { ClipOptions } from './strategies/wrappers/clip.js';
export { ClippedStrategy } from './strategies/wrappers/clip.js';
export { CompressedStrategy } from './strategies/wrappers/compress.js';
export type { KrumOptions, MultiKrumOptions } from './strategies/wrappers/krum.js';
export { KrumStrategy, MultiKrumStrategy } from './strategies/wrappers/krum.js';
export { MedianStrategy } from './strategies/wrappers/median.js';
export type { WrapperName, WrapperOptions, WrapperSpec } from './strategies/wrappers/registry.js';
export { WRAPPERS, wrapStrategy } from './strategies/wrappers/registry.js';
export type { TrimmedMeanOptions } from './strategies/wrappers/trimmed-mean.js';
export { TrimmedMeanStrategy } from './strategies/wrappers/trimmed-mean.js';
export { WrappedStrategy } from './strategies/wrappers/wrapped.js';
export { federatedWorkload } from './workload.js';
