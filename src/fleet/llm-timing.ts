/**
 * Token-level timing of a decoder-only language model on a hardware profile:
 * a roofline (Williams, Waterman, Patterson, CACM 52(4), 2009) per serving
 * iteration plus a fixed overhead per iteration, with two fitted efficiencies
 * and the overhead per profile.
 *
 * One iteration runs `P` prefill tokens (a prompt or a chunk of one) and one
 * decode step for each of `n` sequences whose contexts sum to `C`. It reads
 * the weights once (iteration-level batching, Orca OSDI 2022; chunked
 * prefill rides with the decodes, Sarathi-Serve OSDI 2024) and every
 * decoding sequence's KV cache, and takes the longer of
 *   memory  = (Wd + C x kvBytesPerToken) / (BW x decodeEfficiency)
 *   compute = (prefillFlops(P) + sum_i decodeFlops(c_i)) / (F x prefillEfficiency)
 * plus t0 = `llm.decodeOverheadS` (0 when the profile gives none):
 *   iteration = max(memory, compute) + t0,   an empty iteration = 0,
 * where Wd = weightBytes(precision) x decodeWeightParams / params (decode
 * reads every matrix but only one embedding row), BW the profile's
 * `llm.bandwidth` or else its memory bandwidth, F the achievable rate at the
 * compute precision below. decodeFlops is affine in the context (the card's
 * attention term is linear in c), so sum_i decodeFlops(c_i) = n x
 * decodeFlops(0) + decodeFlops(C) - decodeFlops(0): the sum needs only C.
 * Hence decode of one stream at context c is max(memory, compute) + t0 with
 * n = 1 (memory-bound: tokens/s = 1 / (bytes per token / (BW x eff) + t0);
 * with t0 = 0 the usual "bandwidth / model size" rule, e.g. llama.cpp
 * discussion #4167), and a large batch turns compute-bound where the two
 * terms cross. A prefill alone is the same iteration with n = 0:
 * FLOPs / (F x eff) + t0 once the prompt is long enough to hide the weight
 * read.
 *
 * The overhead t0. Small models decode below their weight-read rate (MLC on
 * the Jetson Orin Nano: Llama 3.2 1B at 57% of the bandwidth, 3B at 75%):
 * each forward pass also pays a time that does not scale with the bytes —
 * kernel launches, the host-device synchronisation that returns the logits,
 * sampling, the framework's own loop. It is charged once per iteration, not
 * once per sequence: a serving engine runs all sequences of an iteration
 * through one forward graph (llama.cpp's server gathers every slot's token
 * into one llama_batch for one llama_decode; NVIDIA's CUDA-graph change,
 * ggml-org/llama.cpp issue #6763 and PR #6766, launches "the CUDA kernels
 * associated with the generation of each token" as one graph, a per-step
 * cost), so launches and synchronisation do not multiply with the batch.
 * Sampling is per sequence but small next to a pass; treating it as fixed
 * is this model's assumption, as is the same t0 for a prefill pass.
 *
 * Compute precision. fp16 weights run at the profile's fp16 rate (or its
 * fallback: fp32 on the Raspberry Pis, the N100). Quantised weights (q8_0,
 * q4_0, q4_k_m) run at the int8 rate, following the fallback chain where the
 * profile has none (the Jetson Nano's Maxwell GPU runs them as fp16): on CPUs
 * llama.cpp quantises the activations to 8 bits and multiplies with integer
 * dot products (ggml-cpu's vec_dot_q4_0_q8_0 / q4_K_q8_K), and on NVIDIA GPUs
 * since Turing its MMQ kernels use int8 tensor cores for prefill
 * (ggml-org/llama.cpp PR #7860 "CUDA: int8 tensor cores for MMQ"). Older
 * cuBLAS paths dequantise to fp16; the fitted prefill efficiency absorbs the
 * difference where a profile is calibrated.
 *
 * The efficiencies and t0 are fitted per profile to published measurements
 * (hardware-profiles/measurements/llm.csv, scripts/calibrate-llm.ts: t0 only
 * where one source measured two model sizes); the validation against
 * held-out rows is in docs/fidelity-llm.md.
 */

import type { Precision } from '../vocabulary/cost-card.js';
import type { LlmCard, LlmPrecision } from '../vocabulary/llm-card.js';
import type { HardwareProfile, LlmServing } from './profiles.js';
import { resolvePrecision } from './roofline.js';

/** Seconds for the steps of serving one model on one device. */
export interface LlmTiming {
  /** Prefill of a prompt of `promptTokens` tokens from an empty cache, seconds. */
  prefillS(promptTokens: number): number;
  /** Decode of one token of one sequence whose cache holds `contextTokens` tokens, seconds. */
  decodeS(contextTokens: number): number;
  /**
   * One server iteration, seconds: `prefillTokens` prompt tokens (a prompt or
   * a chunk of one) and one decode step of each of `decodeCount` sequences
   * whose contexts sum to `contextSum`; pays the profile's overhead once.
   * 0 for an empty iteration.
   */
  iterationS(prefillTokens: number, decodeCount: number, contextSum: number): number;
}

/** The arithmetic precision each weight format computes at (before the profile's fallback). */
export const LLM_COMPUTE_PRECISION: Readonly<Record<LlmPrecision, Precision>> = {
  fp16: 'fp16',
  q8_0: 'int8',
  q4_0: 'int8',
  q4_k_m: 'int8',
};

