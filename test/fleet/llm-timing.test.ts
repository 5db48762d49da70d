import { describe, expect, it } from 'vitest';
import { llmFit, llmTiming } from '../../src/fleet/llm-timing.js';
import { type HardwareProfile, type LlmServing, ProfileLibrary } from '../../src/fleet/profiles.js';
import {
  LLAMA_3_2_1B,
  LLM_BITS_PER_WEIGHT,
  type LlmCard,
  llmCardByName,
} from '../../src/ml/cost/llm/index.js';

/**
 * A hand-built device: int8 at 1e12 op/s, fp16 at 5e11 FLOP/s, 100 GB/s;
 * prefill reaches half the rate, decode 0.8 of the bandwidth. So quantised
 * weights compute at 5e11 op/s and stream at 8e10 B/s.
 */
const device: HardwareProfile = {
  name: 'hand',
  label: 'hand-built',
  tier: 'edge',
  processor: 'gpu',
  throughput: {
    int8: { achievableFlops: 1e12, peakFlops: 1e12, sparseSpeedup: 1 },
    fp16: { achievableFlops: 5e11, peakFlops: 5e11, sparseSpeedup: 1 },
  },
  fallback: {},
  memoryBandwidthBps: 1e11,
  memoryBytes: 16e9,
  idleW: 1,
  activeW: 2,
  batteryJ: undefined,
  priceUsd: 1,
  rentalUsdPerHour: undefined,
  interfaces: ['ethernet'],
  llm: { prefillEfficiency: 0.5, decodeEfficiency: 0.8, framework: 'hand' },
};

/**
 * A hand-built card: 1.6e9 parameters all read per token (q4_0: 1.6e9 x 4.5 / 8
 * = 9e8 B), 1e5 KV bytes per token, prefill 2e9 FLOPs per token, decode
 * 1.125e9 + 1e4 x context FLOPs.
 */
const card: LlmCard = {
  arch: LLAMA_3_2_1B,
  params: 1.6e9,
  decodeWeightParams: 1.6e9,
  weightBytes: (precision) => (1.6e9 * LLM_BITS_PER_WEIGHT[precision]) / 8,
  kvBytesPerToken: () => 1e5,
  prefillFlops: (promptTokens) => 2e9 * promptTokens,
  decodeFlops: (context) => 1.125e9 + 1e4 * context,
};

const library = new ProfileLibrary();

describe('llmTiming', () => {
  const timing = llmTiming(device, card, 'q4_0');

  it('decodes one stream at bandwidth x efficiency / bytes per token', () => {
    // (9e8 weights + 1000 x 1e5 KV) / 8e10 B/s = 1.25e-2 s: 80 tokens/s.
    expect(timing.decodeS(1000)).toBeCloseTo(1.25e-2, 12);
    expect(1 / timing.decodeS(1000)).toBeCloseTo(80, 9);
  });

  it('prefills at FLOPs / (rate x efficiency)', () => {
    // 1000 tokens x 2e9 FLOPs / (1e12 x 0.5) = 4 s (the weight read, 0.011 s, hides under it).
    expect(timing.prefillS(1000)).toBeCloseTo(4, 12);
  });

  it('computes fp16 weights at the fp16 rate and streams their 16 bits', () => {
    const fp16 = llmTiming(device, card, 'fp16');
    expect(fp16.prefillS(1000)).toBeCloseTo(2e12 / 2.5e11, 9); // 8 s
    expect(fp16.decodeS(0)).toBeCloseTo(3.2e9 / 8e10, 12); // 0.04 s
  });

  it('is memory-bound for one sequence', () => {
    // compute would be (1.125e9 + 1e7) / 5e11 = 2.27e-3 s, memory 1.25e-2 s.
    expect(timing.iterationS(0, 1, 1000)).toBeCloseTo(1.25e-2, 12);
  });

  it('turns compute-bound at large batch, the terms crossing at 5 sequences', () => {
    // Empty caches: memory 9e8 / 8e10 = 1.125e-2 s; compute n x 1.125e9 / 5e11 = n x 2.25e-3 s.
    expect(timing.iterationS(0, 4, 0)).toBeCloseTo(1.125e-2, 12);
    expect(timing.iterationS(0, 5, 0)).toBeCloseTo(1.125e-2, 12);
    expect(timing.iterationS(0, 5, 0)).toBeCloseTo(5 * 2.25e-3, 12);
    expect(timing.iterationS(0, 6, 0)).toBeCloseTo(6 * 2.25e-3, 12);
    expect(timing.iterationS(0, 1000, 0)).toBeCloseTo(2.25, 9);
  });

  it('adds a prefill chunk to the decodes of the same iteration', () => {
    // 100 prompt tokens (2e11) + 4 decodes at contexts summing to 2000 (4 x 1.125e9 + 2e7):
    // compute (2e11 + 4.52e9) / 5e11 = 0.40904 s > memory (9e8 + 2e8) / 8e10 = 0.01375 s.
    expect(timing.iterationS(100, 4, 2000)).toBeCloseTo(0.40904, 12);
  });

  it('rejects a profile without an llm block, naming it', () => {
    const bare = { ...device, llm: undefined };
    expect(() => llmTiming(bare, card, 'q4_0')).toThrow(/hand has no llm block/);
  });

  it('rejects negative or fractional token counts, naming the argument', () => {
    expect(() => timing.iterationS(-1, 0, 0)).toThrow(/prefillTokens\(=-1\)/);
    expect(() => timing.decodeS(1.5)).toThrow(/contextSum\(=1.5\)/);
  });
});

