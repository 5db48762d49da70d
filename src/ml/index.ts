/**
 * The machine-learning API: the TensorFlow.js runtime, datasets, the model
 * zoo, training and evaluation. It loads TensorFlow.js, so it is separate
 * from `src/index.ts` (which fleet runs and the CLI load): import it from
 * here when you need it.
 */

export type { CostFromModelOptions } from './cost/from-model.js';
export { costCardFromModel, measuredSparsity } from './cost/from-model.js';
export type {
  Batch,
  CsvDataset,
  CsvDatasetOptions,
  Dataset,
  Split,
  SplitOptions,
  SyntheticData,
  SyntheticOptions,
} from './data/index.js';
export {
  batches,
  featureCount,
  indicesByClass,
  loadCsvDataset,
  loadMnist,
  SYNTHETIC_CLASSES,
  SYNTHETIC_FEATURES,
  shuffleDataset,
  shuffledOrder,
  splitDataset,
  subset,
  syntheticFedProx,
} from './data/index.js';
export type { EvaluateOptions, Evaluation, LabelScores, SampleRange } from './evaluate.js';
export {
  evaluateFromProbabilities,
  evaluateModel,
  lossAndAccuracy,
  lossAndAccuracyFromScores,
  predictProbabilities,
  scoreLabels,
} from './evaluate.js';
export type { ClassificationMetrics } from './metrics.js';
export { argmax, binaryRocAuc, classificationMetrics } from './metrics.js';
export type { ModelHandle, ModelLike, ModelOutputs } from './models/handle.js';
export { checkModelFits, handleOf, logitsOf, probabilitiesOf, toHandle } from './models/handle.js';
export { loadModelFromDisk } from './models/load.js';
export type { SavedModel } from './models/save.js';
export { saveModelToDisk } from './models/save.js';
export type { WeightEntry, WeightLayout, WeightRole } from './models/weights.js';
export { getFlatWeights, setFlatWeights, weightLayout } from './models/weights.js';
export type { BuildModelOptions, ZooModelName } from './models/zoo.js';
export { buildModel, ZOO_MODEL_NAMES } from './models/zoo.js';
export type { BackendName, BackendPreference } from './runtime.js';
export { activeBackend, BACKEND_PREFERENCES, initBackend, tf } from './runtime.js';
export type {
  EarlyStoppingOptions,
  EpochRecord,
  LossFunction,
  OptimizerName,
  ProximalOptions,
  StepInfo,
  TrainOptions,
  TrainResult,
} from './train.js';
export { OPTIMIZER_NAMES, softmaxCrossEntropy, trainModel } from './train.js';
export { registerWasmFastPaths, WASM_FAST_PATH_KERNELS } from './wasm-fast-paths.js';
export { registerWasmGradients, WASM_GRADIENT_KERNELS } from './wasm-gradients.js';
