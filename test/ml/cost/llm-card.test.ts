import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import {
  LLAMA_3_1_8B,
  LLM_BITS_PER_WEIGHT,
  LLM_ZOO,
  type LlmArchitecture,
  llmCard,
  llmCardByName,
  loadLlmCard,
  PHI_3_MINI_4K,
  QWEN_2_5_0_5B,
} from '../../../src/ml/cost/llm/index.js';

/**
 * A decoder small enough to cost by hand: 2 layers, width 8, 2 query heads
 * of 4 sharing 1 key/value head, SwiGLU of width 16, vocabulary 10, untied.
 * Per layer: q 8x8 = 64, k 8x4 = 32, v 32, o 64 (attention 192); gate, up,
 * down 3 x 8 x 16 = 384; so 576 matrix weights, 1152 for both layers.
 * Norms: 2 x 8 per layer and 8 final = 40. Embedding 10 x 8 = 80, head 80.
 */
const tiny: LlmArchitecture = {
  name: 'tiny',
  label: 'Tiny',
  layers: 2,
  hidden: 8,
  heads: 2,
  kvHeads: 1,
  headDim: 4,
  ffn: 16,
  ffnKind: 'gated',
  vocab: 10,
  tiedEmbeddings: false,
  contextWindow: 64,
  attentionBias: false,
  publishedParams: 1352,
  sources: {},
};

describe('shipped cards', () => {
  it.each(Object.values(LLM_ZOO))('$label has its published parameter count within 1%', (arch) => {
    const card = llmCard(arch);
    expect(Math.abs(card.params / arch.publishedParams - 1)).toBeLessThan(0.01);
  });

  it('Llama 3.1 8B has the 8,030,261,248 parameters of its safetensors', () => {
    // 32 x (2x4096x4096 + 2x4096x1024 + 3x4096x14336) = 6,979,321,856 matrix weights,
    // + 2 x 128256 x 4096 = 1,050,673,152 (embedding and untied head)
    // + 32 x 2 x 4096 + 4096 = 266,240 norm weights.
    expect(llmCard(LLAMA_3_1_8B).params).toBe(8_030_261_248);
  });

  it('every shipped figure has a source', () => {
    for (const arch of Object.values(LLM_ZOO)) {
      expect(arch.sources.shape).toMatch(/litgpt/);
      expect(arch.sources.publishedParams).toBeTruthy();
      expect(arch.sources.tiedEmbeddings).toBeTruthy();
    }
  });

  it('are found by name, and an unknown name gives undefined', () => {
    expect(llmCardByName('qwen2.5-0.5b')?.params).toBe(494_032_768);
    expect(llmCardByName('gpt-5')).toBeUndefined();
    expect(llmCardByName('toString')).toBeUndefined();
  });
});

describe('KV cache per token', () => {
  it('is 2 x 32 x 8 x 128 x 2 = 131,072 bytes for Llama 3.1 8B in fp16', () => {
    expect(llmCard(LLAMA_3_1_8B).kvBytesPerToken()).toBe(131_072);
  });

  it('is 2 x 24 x 2 x 64 x 2 = 12,288 bytes for Qwen2.5 0.5B (GQA 14/2)', () => {
    expect(llmCard(QWEN_2_5_0_5B).kvBytesPerToken()).toBe(12_288);
  });

  it('is 2 x 32 x 32 x 96 x 2 = 393,216 bytes for Phi-3-mini, which has no GQA', () => {
    expect(llmCard(PHI_3_MINI_4K).kvBytesPerToken()).toBe(393_216);
  });

  it('halves with a one-byte (q8) cache', () => {
    expect(llmCard(LLAMA_3_1_8B).kvBytesPerToken(1)).toBe(65_536);
  });
});

describe('weight bytes', () => {
  it('of the tiny decoder: 1312 matrix weights at the bits of each format, 40 norms at 4 bytes', () => {
    const card = llmCard(tiny);
    expect(card.weightBytes('fp16')).toBe(1312 * 2 + 160);
    expect(card.weightBytes('q8_0')).toBe((1312 * 8.5) / 8 + 160);
    expect(card.weightBytes('q4_0')).toBe(738 + 160);
  });

  it('of Llama 3.1 8B at q4_0: 8,029,995,008 matrix weights x 4.5 / 8 + 266,240 x 4', () => {
    // 8,029,995,008 x 0.5625 = 4,516,872,192; + 1,064,960 = 4,517,937,152.
    expect(llmCard(LLAMA_3_1_8B).weightBytes('q4_0')).toBe(4_517_937_152);
  });

  it('of Llama 3.1 8B match the file sizes llama.cpp lists (Q8_0 7.95 GiB, Q4_K_M 4.58 GiB)', () => {
    const gib = 2 ** 30;
    const card = llmCard(LLAMA_3_1_8B);
    expect(card.weightBytes('q8_0') / gib).toBeCloseTo(7.95, 1);
    expect(card.weightBytes('q4_k_m') / gib).toBeCloseTo(4.58, 1);
  });

  it('use the ggml block sizes: 34 bytes per 32 for q8_0, 18 per 32 for q4_0', () => {
    expect(LLM_BITS_PER_WEIGHT.q8_0).toBe((34 * 8) / 32);
    expect(LLM_BITS_PER_WEIGHT.q4_0).toBe((18 * 8) / 32);
  });
});