describe('llmTiming with a per-iteration overhead', () => {
  // The hand-built device with t0 = 5 ms per iteration.
  const withOverhead: HardwareProfile = {
    ...device,
    llm: { ...(device.llm as LlmServing), decodeOverheadS: 5e-3 },
  };
  const timing = llmTiming(withOverhead, card, 'q4_0');
  const plain = llmTiming(device, card, 'q4_0');

  it('decodes one stream at 1 / (bytes / (bandwidth x e) + t0) tokens/s', () => {
    // (9e8 + 1000 x 1e5) B / 8e10 B/s = 1.25e-2 s, + 5e-3 s = 1.75e-2 s: 57.142857 tokens/s.
    expect(timing.decodeS(1000)).toBeCloseTo(1.75e-2, 12);
    expect(1 / timing.decodeS(1000)).toBeCloseTo(1 / 1.75e-2, 9);
  });

  it('charges the overhead once per iteration, however many sequences it decodes', () => {
    // 4 decodes, empty caches: memory 9e8 / 8e10 = 1.125e-2 s (compute 4 x 2.25e-3 = 9e-3 s), + 5e-3.
    expect(timing.iterationS(0, 4, 0)).toBeCloseTo(1.625e-2, 12);
    // 1000 decodes: compute 2.25 s, + 5e-3 once (per-sequence overhead would be 5 s more).
    expect(timing.iterationS(0, 1000, 0)).toBeCloseTo(2.255, 12);
    // A prefill chunk with 4 decodes: compute 0.40904 s + 5e-3.
    expect(timing.iterationS(100, 4, 2000)).toBeCloseTo(0.41404, 12);
  });

  it('adds the overhead to a prefill pass and nothing to an empty iteration', () => {
    expect(timing.prefillS(1000)).toBeCloseTo(4.005, 12);
    expect(timing.iterationS(0, 0, 0)).toBe(0);
  });

  it('times a profile without decodeOverhead as before (t0 = 0)', () => {
    expect(plain.decodeS(1000)).toBeCloseTo(1.25e-2, 12);
    expect(plain.iterationS(0, 4, 0)).toBeCloseTo(1.125e-2, 12);
    const zero = llmTiming(
      { ...device, llm: { ...(device.llm as LlmServing), decodeOverheadS: 0 } },
      card,
      'q4_0',
    );
    expect(zero.iterationS(100, 4, 2000)).toBe(plain.iterationS(100, 4, 2000));
  });

  it('rejects a negative overhead, naming it', () => {
    const bad = { ...device, llm: { ...(device.llm as LlmServing), decodeOverheadS: -1 } };
    expect(() => llmTiming(bad, card, 'q4_0')).toThrow(/decodeOverheadS\(=-1\)/);
  });
});

