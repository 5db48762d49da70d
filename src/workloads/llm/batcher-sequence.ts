/**
 * The pieces of the continuous batcher (batcher.ts) that hold no scheduling
 * policy: a sequence's token and KV counters, the FCFS waiting queue with a
 * front for preempted sequences, the checks of options, requests and
 * iteration times, and the growth of the closed form's time buffers.
 */
import type { LlmRequest } from './batcher-types.js';

/** A request inside the batcher: what it has prefilled, generated and holds of the KV cache. */
export class Sequence {
  /** Output tokens generated so far (the first one by the prefill). */
  generated = 0;
  /** Tokens the current prefill must cover: the prompt, or prompt + generated after a preemption. */
  prefillTarget: number;
  /** Tokens of `prefillTarget` prefilled so far. */
  prefilled = 0;
  /** KV-cache token slots held (0 while waiting). */
  kvTokens = 0;
  /** Work in the iteration in progress: -1 a decode, k > 0 a prefill chunk of k tokens, 0 none. */
  chunk = 0;
  /** Whether the first output token has been reported (a readmitted sequence keeps its first). */
  hasFirstToken = false;

  constructor(
    readonly id: number,
    readonly promptTokens: number,
    readonly outputTokens: number,
  ) {
    this.prefillTarget = promptTokens;
  }

  /** Prefill done: each iteration gives it one decode token. */
  get decoding(): boolean {
    return this.prefilled === this.prefillTarget;
  }

  /** Context read by its next decode step: prompt + tokens generated so far. */
  get contextTokens(): number {
    return this.promptTokens + this.generated;
  }

  /** Forgets the KV cache (recompute preemption): the next admission prefills prompt + generated. */
  evict(): void {
    this.kvTokens = 0;
    this.prefilled = 0;
    this.chunk = 0;
    this.prefillTarget = this.promptTokens + this.generated;
  }
}

/**
 * The waiting queue: FCFS at the back, preempted sequences pushed back at the
 * front. An array with a moving head, so `shift` is O(1).
 */
export class WaitingQueue {
  private items: Sequence[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** The next sequence to admit, or undefined when empty. */
  get front(): Sequence | undefined {
    return this.items[this.head];
  }

  push(seq: Sequence): void {
    this.items.push(seq);
  }

  /** Puts a preempted sequence ahead of every waiting one. */
  pushFront(seq: Sequence): void {
    if (this.head > 0) this.items[--this.head] = seq;
    else this.items.unshift(seq);
  }

  shift(): Sequence | undefined {
    const seq = this.items[this.head];
    if (seq === undefined) return undefined;
    this.items[this.head++] = undefined as unknown as Sequence;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return seq;
  }
}

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min)
    throw new RangeError(`${name}(=${value}) must be an integer >= ${min}`);
}

/** Throws a RangeError naming the field of batcher limits that is not a valid count. */
export function checkLimits(maxBatch: number, maxBatchTokens: number, kvCapacity: number): void {
  checkInteger('maxBatch', maxBatch, 1);
  // vLLM's SchedulerConfig asks the same: every running sequence must fit a
  // decode token into the iteration's budget.
  checkInteger('maxBatchTokens', maxBatchTokens, maxBatch);
  checkInteger('kvCapacityTokens', kvCapacity, 1);
}

/**
 * Throws a RangeError when the request is malformed or can never finish: its
 * peak KV, prompt + output - 1 slots (the last token's KV is never written),
 * exceeds the whole cache.
 */
export function checkRequest(request: LlmRequest, kvCapacity: number): void {
  const { id, promptTokens, outputTokens } = request;
  checkInteger(`request ${id}: promptTokens`, promptTokens, 1);
  checkInteger(`request ${id}: outputTokens`, outputTokens, 1);
  const peak = promptTokens + outputTokens - 1;
  if (peak > kvCapacity)
    throw new RangeError(
      `request ${id}: promptTokens(=${promptTokens}) + outputTokens(=${outputTokens}) - 1 = ` +
        `${peak} KV tokens exceed kvCapacityTokens(=${kvCapacity}); it could never finish`,
    );
}

/** `dt`, the time `iterationS(p, d, c)` gave; throws a RangeError unless finite and >= 0. */
export function checkIterationTime(dt: number, p: number, d: number, c: number): number {
  if (!(dt >= 0) || dt === Number.POSITIVE_INFINITY)
    throw new RangeError(
      `iterationS(${p}, ${d}, ${c}) returned ${dt}; it must be a finite number >= 0`,
    );
  return dt;
}

/** `buffer` if it holds `n` values, else a new one of at least twice its size. */
export function atLeast(buffer: Float64Array, n: number): Float64Array {
  return n <= buffer.length ? buffer : new Float64Array(Math.max(n, 2 * buffer.length));
}
