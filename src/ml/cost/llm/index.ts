/**
 * Language-model cost cards (issue #22): parameters, weight and KV-cache
 * bytes, prefill and decode FLOPs of decoder-only transformers, the shipped
 * zoo and user cards read from JSON.
 */
export type {
  LlmArchitecture,
  LlmCard,
  LlmParamBreakdown,
  LlmPrecision,
} from './card.js';
export {
  LLM_BITS_PER_WEIGHT,
  LLM_PRECISIONS,
  llmCard,
  llmParamBreakdown,
  VECTOR_BYTES,
} from './card.js';
export { llmArchitectureSchema, loadLlmCard, parseLlmArchitecture } from './load.js';
export {
  LLAMA_3_1_8B,
  LLAMA_3_1_70B,
  LLAMA_3_2_1B,
  LLAMA_3_2_3B,
  LLM_ZOO,
  llmCardByName,
  PHI_3_MINI_4K,
  QWEN_2_5_0_5B,
  QWEN_2_5_7B,
} from './zoo.js';
