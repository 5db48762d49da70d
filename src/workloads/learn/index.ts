/** On-device continual learning: the learn workload, its metrics and its memory model. */
export { type LearnedTask, type Learning, learnBase, learnStream } from './learner.js';
export {
  EWC_FLOPS_PER_PARAMETER,
  type MemoryParts,
  type ModelShape,
  memoryParts,
  memoryTotal,
  peakMemory,
  trainingFlops,
} from './memory.js';
export { type AccuracyMatrix, type ContinualMetrics, continualMetrics } from './metrics.js';
export { runLearn } from './run.js';
export type { LearnScenario, LearnScenarioInput } from './scenario.js';
export { learnWorkload } from './workload.js';