/**
 * The timing of `card` at `precision` on `profile`. Throws a RangeError when
 * the profile has no `llm` block (its efficiencies are unknown: check
 * `profile.llm` or use {@link llmFit} first) or cannot compute at the
 * precision the weights need.
 */
export function llmTiming(
  profile: HardwareProfile,
  card: LlmCard,
  precision: LlmPrecision,
): LlmTiming {
  const llm = servingOf(profile);
  const wanted = LLM_COMPUTE_PRECISION[precision];
  const resolved = resolvePrecision(profile, wanted);
  if (!resolved.ok) {
    throw new RangeError(`profile ${profile.name} cannot run ${precision}: ${resolved.reason}`);
  }
  const flops = profile.throughput[resolved.precision]?.achievableFlops ?? 0;
  const computeRate = flops * llm.prefillEfficiency;
  const byteRate = (llm.bandwidthBps ?? profile.memoryBandwidthBps) * llm.decodeEfficiency;
  if (!(computeRate > 0 && byteRate > 0)) {
    throw new RangeError(
      `profile ${profile.name}: rate (=${computeRate} FLOP/s) and bandwidth (=${byteRate} B/s) must be > 0`,
    );
  }
  const decodeWeightBytes = (card.weightBytes(precision) * card.decodeWeightParams) / card.params;
  const kvBytes = card.kvBytesPerToken();
  const decodeFlops0 = card.decodeFlops(0);
  const overheadS = llm.decodeOverheadS ?? 0;
  if (!(overheadS >= 0)) {
    throw new RangeError(`profile ${profile.name}: decodeOverheadS(=${overheadS}) must be >= 0`);
  }

  const iterationS = (prefillTokens: number, decodeCount: number, contextSum: number): number => {
    checkCount('prefillTokens', prefillTokens);
    checkCount('decodeCount', decodeCount);
    checkCount('contextSum', contextSum);
    if (prefillTokens === 0 && decodeCount === 0) return 0;
    const decodeFlops =
      decodeCount > 0
        ? decodeCount * decodeFlops0 + card.decodeFlops(contextSum) - decodeFlops0
        : 0;
    const prefillFlops = prefillTokens > 0 ? card.prefillFlops(prefillTokens) : 0;
    const memoryS = (decodeWeightBytes + contextSum * kvBytes) / byteRate;
    const computeS = (prefillFlops + decodeFlops) / computeRate;
    return Math.max(memoryS, computeS) + overheadS;
  };
  return {
    prefillS: (promptTokens) => iterationS(promptTokens, 0, 0),
    decodeS: (contextTokens) => iterationS(0, 1, contextTokens),
    iterationS,
  };
}

/** Whether a model and its KV cache fit in the memory the device gives it. */
export interface LlmFit {
  ok: boolean;
  neededBytes: number;
  availableBytes: number;
  parts: { weights: number; kv: number; runtime: number };
}

/**
 * Share of system memory a model may use when the profile gives no
 * `llm.memory`: the rest holds the OS and the serving process (estimate; a
 * Raspberry Pi OS desktop idles near 0.5 GB of 8 GB, phones keep more for
 * other apps).
 */
export const LLM_USABLE_MEMORY_SHARE = 0.75;

/**
 * Runtime overhead besides weights and KV (estimate): llama.cpp's compute
 * buffers (the activations of one 512-token micro-batch, the logits) are a
 * few hundred MiB for 1-8B models (its load log prints them as "compute
 * buffer size"); modelled as 256 MiB plus 5% of the weights.
 */
export const LLM_RUNTIME_FIXED_BYTES = 256 * 2 ** 20;
export const LLM_RUNTIME_WEIGHT_SHARE = 0.05;

/** weights + KV for `contextTokens` x `sequences` + runtime overhead (document it: e.g. llama.cpp compute buffers, an estimate) against the memory the model can use (profile.llm.memory if given — e.g. a GPU's VRAM — else system memory x a usable share). */
export function llmFit(
  profile: HardwareProfile,
  card: LlmCard,
  precision: LlmPrecision,
  contextTokens: number,
  sequences = 1,
): LlmFit {
  checkCount('contextTokens', contextTokens);
  if (!(Number.isInteger(sequences) && sequences >= 1)) {
    throw new RangeError(`sequences(=${sequences}) must be a positive integer`);
  }
  const weights = card.weightBytes(precision);
  const kv = card.kvBytesPerToken() * contextTokens * sequences;
  const runtime = LLM_RUNTIME_FIXED_BYTES + LLM_RUNTIME_WEIGHT_SHARE * weights;
  const neededBytes = weights + kv + runtime;
  const availableBytes = profile.llm?.memoryBytes ?? profile.memoryBytes * LLM_USABLE_MEMORY_SHARE;
  return {
    ok: neededBytes <= availableBytes,
    neededBytes,
    availableBytes,
    parts: { weights, kv, runtime },
  };
}

function servingOf(profile: HardwareProfile): LlmServing {
  if (profile.llm === undefined) {
    throw new RangeError(
      `profile ${profile.name} has no llm block: its serving efficiencies are unknown`,
    );
  }
  return profile.llm;
}

function checkCount(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 0)) {
    throw new RangeError(`${name}(=${value}) must be a non-negative integer`);
  }
}
