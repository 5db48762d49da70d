/**
 * Shipped language-model architectures. Shapes are those of each model's
 * Hugging Face config.json, read from Lightning-AI/litgpt `litgpt/config.py`
 * at commit 26857050fe3ff627cd714fe92f5838f51a3d5efa (each entry there cites
 * the config.json URL it copies; `n_embd` = hidden_size, `n_layer` =
 * num_hidden_layers, `n_head` = num_attention_heads, `n_query_groups` =
 * num_key_value_heads, `intermediate_size`, `padded_vocab_size` = vocab_size,
 * `block_size` = max_position_embeddings; fields left out take the class
 * defaults of lines 30-68: n_embd 4096, n_head 32, n_query_groups = n_head,
 * head_size = n_embd / n_head). Figures marked `E: recalled` were not found
 * in a stored source; each of those is checked by the 1% parameter test.
 */
import { type LlmArchitecture, type LlmCard, llmCard } from './card.js';

const LITGPT = 'Lightning-AI/litgpt litgpt/config.py@26857050';
const llamaCard32 =
  'meta-llama/llama-models models/llama3_2/MODEL_CARD.md line 11-12: "1B (1.23B)", "3B (3.21B)", Shared Embeddings: Yes';

function llama(
  fields: Pick<
    LlmArchitecture,
    'name' | 'label' | 'layers' | 'hidden' | 'heads' | 'ffn' | 'tiedEmbeddings' | 'publishedParams'
  >,
  sources: Record<string, string>,
): LlmArchitecture {
  return {
    ...fields,
    kvHeads: 8,
    headDim: fields.hidden / fields.heads,
    ffnKind: 'gated',
    vocab: 128_256,
    contextWindow: 131_072,
    attentionBias: false,
    sources,
  };
}

/** Llama 3.2 1B: 16 layers, width 2048, GQA 32/8, tied embeddings. */
export const LLAMA_3_2_1B = llama(
  {
    name: 'llama-3.2-1b',
    label: 'Llama 3.2 1B',
    layers: 16,
    hidden: 2048,
    heads: 32,
    ffn: 8192,
    tiedEmbeddings: true,
    publishedParams: 1.23e9,
  },
  {
    shape: `${LITGPT} line 854 (huggingface.co/meta-llama/Llama-3.2-1B config.json)`,
    headDim:
      'kevinstephano/thunder_model_blocks thunder_model_blocks/hf_llama/llama_config.py: head_dim 64 (HF config copy)',
    tiedEmbeddings:
      'kevinstephano/thunder_model_blocks thunder_model_blocks/hf_llama/llama_config.py: tie_word_embeddings True',
    publishedParams: llamaCard32,
  },
);

/** Llama 3.2 3B: 28 layers, width 3072, GQA 24/8, tied embeddings. */
export const LLAMA_3_2_3B = llama(
  {
    name: 'llama-3.2-3b',
    label: 'Llama 3.2 3B',
    layers: 28,
    hidden: 3072,
    heads: 24,
    ffn: 8192,
    tiedEmbeddings: true,
    publishedParams: 3.21e9,
  },
  {
    shape: `${LITGPT} line 874 (huggingface.co/meta-llama/Llama-3.2-3B config.json)`,
    tiedEmbeddings: llamaCard32,
    publishedParams: llamaCard32,
  },
);

/** Llama 3.1 8B: 32 layers, width 4096, GQA 32/8. */
export const LLAMA_3_1_8B = llama(
  {
    name: 'llama-3.1-8b',
    label: 'Llama 3.1 8B',
    layers: 32,
    hidden: 4096,
    heads: 32,
    ffn: 14_336,
    tiedEmbeddings: false,
    publishedParams: 8.03e9,
  },
  {
    shape: `${LITGPT} line 776 (huggingface.co/meta-llama/Meta-Llama-3.1-8B config.json); hidden and heads are the class defaults`,
    hidden: 'meta-llama/llama-models models/sku_list.py: dim 4096, n_heads 32, n_kv_heads 8',
    tiedEmbeddings: 'E: recalled (config.json tie_word_embeddings false); tied would give 7.50e9',
    publishedParams: 'E: recalled (Hugging Face model page, 8.03B params)',
  },
);