describe('parameters of the tiny decoder', () => {
  it('are 1152 + 40 + 80 + 80 = 1352 untied, 1272 tied', () => {
    expect(llmCard(tiny).params).toBe(1352);
    expect(llmCard({ ...tiny, tiedEmbeddings: true }).params).toBe(1272);
  });

  it('read per decoded token are all but the embedding, plus one row: 1152 + 40 + 8 + 80 = 1280', () => {
    expect(llmCard(tiny).decodeWeightParams).toBe(1280);
    // Tied, the head is the embedding, read whole: the same 1280.
    expect(llmCard({ ...tiny, tiedEmbeddings: true }).decodeWeightParams).toBe(1280);
  });

  it('count q/k/v biases when attentionBias: (2 + 2 x 1) x 4 = 16 per layer', () => {
    expect(llmCard({ ...tiny, attentionBias: true }).params).toBe(1352 + 32);
  });

  it('count two feed-forward matrices for an mlp: 2 x 2 x 8 x 16 = 256 fewer', () => {
    expect(llmCard({ ...tiny, ffnKind: 'mlp' }).params).toBe(1352 - 256);
  });
});

describe('FLOPs of the tiny decoder', () => {
  // Attention per key: QK^T and AV, 2 x 2 heads x 4 each, over 2 layers = 64.
  it('decoding with 5 tokens cached: 2 x (1152 + 80) + 64 x 6 keys = 2848', () => {
    expect(llmCard(tiny).decodeFlops(5)).toBe(2848);
  });

  it('decoding the first token (empty cache) attends to itself only: 2464 + 64', () => {
    expect(llmCard(tiny).decodeFlops(0)).toBe(2528);
  });

  it('prefill of 3 tokens: 2 x 1152 x 3 + LM head once 160 + 64 x (1+2+3) = 7456', () => {
    expect(llmCard(tiny).prefillFlops(3)).toBe(7456);
  });

  it('prefill equals decoding its tokens one by one, less the LM head of all but the last', () => {
    const card = llmCard(tiny);
    const tokens = 17;
    let sum = 0;
    for (let i = 0; i < tokens; i++) sum += card.decodeFlops(i);
    expect(card.prefillFlops(tokens)).toBe(sum - 2 * 80 * (tokens - 1));
  });

  it('prefill of no tokens costs nothing; negative or fractional counts are refused', () => {
    const card = llmCard(tiny);
    expect(card.prefillFlops(0)).toBe(0);
    expect(() => card.prefillFlops(-1)).toThrow(/promptTokens\(=-1\)/);
    expect(() => card.decodeFlops(1.5)).toThrow(/context\(=1.5\)/);
  });

  it('Llama 3.1 8B decodes a token at about 2 x params FLOPs less the embedding', () => {
    // Kaplan et al. 2020: C_forward ~ 2N; here N excludes the embedding but not the head.
    const card = llmCard(LLAMA_3_1_8B);
    const flops = card.decodeFlops(0);
    expect(flops / (2 * (card.params - 128_256 * 4096))).toBeCloseTo(1, 4);
  });
});

describe('llmCard', () => {
  it('refuses heads that kvHeads does not divide, naming both', () => {
    expect(() => llmCard({ ...tiny, heads: 3, kvHeads: 2 })).toThrow(
      'heads(=3) must be a multiple of kvHeads(=2)',
    );
  });

  it('refuses a size that is not a positive integer, naming it', () => {
    expect(() => llmCard({ ...tiny, hidden: 0 })).toThrow(RangeError);
    expect(() => llmCard({ ...tiny, ffn: 2.5 })).toThrow('ffn(=2.5) must be a positive integer');
  });
});

describe('loadLlmCard', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llm-card-'));
  const write = (name: string, data: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(data));
    return file;
  };
  const inputError = (file: string): InputError => {
    try {
      loadLlmCard(file);
    } catch (error) {
      if (error instanceof InputError) return error;
      throw error;
    }
    throw new Error(`${file} loaded`);
  };

  it('loads the example card: 12 x 6,291,456 + 32000 x 768 + 25 x 768 = 100,092,672 parameters', () => {
    const card = loadLlmCard('scenarios/models/llm/example-card.json');
    expect(card.params).toBe(100_092_672);
    expect(card.kvBytesPerToken()).toBe(2 * 12 * 4 * 64 * 2);
  });

  it('names the file and a missing field', () => {
    const { heads: _dropped, ...rest } = tiny;
    const file = write('missing.json', rest);
    const error = inputError(file);
    expect(error.problems).toEqual([expect.objectContaining({ path: 'heads' })]);
    expect(error.message).toContain(`${file}: heads: missing required field`);
  });

  it('names the file and kvHeads when it does not divide heads', () => {
    const file = write('gqa.json', { ...tiny, heads: 12, kvHeads: 5 });
    const error = inputError(file);
    expect(error.problems).toEqual([expect.objectContaining({ path: 'kvHeads', value: 5 })]);
    expect(error.message).toContain(`${file}: kvHeads: must divide heads (12)`);
  });

  it('names the file and a negative size', () => {
    const file = write('negative.json', { ...tiny, hidden: -768 });
    const error = inputError(file);
    expect(error.problems).toEqual([expect.objectContaining({ path: 'hidden', value: -768 })]);
    expect(error.message).toContain(`${file}: hidden:`);
  });

  it('names a nested field path in sources and refuses unknown fields', () => {
    const file = write('nested.json', { ...tiny, sources: { shape: 3 }, hiddenSize: 8 });
    const paths = inputError(file).problems.map((p) => p.path);
    expect(paths).toContain('sources.shape');
    expect(paths).toContain('hiddenSize');
  });

  it('names the file when it does not exist', () => {
    const file = join(dir, 'absent.json');
    expect(inputError(file).message).toContain(`${file}: no such file`);
  });
});
