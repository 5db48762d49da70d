/** The types the continuous batcher (batcher.ts) takes and reports. */

/** One request to an LLM server, in tokens. */
export interface LlmRequest {
  readonly id: number;
  /** Tokens of the prompt (>= 1), all prefilled before the first output token. */
  readonly promptTokens: number;
  /** Tokens to generate (>= 1); the request finishes when it has them all. */
  readonly outputTokens: number;
}

/** One iteration as it ran: `kvUsedTokens` counts the slots its decodes take. */
export interface IterationInfo {
  startS: number;
  endS: number;
  prefillTokens: number;
  decodeCount: number;
  contextSum: number;
  kvUsedTokens: number;
  running: number;
  /** Waiting when the iteration was composed (for a closed-form run, when the run was). */
  waiting: number;
}

/** Limits of the server and the time of an iteration. */
export interface BatcherOptions {
  /** Most sequences running at once (>= 1). */
  readonly maxBatch: number;
  /** Token budget of one iteration, decodes counting 1 each (>= maxBatch). */
  readonly maxBatchTokens: number;
  /** KV-cache capacity in token slots (>= 1). */
  readonly kvCapacityTokens: number;
  /** Seconds of an iteration (finite, >= 0). */
  readonly iterationS: (prefillTokens: number, decodeCount: number, contextSum: number) => number;
  /** Debug: one engine event per iteration, for checking the closed form against. */
  readonly stepwise?: boolean;
  /**
   * Called for each iteration in order, with the state it ran with, once the
   * iteration is settled (at the latest at the end of its closed-form run).
   */
  readonly onIteration?: (info: IterationInfo) => void;
}

/** What the server tells its workload, at the end of the iteration concerned. */
export interface BatcherListener {
  firstToken(id: number, timeS: number): void;
  finished(id: number, timeS: number): void;
  preempted?(id: number, timeS: number): void;
}

/** Counters of a batcher; times in simulated seconds. */
export interface BatcherStats {
  iterations: number;
  busyS: number;
  preemptions: number;
  /** Output tokens generated (a recompute prefill's sampled token included). */
  tokens: number;
  maxKvUsedTokens: number;
  /** Integral of KV slots held over time, during iterations (slot-seconds). */
  kvTokenSeconds: number;
}

/** Counters at the start of a run: all zero. */
export function zeroStats(): BatcherStats {
  return {
    iterations: 0,
    busyS: 0,
    preemptions: 0,
    tokens: 0,
    maxKvUsedTokens: 0,
    kvTokenSeconds: 0,
  };
}