/** Llama 3.1 70B: 80 layers, width 8192, GQA 64/8. */
export const LLAMA_3_1_70B = llama(
  {
    name: 'llama-3.1-70b',
    label: 'Llama 3.1 70B',
    layers: 80,
    hidden: 8192,
    heads: 64,
    ffn: 28_672,
    tiedEmbeddings: false,
    publishedParams: 70.6e9,
  },
  {
    shape: `${LITGPT} line 814 (huggingface.co/meta-llama/Meta-Llama-3.1-70B config.json)`,
    tiedEmbeddings: 'E: recalled (config.json tie_word_embeddings false)',
    publishedParams:
      'E: recalled (Hugging Face model page, 70.6B params; models/llama3_1/MODEL_CARD.md says 70B)',
  },
);

/** Qwen2.5 0.5B: 24 layers, width 896, GQA 14/2, q/k/v biases, tied embeddings. */
export const QWEN_2_5_0_5B: LlmArchitecture = {
  name: 'qwen2.5-0.5b',
  label: 'Qwen2.5 0.5B',
  layers: 24,
  hidden: 896,
  heads: 14,
  kvHeads: 2,
  headDim: 64,
  ffn: 4864,
  ffnKind: 'gated',
  vocab: 151_936,
  tiedEmbeddings: true,
  contextWindow: 32_768,
  attentionBias: true,
  publishedParams: 0.49e9,
  sources: {
    shape: `${LITGPT} line 2264 (huggingface.co/Qwen/Qwen2.5-0.5B config.json), attn_bias=True`,
    tiedEmbeddings:
      'Abandon-ht/LLM-tutorial docs/source/model_pages/qwen2.5-0.5b-instruct.rst (Qwen card: "tied word embeddings")',
    publishedParams:
      'Abandon-ht/LLM-tutorial docs/source/model_pages/qwen2.5-0.5b-instruct.rst (Qwen card: "0.49B (0.36B non-embedding)")',
  },
};

/** Qwen2.5 7B: 28 layers, width 3584, GQA 28/4, q/k/v biases. */
export const QWEN_2_5_7B: LlmArchitecture = {
  name: 'qwen2.5-7b',
  label: 'Qwen2.5 7B',
  layers: 28,
  hidden: 3584,
  heads: 28,
  kvHeads: 4,
  headDim: 128,
  ffn: 18_944,
  ffnKind: 'gated',
  vocab: 152_064,
  tiedEmbeddings: false,
  contextWindow: 131_072,
  attentionBias: true,
  publishedParams: 7.61e9,
  sources: {
    shape: `${LITGPT} line 2327 (huggingface.co/Qwen/Qwen2.5-7B config.json), attn_bias=True`,
    tiedEmbeddings: 'E: recalled (config.json tie_word_embeddings false); tied would give 7.07e9',
    publishedParams:
      'Qwen2.5-7B model card as quoted in stored READMEs: "Number of Parameters: 7.61B"',
  },
};

/** Phi-3-mini (4k context): 32 layers, width 3072, 32 heads without GQA. */
export const PHI_3_MINI_4K: LlmArchitecture = {
  name: 'phi-3-mini-4k',
  label: 'Phi-3-mini 4k',
  layers: 32,
  hidden: 3072,
  heads: 32,
  kvHeads: 32,
  headDim: 96,
  ffn: 8192,
  ffnKind: 'gated',
  vocab: 32_064,
  tiedEmbeddings: false,
  contextWindow: 4096,
  attentionBias: false,
  publishedParams: 3.8e9,
  sources: {
    shape: `${LITGPT} line 1817 (huggingface.co/microsoft/Phi-3-mini-4k-instruct config.json); heads = class default 32, kvHeads = heads`,
    tiedEmbeddings: 'E: recalled (config.json tie_word_embeddings false); tied would give 3.72e9',
    publishedParams:
      'Abdin et al. 2024, "Phi-3 Technical Report", arXiv:2404.14219: "phi-3-mini, a 3.8 billion parameter language model"',
  },
};

/** The shipped architectures by name. */
export const LLM_ZOO: Readonly<Record<string, LlmArchitecture>> = Object.freeze(
  Object.fromEntries(
    [
      LLAMA_3_2_1B,
      LLAMA_3_2_3B,
      LLAMA_3_1_8B,
      LLAMA_3_1_70B,
      QWEN_2_5_0_5B,
      QWEN_2_5_7B,
      PHI_3_MINI_4K,
    ].map((a) => [a.name, a]),
  ),
);

/** The card of a shipped architecture, or undefined if `name` is not in {@link LLM_ZOO}. */
export function llmCardByName(name: string): LlmCard | undefined {
  const arch = Object.hasOwn(LLM_ZOO, name) ? LLM_ZOO[name] : undefined;
  return arch === undefined ? undefined : llmCard(arch);
}
