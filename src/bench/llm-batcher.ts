/**
 * The continuous batcher's cost per generated token (#22): one server, one
 * simulated hour of Poisson chat arrivals, iteration times from a roofline
 * model of Llama-2-7B on an A100-80GB. Counts simulated output tokens, so the
 * throughput is simulated tokens per second of wall time.
 */
import { RandomStreams, Simulation } from '../index.js';
import { ContinuousBatcher } from '../workloads/llm/batcher.js';
import type { BenchCase } from './harness.js';

/** Llama-2-7B (Touvron et al., "Llama 2", 2023, Table 1 and model card): 6.74e9 parameters, 32 layers, hidden 4096. */
const PARAMS = 6.74e9;
const LAYERS = 32;
const HIDDEN = 4096;
/** FP16: 2 bytes per weight and per KV element. */
const BYTES = 2;
/** NVIDIA A100 80GB SXM datasheet: 2,039 GB/s HBM2e, 312 TFLOPS dense BF16/FP16 tensor. */
const HBM_BYTES_PER_S = 2.039e12;
const FLOPS = 312e12;
/** vLLM's default gpu_memory_utilization: 0.9 of the 80 GB, weights taken out, goes to the KV cache. */
const KV_BYTES = 0.9 * 80e9 - PARAMS * BYTES;
/** K and V, per layer, per hidden unit. */
const KV_BYTES_PER_TOKEN = 2 * LAYERS * HIDDEN * BYTES;

/**
 * Roofline (Williams, Waterman and Patterson, CACM 52(4), 2009): an
 * iteration takes the longer of its compute, 2 FLOP per parameter per token
 * processed, and its memory traffic, the weights once plus the KV each
 * decode step reads.
 */
function rooflineS(prefillTokens: number, decodeCount: number, contextSum: number): number {
  const computeS = ((prefillTokens + decodeCount) * 2 * PARAMS) / FLOPS;
  const memoryS = (PARAMS * BYTES + contextSum * KV_BYTES_PER_TOKEN) / HBM_BYTES_PER_S;
  return Math.max(computeS, memoryS);
}

/** What one simulated hour gave. */
export interface LlmBatcherHour {
  tokens: number;
  requests: number;
  /** Little's law: mean requests in the server (running + waiting). */
  meanInServer: number;
  preemptions: number;
  iterations: number;
  eventsFired: number;
}

/**
 * One server for `horizonS` of Poisson arrivals at `ratePerS`, prompts
 * uniform on 200..1000 and outputs on 100..400 tokens (the chat mix of issue
 * #22), run until the last request finishes.
 */
export function runLlmBatcherHour(ratePerS = 9, horizonS = 3600, seed = 1): LlmBatcherHour {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const gaps = streams.stream('llm-arrivals');
  const lengths = streams.stream('llm-lengths');
  const arrivalS: number[] = [];
  let sojournS = 0;
  const batcher = new ContinuousBatcher(
    sim,
    {
      maxBatch: 64,
      // Sarathi-Serve (OSDI 2024, §5) runs token budgets of 512 to 2048.
      maxBatchTokens: 2048,
      kvCapacityTokens: Math.floor(KV_BYTES / KV_BYTES_PER_TOKEN),
      iterationS: rooflineS,
    },
    {
      firstToken: () => {},
      finished: (id, timeS) => {
        sojournS += timeS - arrivalS[id]!;
      },
    },
  );
  const arrive = (): void => {
    const id = arrivalS.length;
    arrivalS.push(sim.now);
    batcher.submit({
      id,
      promptTokens: 200 + lengths.integer(801),
      outputTokens: 100 + lengths.integer(301),
    });
    const nextS = sim.now + gaps.exponential(1 / ratePerS);
    if (nextS < horizonS) sim.scheduleAt(nextS, arrive);
  };
  sim.scheduleAt(gaps.exponential(1 / ratePerS), arrive);
  sim.run();
  return {
    tokens: batcher.stats.tokens,
    requests: arrivalS.length,
    meanInServer: sojournS / sim.now,
    preemptions: batcher.stats.preemptions,
    iterations: batcher.stats.iterations,
    eventsFired: sim.eventsFired,
  };
}

export const llmBatcherCases: BenchCase[] = [
  {
    name: 'llm-batcher: 1 h of chat at 9 req/s, Llama-2-7B roofline on an A100',
    run: () => runLlmBatcherHour().tokens,
    unit: 'tokens',
  },
];
