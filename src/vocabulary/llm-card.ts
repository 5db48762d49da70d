/**
 * What a language-model card is (its architecture figures, its precisions
 * and what it costs per token): shared vocabulary of ml/cost/llm/, which
 * builds cards, and fleet/, which times them on hardware.
 */

/** Weight formats of the cards: half precision and three llama.cpp GGUF quantizations. */
export type LlmPrecision = 'fp16' | 'q8_0' | 'q4_0' | 'q4_k_m';

/** All precisions, widest first. */
export const LLM_PRECISIONS: readonly LlmPrecision[] = ['fp16', 'q8_0', 'q4_0', 'q4_k_m'];

/**
 * Bits per weight including block scales. q8_0: 32 int8 weights and one fp16
 * scale, 34 bytes per 32 weights (`block_q8_0` in ggml's ggml-common.h);
 * q4_0: 32 4-bit weights and one fp16 scale, 18 bytes per 32 (`block_q4_0`).
 * q4_k_m is a per-tensor mix (Q4_K, 144 bytes per 256 = 4.5 bits, for most
 * tensors; Q6_K, 210 bytes per 256 = 6.5625 bits, for the output and for
 * some attn_v and ffn_down tensors), so it is the average llama.cpp measured
 * over the whole of Llama-3.1-8B, 4.8944 bits per weight
 * (ggml-org/llama.cpp tools/quantize/README.md, "Quantization" table).
 */
export const LLM_BITS_PER_WEIGHT: Readonly<Record<LlmPrecision, number>> = {
  fp16: 16,
  q8_0: 8.5,
  q4_0: 4.5,
  q4_k_m: 4.8944,
};

/** Architecture figures of a decoder-only transformer, as in its Hugging Face config.json. */
export interface LlmArchitecture {
  /** Short id, e.g. `llama-3.2-3b`. */
  name: string;
  /** Human-readable name, e.g. `Llama 3.2 3B`. */
  label: string;
  /** `num_hidden_layers`. */
  layers: number;
  /** `hidden_size` (model width). */
  hidden: number;
  /** `num_attention_heads` (query heads). */
  heads: number;
  /** `num_key_value_heads`; equals `heads` without grouped-query attention. */
  kvHeads: number;
  /** `head_dim`, usually `hidden / heads`. */
  headDim: number;
  /** `intermediate_size` (feed-forward width). */
  ffn: number;
  /** `gated`: SwiGLU, gate, up and down (3 matrices); `mlp`: up and down (2). */
  ffnKind: 'gated' | 'mlp';
  /** `vocab_size` (rows of the embedding, padded as stored). */
  vocab: number;
  /** `tie_word_embeddings`: the LM head is the embedding matrix. */
  tiedEmbeddings: boolean;
  /** `max_position_embeddings`, in tokens. */
  contextWindow: number;
  /** q, k and v projections have biases (Qwen2 does). */
  attentionBias: boolean;
  /** The model's published parameter count. */
  publishedParams: number;
  /** Where each figure comes from (`E: recalled` marks an unsourced estimate). */
  sources: Record<string, string>;
}

/** What a language model costs; every figure follows from its architecture (see the file header). */
export interface LlmCard {
  readonly arch: LlmArchitecture;
  /** Total parameters (embeddings counted once when tied). */
  readonly params: number;
  /** Parameters read per decoded token: every weight matrix, but of the embedding only one row (a lookup) — the LM head is read whole. */
  readonly decodeWeightParams: number;
  /** Bytes of the weights at a precision: matrices at its bits per weight, norms and biases F32. */
  weightBytes(precision: LlmPrecision): number;
  /** KV-cache bytes per token: 2 x layers x kvHeads x headDim x bytes per element (default 2, fp16). */
  kvBytesPerToken(kvBytesPerElement?: number): number;
  /** FLOPs of the prefill of `promptTokens` tokens (matmuls, LM head once, causal attention), whole prompt. */
  prefillFlops(promptTokens: number): number;
  /** FLOPs of decoding one token when the context (tokens already in the cache) is `context`. */
  decodeFlops(context: number): number;
}
