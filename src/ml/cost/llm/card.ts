/**
 * Cost cards of decoder-only language models (edgesim issue #22): parameters,
 * weight bytes, KV-cache bytes and FLOPs per token, from the architecture
 * figures of a Hugging Face `config.json`. Pure arithmetic, no TF.js.
 *
 * Shapes (one decoder layer, Llama / Qwen2 / Phi-3 layout, pre-norm):
 * - attention: q `hidden x heads*headDim`, k and v `hidden x kvHeads*headDim`
 *   each (grouped-query attention, Ainslie et al. 2023, "GQA", arXiv:2305.13245),
 *   o `heads*headDim x hidden`; with `attentionBias` (Qwen2) q, k and v carry
 *   biases, `(heads + 2 kvHeads) headDim` parameters; o has none.
 * - feed-forward: `gated` (SwiGLU, Shazeer 2020, arXiv:2002.05202) has gate,
 *   up and down, `3 hidden ffn`; `mlp` has up and down, `2 hidden ffn`
 *   (biases not counted).
 * - two RMSNorm weight vectors per layer and one final, `hidden` each.
 * - the embedding `vocab x hidden`, and an LM head of the same shape unless
 *   `tiedEmbeddings` (then the one matrix is counted once).
 *
 * FLOPs (forward, batch 1), after Kaplan et al. 2020, "Scaling Laws for Neural
 * Language Models", arXiv:2001.08361, Table 1: a matmul costs 2 FLOPs per
 * weight per token (`2N`), and the embedding lookup costs nothing, while the
 * LM head ("de-embed", `2 hidden vocab`) is a matmul. For attention over a
 * context of `c` keys, QK^T and AV cost `2 heads headDim c` each per layer,
 * `4 layers heads headDim c` in all, as Hoffmann et al. 2022 ("Chinchilla",
 * arXiv:2203.15556, Appendix F) count logits and reduction; Kaplan's
 * `2 n_layer n_ctx d_attn` counts the logits only. Norms, RoPE, softmax,
 * activations and bias adds are left out (under 1% at these sizes).
 * - decoding a token with `context` tokens already cached: it attends to
 *   `context + 1` keys (the cache and itself) and runs the LM head once:
 *   `2 matmulParams + 4 layers heads headDim (context + 1)`.
 * - prefill of `P` tokens: token `i` (0-based) attends to `i + 1` keys, so the
 *   attention term sums to `P (P + 1) / 2` keys; the LM head runs once, for
 *   the last prompt token (llama.cpp and vLLM compute only the logits they
 *   sample from): `2 (matmulParams - headParams) P + 2 headParams + attention`.
 *
 * Bytes: matrices (embedding and head included) at the precision's bits per
 * weight; 1-D tensors (norm weights, biases) stay F32, 4 bytes each, as GGUF
 * files keep them. KV cache: K and V, `layers x kvHeads x headDim` elements
 * each per token (Pope et al. 2022, "Efficiently Scaling Transformer
 * Inference", arXiv:2211.05102, section 2).
 */
import {
  LLM_BITS_PER_WEIGHT,
  type LlmArchitecture,
  type LlmCard,
} from '../../../vocabulary/llm-card.js';

export {
  LLM_BITS_PER_WEIGHT,
  LLM_PRECISIONS,
  type LlmArchitecture,
  type LlmCard,
  type LlmPrecision,
} from '../../../vocabulary/llm-card.js';

/** Bytes of a 1-D tensor element (norm weight, bias): GGUF keeps them F32. */
export const VECTOR_BYTES = 4;

/** Parameter counts of one architecture, by role. */
export interface LlmParamBreakdown {
  /** The weight matrices of all decoder layers (attention and feed-forward). */
  layerMatrices: number;
  /** Norm weights and biases (1-D tensors), all layers and the final norm. */
  vectors: number;
  /** The embedding, `vocab x hidden`. */
  embedding: number;
  /** The LM head, `vocab x hidden`; 0 when tied (it is the embedding). */
  untiedHead: number;
}

/** Parameters of `arch` by role; `params` is their sum. */
export function llmParamBreakdown(arch: LlmArchitecture): LlmParamBreakdown {
  const { layers, hidden, heads, kvHeads, headDim, ffn, vocab } = arch;
  const attention = hidden * heads * headDim * 2 + hidden * kvHeads * headDim * 2;
  const feedForward = (arch.ffnKind === 'gated' ? 3 : 2) * hidden * ffn;
  const bias = arch.attentionBias ? (heads + 2 * kvHeads) * headDim : 0;
  const embedding = vocab * hidden;
  return {
    layerMatrices: layers * (attention + feedForward),
    vectors: layers * (2 * hidden + bias) + hidden,
    embedding,
    untiedHead: arch.tiedEmbeddings ? 0 : embedding,
  };
}

/**
 * The cost card of `arch`. Throws a RangeError naming the field and value if
 * a size is not a positive integer or `heads` is not a multiple of `kvHeads`.
 */
export function llmCard(arch: LlmArchitecture): LlmCard {
  checkArchitecture(arch);
  const parts = llmParamBreakdown(arch);
  const head = arch.vocab * arch.hidden;
  const params = parts.layerMatrices + parts.vectors + parts.embedding + parts.untiedHead;
  // Of the embedding a token reads one row; the head is read whole even when it is the same matrix.
  const decodeWeightParams = parts.layerMatrices + parts.vectors + arch.hidden + head;
  const matmulParams = parts.layerMatrices + head;
  const attentionPerKey = 4 * arch.layers * arch.heads * arch.headDim;
  const matrices = parts.layerMatrices + parts.embedding + parts.untiedHead;
  return {
    arch,
    params,
    decodeWeightParams,
    weightBytes(precision) {
      const bits = LLM_BITS_PER_WEIGHT[precision];
      if (bits === undefined) throw new RangeError(`precision(=${String(precision)}) is unknown`);
      return (matrices * bits) / 8 + parts.vectors * VECTOR_BYTES;
    },
    kvBytesPerToken(kvBytesPerElement = 2) {
      checkPositive('kvBytesPerElement', kvBytesPerElement, false);
      return 2 * arch.layers * arch.kvHeads * arch.headDim * kvBytesPerElement;
    },
    prefillFlops(promptTokens) {
      checkCount('promptTokens', promptTokens);
      if (promptTokens === 0) return 0;
      const causalKeys = (promptTokens * (promptTokens + 1)) / 2;
      return 2 * parts.layerMatrices * promptTokens + 2 * head + attentionPerKey * causalKeys;
    },
    decodeFlops(context) {
      checkCount('context', context);
      return 2 * matmulParams + attentionPerKey * (context + 1);
    },
  };
}

const SIZE_FIELDS = [
  'layers',
  'hidden',
  'heads',
  'kvHeads',
  'headDim',
  'ffn',
  'vocab',
  'contextWindow',
] as const;

function checkArchitecture(arch: LlmArchitecture): void {
  for (const field of SIZE_FIELDS) checkPositive(field, arch[field], true);
  checkPositive('publishedParams', arch.publishedParams, false);
  if (arch.heads % arch.kvHeads !== 0) {
    throw new RangeError(
      `heads(=${arch.heads}) must be a multiple of kvHeads(=${arch.kvHeads}) (grouped-query attention)`,
    );
  }
}

function checkPositive(field: string, value: number, integer: boolean): void {
  const ok = Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  if (!ok) {
    throw new RangeError(
      `${field}(=${value}) must be a positive ${integer ? 'integer' : 'number'}`,
    );
  }
}

function checkCount(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${field}(=${value}) must be an integer >= 0`);
  }
}