describe('llmFit', () => {
  const pi4 = library.resolve('raspberry-pi-4');

  it('refuses llama-3.1-70b q4_0 on a Raspberry Pi 4 (8 GB), with the bytes', () => {
    const card70b = llmCardByName('llama-3.1-70b') as LlmCard;
    const fit = llmFit(pi4, card70b, 'q4_0', 4096);
    expect(fit.ok).toBe(false);
    expect(fit.availableBytes).toBe(8e9 * 0.75);
    // 70.6e9 parameters at 4.5 bits are about 39.7 GB of weights alone.
    expect(fit.parts.weights).toBeGreaterThan(39e9);
    expect(fit.neededBytes).toBe(fit.parts.weights + fit.parts.kv + fit.parts.runtime);
    expect(fit.neededBytes).toBeGreaterThan(fit.availableBytes);
  });

  it('accepts llama-3.2-1b q4_0 there', () => {
    const card1b = llmCardByName('llama-3.2-1b') as LlmCard;
    const fit = llmFit(pi4, card1b, 'q4_0', 4096);
    expect(fit.ok).toBe(true);
    // KV: 4096 tokens x 2 x 16 layers x 8 heads x 64 x 2 B = 134,217,728 B.
    expect(fit.parts.kv).toBe(4096 * 2 * 16 * 8 * 64 * 2);
  });

  it('counts the KV of every sequence and the runtime overhead', () => {
    const fit = llmFit(device, card, 'q4_0', 1000, 4);
    expect(fit.parts).toEqual({ weights: 9e8, kv: 4e8, runtime: 256 * 2 ** 20 + 0.05 * 9e8 });
  });

  it('refuses microcontrollers even the smallest card, and the 1 GB Coral a 1B model', () => {
    const card05b = llmCardByName('qwen2.5-0.5b') as LlmCard;
    for (const name of ['stm32h7', 'esp32-s3']) {
      expect(llmFit(library.resolve(name), card05b, 'q4_0', 512).ok, name).toBe(false);
    }
    const card1b = llmCardByName('llama-3.2-1b') as LlmCard;
    expect(llmFit(library.resolve('coral-dev-board'), card1b, 'q4_0', 512).ok).toBe(false);
  });
});

describe('shipped llm blocks', () => {
  const withLlm = library.names.filter((n) => library.resolve(n).llm !== undefined);

  it('give the eleven classes that can hold a model an llm block', () => {
    expect(withLlm).toEqual([
      'cloud-a100',
      'edge-server-l4',
      'edge-server-t4',
      'gateway-n100',
      'jetson-nano',
      'jetson-orin-nano',
      'phone-flagship',
      'phone-midrange',
      'phone-snapdragon-8-elite',
      'raspberry-pi-4',
      'raspberry-pi-5',
    ]);
  });

  it('parse decodeOverhead into seconds, and 0 where a block gives none', () => {
    // jetson-orin-nano ships "7.16 ms" (llm-fit); raspberry-pi-5 gives none.
    expect(library.resolve('jetson-orin-nano').llm?.decodeOverheadS).toBeCloseTo(7.16e-3, 12);
    expect(library.resolve('raspberry-pi-5').llm?.decodeOverheadS).toBe(0);
  });

  it('time the Orin Nano decoding llama-3.2-3b q4_0 as bytes / (68 GB/s x 0.934) + 7.16 ms', () => {
    const card3b = llmCardByName('llama-3.2-3b') as LlmCard;
    const bytes =
      (card3b.weightBytes('q4_0') * card3b.decodeWeightParams) / card3b.params +
      256 * card3b.kvBytesPerToken();
    const timing = llmTiming(library.resolve('jetson-orin-nano'), card3b, 'q4_0');
    expect(timing.decodeS(256)).toBeCloseTo(bytes / (68e9 * 0.934) + 7.16e-3, 12);
  });

  it('time the Snapdragon 8 Elite decoding llama-3.2-3b q4_0 as bytes / (84.8 GB/s x 0.63) + 4.37 ms', () => {
    const card3b = llmCardByName('llama-3.2-3b') as LlmCard;
    const bytes =
      (card3b.weightBytes('q4_0') * card3b.decodeWeightParams) / card3b.params +
      2048 * card3b.kvBytesPerToken();
    const timing = llmTiming(library.resolve('phone-snapdragon-8-elite'), card3b, 'q4_0');
    expect(timing.decodeS(2048)).toBeCloseTo(bytes / (84.8e9 * 0.63) + 4.37e-3, 12);
  });

  it('time its 128-token prefill compute-bound: FLOPs / (33.3 TOPS x 0.26) + 4.37 ms', () => {
    // 3B: 725 GFLOP / 8.66 TOP/s = 84 ms, above the 1.81 GB weight read / 53.4 GB/s = 34 ms.
    const card3b = llmCardByName('llama-3.2-3b') as LlmCard;
    const timing = llmTiming(library.resolve('phone-snapdragon-8-elite'), card3b, 'q4_0');
    expect(timing.prefillS(128)).toBeCloseTo(
      card3b.prefillFlops(128) / (33.3e12 * 0.26) + 4.37e-3,
      12,
    );
  });

  it.each(withLlm)(
    '%s times llama-3.2-1b q4_0 (decode memory-bound, prefill faster per token)',
    (name) => {
      const profile = library.resolve(name);
      const timing = llmTiming(profile, llmCardByName('llama-3.2-1b') as LlmCard, 'q4_0');
      expect(timing.decodeS(512)).toBeGreaterThan(0);
      expect(timing.prefillS(512) / 512).toBeLessThan(timing.decodeS(512));
    },
  );
});
