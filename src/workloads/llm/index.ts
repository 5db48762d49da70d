/** Language models at the edge: the llm workload, its continuous batcher and its token lengths. */
export {
  type BatcherListener,
  type BatcherOptions,
  ContinuousBatcher,
  type LlmRequest,
} from './batcher.js';
export { type LengthSampler, lengthSampler, maxLength, meanLength } from './lengths.js';
export { type ResolvedLlm, resolveLlm } from './resolve.js';
export { runLlm, simulateLlm } from './run.js';
export type { LlmScenario, LlmScenarioInput } from './schema.js';
export { llmWorkload } from './workload.js';
