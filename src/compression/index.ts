export type { CalibrationOptions } from './calibrate.js';
export { activationRange, quantile } from './calibrate.js';
export type { ClusterInit, Clustering, ClusterOptions } from './cluster.js';
export {
  clusteredValues,
  clusterWeights,
  kmeansPlusPlusCentroids,
  linearCentroids,
} from './cluster.js';
export type { DecodedTensor } from './decode.js';
export { decode } from './decode.js';
export type { EncodableTensor, FloatTensor } from './encode.js';
export {
  encode,
  encodeClustered,
  encodedSizeOf,
  isQuantized,
  pickSparseEncoding,
  storedMask,
  valueFormatOf,
} from './encode.js';
export type { Layout, ValueFormat } from './encode-format.js';
export {
  clusteredSizeBytes,
  encodedSizeBytes,
  headerSizeBytes,
  parametersSizeBytes,
  structureSizeBytes,
  valuesSizeBytes,
} from './encode-format.js';
export {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  fromFloat16Bits,
  roundToFloat16,
  toFloat16Bits,
} from './fp16.js';
export type { PruneResult } from './prune.js';
export {
  applyMask,
  globalMagnitudeMasks,
  magnitudeMask,
  pruneByMagnitude,
  prunedCount,
  sparsityOf,
} from './prune.js';
export type {
  FakeQuantizeOptions,
  QuantBits,
  QuantGranularity,
  QuantizedTensor,
  QuantizeOptions,
  QuantParams,
  QuantScheme,
  ValueRange,
} from './quantize.js';
export {
  dequantize,
  fakeQuantize,
  integerRange,
  quantize,
  quantizeWithRange,
  quantParams,
  SUPPORTED_BITS,
} from './quantize.js';
export type {
  ConstantSparsityOptions,
  PolynomialDecayOptions,
  PruningSchedule,
  PruningStep,
} from './schedule.js';
export {
  ConstantSparsity,
  lastPruningStep,
  PolynomialDecay,
  sparsityInForce,
} from './schedule.js';
export type { KernelLayout } from './shape.js';
export { outputChannels } from './shape.js';
export type { UnitNorm } from './structured.js';
export { selectUnits, unitNorms } from './structured.js';
