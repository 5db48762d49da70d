/**
 * The scheduler of an LLM server: continuous batching at token level.
 *
 * Semantics (one server, one iteration at a time while it has work):
 * - Iteration-level scheduling (Yu et al., "Orca: A Distributed Serving
 *   System for Transformer-Based Generative Models", OSDI 2022): the batch is
 *   rebuilt at every iteration boundary; sequences join and leave between
 *   iterations, not between batches.
 * - Stall-free, decode-first batching with chunked prefill (Agrawal et al.,
 *   "Taming Throughput-Latency Tradeoff in LLM Inference with Sarathi-Serve",
 *   OSDI 2024, §4): an iteration takes one decode token from every running
 *   sequence whose prefill is done, then prefill tokens from running sequences
 *   still prefilling (in admission order), then from newly admitted ones, up
 *   to `maxBatchTokens` tokens in all (a decode counts 1). A prompt may be
 *   split over iterations (a chunk).
 * - KV cache and recompute preemption (Kwon et al., "Efficient Memory
 *   Management for Large Language Model Serving with PagedAttention", SOSP
 *   2023, §4.5), counted in token slots rather than blocks: admission
 *   reserves the whole prefill (the prompt's blocks), each decode step takes
 *   one more slot, and a sequence holds prompt + generated - 1 slots while it
 *   decodes (the last sampled token's KV is written by the next step). A
 *   request is admitted only if running < `maxBatch`, the iteration still has
 *   token budget, and the free KV (after this iteration's decode slots) covers
 *   its prefill. Admission is strict FCFS: a request that does not fit blocks
 *   every request behind it, as in vLLM's FCFS policy.
 * - Before an iteration, while the decodes need more slots than are free, the
 *   most recently admitted running sequence is preempted: its KV is freed and
 *   it goes back to the FRONT of the waiting queue. Readmitted, it prefills
 *   prompt + generated tokens, and that prefill samples its next token (as
 *   vLLM's recompute does); its first-token time stays the first one.
 * - The first output token appears at the end of the iteration that completes
 *   the prompt's prefill; every later iteration gives one more. A sequence
 *   finishes with `outputTokens` tokens; its KV is freed at the end of that
 *   iteration, and listeners hear of first tokens and finishes then.
 * - An iteration lasts `iterationS(prefillTokens, decodeCount, contextSum)`,
 *   contextSum being the sum over decoding sequences of prompt + generated
 *   tokens (the KV each decode step reads).
 *
 * Closed form: a run of pure-decode iterations over a fixed set of sequences
 * (nothing prefilling, no admission possible) is one engine event, at the
 * first iteration after which something changes (a sequence finishes, or the
 * next iteration's decodes would not fit in the free KV). Its end times are
 * summed in a loop in iteration order, so they are bit-identical to one event
 * per iteration (`stepwise: true`). A request submitted during such a run
 * that the next boundary would admit cuts the run at the first boundary >=
 * now (the iteration in progress finishes). Iteration ends are
 * `Priority.late` events: requests submitted at the same instant are seen.
 */
import { type EventId, Priority, type Simulation } from '../../engine/index.js';
import {
  atLeast,
  checkIterationTime,
  checkLimits,
  checkRequest,
  Sequence,
  WaitingQueue,
} from './batcher-sequence.js';
import {
  type BatcherListener,
  type BatcherOptions,
  type BatcherStats,
  type LlmRequest,
  zeroStats,
} from './batcher-types.js';

export type {
  BatcherListener,
  BatcherOptions,
  BatcherStats,
  IterationInfo,
  LlmRequest,
} from './batcher-types.js';

/** A continuous-batching LLM server on the engine; see the file header for its rules. */
export class ContinuousBatcher {
  readonly stats: BatcherStats = zeroStats();
  private readonly maxBatch: number;
  private readonly maxBatchTokens: number;
  private readonly kvCapacity: number;
  private readonly iterationS: BatcherOptions['iterationS'];
  private readonly stepwise: boolean;
  private readonly onIteration: BatcherOptions['onIteration'];
  private readonly runningSeqs: Sequence[] = [];
  private readonly queue = new WaitingQueue();
  /** KV slots held, as of the last boundary plus the current iteration's if not a run. */
  private kvUsed = 0;
  /** An iteration, a run or a start is pending. */
  private busy = false;
  /** Inside a boundary: submits only enqueue; the boundary composes next. */
  private composing = false;
  private eventId: EventId | undefined;
  private readonly firsts: Sequence[] = [];
  private readonly finishes: Sequence[] = [];
  // The work in progress: `n` iterations from `startS`; a pure-decode run if `decodeRun`.
  private decodeRun = false;
  private n = 0;
  private startS = 0;
  private prefillTokens = 0;
  private decodeCount = 0;
  private contextSum = 0;
  /** KV held before the run's decode slots, or during the single iteration. */
  private kvAtStart = 0;
  private waitingAtStart = 0;
  private ends: Float64Array = new Float64Array(64);
  private dts: Float64Array = new Float64Array(64);

  constructor(
    private readonly sim: Simulation,
    options: BatcherOptions,
    private readonly listener: BatcherListener,
  ) {
    checkLimits(options.maxBatch, options.maxBatchTokens, options.kvCapacityTokens);
    this.maxBatch = options.maxBatch;
    this.maxBatchTokens = options.maxBatchTokens;
    this.kvCapacity = options.kvCapacityTokens;
    this.iterationS = options.iterationS;
    this.stepwise = options.stepwise ?? false;
    this.onIteration = options.onIteration;
  }

  /** Requests waiting for admission. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Sequences admitted and not finished. */
  get running(): number {
    return this.runningSeqs.length;
  }

  /** KV slots held now, the iteration in progress's decode slots included. */
  get kvUsedTokens(): number {
    if (!this.decodeRun) return this.kvUsed;
    let started = 1;
    while (started < this.n && this.ends[started - 1]! <= this.sim.now) started++;
    return this.kvUsed + started * this.decodeCount;
  }

  /**
   * Queues a request at `sim.now`. Throws a RangeError if its counts are not
   * integers >= 1 or it could never fit in the KV cache.
   */
  submit(request: LlmRequest): void {
    checkRequest(request, this.kvCapacity);
    const seq = new Sequence(request.id, request.promptTokens, request.outputTokens);
    const wasEmpty = this.queue.length === 0;
    this.queue.push(seq);
    if (this.composing) return;
    if (!this.busy) {
      this.busy = true;
      this.eventId = this.sim.scheduleAt(this.sim.now, this.onStart, Priority.late);
    } else if (this.decodeRun && wasEmpty && this.n > 1) this.cutRunFor(seq);
  }

  private readonly onStart = (): void => {
    this.eventId = undefined;
    this.composing = true;
    this.compose();
    this.composing = false;
  };

  private readonly onBoundary = (): void => {
    this.eventId = undefined;
    this.composing = true;
    if (this.decodeRun) this.settleRun(this.n);
    else this.settleIteration();
    this.notify();
    this.compose();
    this.composing = false;
  };

  /** Builds the next iteration (or decode run) at `now` and schedules its end, or goes idle. */
  private compose(): void {
    this.preempt();
    const running = this.runningSeqs;
    let decodes = 0;
    let contextSum = 0;
    for (const seq of running)
      if (seq.decoding) {
        seq.chunk = -1;
        decodes++;
        contextSum += seq.contextTokens;
      }
    let budget = this.maxBatchTokens - decodes;
    let prefill = 0;
    for (const seq of running)
      if (seq.chunk !== -1) {
        seq.chunk = Math.min(budget, seq.prefillTarget - seq.prefilled);
        budget -= seq.chunk;
        prefill += seq.chunk;
      }
    prefill += this.admit(budget, this.kvCapacity - this.kvUsed - decodes);
    if (running.length === 0) {
      this.busy = false;
      return;
    }
    this.decodeCount = decodes;
    this.contextSum = contextSum;
    this.prefillTokens = prefill;
    this.startS = this.sim.now;
    this.waitingAtStart = this.queue.length;
    if (prefill === 0) this.planRun();
    else {
      this.kvUsed += decodes;
      this.kvAtStart = this.kvUsed;
      this.decodeRun = false;
      this.n = 1;
      const dt = this.timeOf(prefill, decodes, contextSum);
      this.dts[0] = dt;
      this.ends[0] = this.startS + dt;
    }
    this.eventId = this.sim.scheduleAt(this.ends[this.n - 1]!, this.onBoundary, Priority.late);
  }

  /**
   * FCFS admission with `budget` prefill tokens and `freeKv` slots left
   * after the decodes; returns the prefill tokens given to admitted requests.
   */
  private admit(budget: number, freeKv: number): number {
    let prefill = 0;
    while (budget > 0 && this.runningSeqs.length < this.maxBatch) {
      const front = this.queue.front;
      if (front === undefined || front.prefillTarget > freeKv) break;
      this.queue.shift();
      front.kvTokens = front.prefillTarget;
      this.kvUsed += front.prefillTarget;
      freeKv -= front.prefillTarget;
      this.runningSeqs.push(front);
      front.chunk = Math.min(budget, front.prefillTarget);
      budget -= front.chunk;
      prefill += front.chunk;
    }
    return prefill;
  }

  /** Recompute preemption: evicts the most recently admitted until the decodes fit. */
  private preempt(): void {
    const running = this.runningSeqs;
    let decodes = 0;
    for (const seq of running) if (seq.decoding) decodes++;
    while (decodes > this.kvCapacity - this.kvUsed) {
      const victim = running.pop()!;
      this.kvUsed -= victim.kvTokens;
      if (victim.decoding) decodes--;
      victim.evict();
      this.queue.pushFront(victim);
      this.stats.preemptions++;
      this.listener.preempted?.(victim.id, this.sim.now);
    }
  }

  /**
   * Plans a pure-decode run: iterations until the first finish or until the
   * next one's decode slots would not fit; nothing can be admitted meanwhile
   * (free KV only shrinks, the batch and budget stay put).
   */
  private planRun(): void {
    const decodes = this.decodeCount;
    let toFinish = Number.POSITIVE_INFINITY;
    for (const seq of this.runningSeqs)
      toFinish = Math.min(toFinish, seq.outputTokens - seq.generated);
    const toKvFull = Math.floor((this.kvCapacity - this.kvUsed) / decodes);
    const n = this.stepwise ? 1 : Math.min(toFinish, toKvFull);
    this.ends = atLeast(this.ends, n);
    this.dts = atLeast(this.dts, n);
    let t = this.startS;
    let contextSum = this.contextSum;
    for (let j = 0; j < n; j++) {
      const dt = this.timeOf(0, decodes, contextSum);
      t += dt;
      this.dts[j] = dt;
      this.ends[j] = t;
      contextSum += decodes;
    }
    this.decodeRun = true;
    this.n = n;
    this.kvAtStart = this.kvUsed;
  }

  /**
   * A request arrived during a decode run with nobody waiting ahead of it:
   * if the first boundary >= now would admit it, the run ends there.
   */
  private cutRunFor(seq: Sequence): void {
    const now = this.sim.now;
    let k = 1;
    while (k < this.n && this.ends[k - 1]! < now) k++;
    if (k === this.n) return;
    const decodes = this.decodeCount;
    if (this.maxBatchTokens - decodes <= 0 || this.runningSeqs.length >= this.maxBatch) return;
    // Free KV at boundary k after the next iteration's decode slots.
    if (seq.prefillTarget > this.kvCapacity - this.kvAtStart - (k + 1) * decodes) return;
    this.sim.cancel(this.eventId!);
    this.n = k;
    this.eventId = this.sim.scheduleAt(this.ends[k - 1]!, this.onBoundary, Priority.late);
  }

  /** Applies `k` iterations of the decode run in progress. */
  private settleRun(k: number): void {
    const decodes = this.decodeCount;
    let contextSum = this.contextSum;
    let kv = this.kvAtStart;
    let startS = this.startS;
    for (let j = 0; j < k; j++) {
      kv += decodes;
      this.record(startS, this.ends[j]!, this.dts[j]!, 0, contextSum, kv);
      startS = this.ends[j]!;
      contextSum += decodes;
    }
    this.decodeRun = false;
    this.kvUsed += k * decodes;
    this.stats.tokens += k * decodes;
    const running = this.runningSeqs;
    let kept = 0;
    for (const seq of running) {
      seq.generated += k;
      seq.kvTokens += k;
      seq.chunk = 0;
      if (seq.generated === seq.outputTokens) this.finish(seq);
      else running[kept++] = seq;
    }
    running.length = kept;
  }

  /** Applies the single (prefill-carrying) iteration in progress. */
  private settleIteration(): void {
    const { startS, prefillTokens, contextSum, kvAtStart } = this;
    this.record(startS, this.ends[0]!, this.dts[0]!, prefillTokens, contextSum, kvAtStart);
    const running = this.runningSeqs;
    let kept = 0;
    for (const seq of running) {
      if (seq.chunk === -1) {
        seq.kvTokens++;
        this.generate(seq);
      } else if (seq.chunk > 0) {
        seq.prefilled += seq.chunk;
        if (seq.decoding) this.generate(seq);
      }
      seq.chunk = 0;
      if (seq.generated === seq.outputTokens) this.finish(seq);
      else running[kept++] = seq;
    }
    running.length = kept;
  }

  private generate(seq: Sequence): void {
    seq.generated++;
    this.stats.tokens++;
    if (!seq.hasFirstToken) {
      seq.hasFirstToken = true;
      this.firsts.push(seq);
    }
  }

  private finish(seq: Sequence): void {
    this.kvUsed -= seq.kvTokens;
    seq.kvTokens = 0;
    this.finishes.push(seq);
  }

  /** Counts one settled iteration; decodes and running are those of the work in progress. */
  private record(
    startS: number,
    endS: number,
    dt: number,
    prefillTokens: number,
    contextSum: number,
    kvUsedTokens: number,
  ): void {
    const stats = this.stats;
    stats.iterations++;
    stats.busyS += dt;
    stats.kvTokenSeconds += kvUsedTokens * dt;
    if (kvUsedTokens > stats.maxKvUsedTokens) stats.maxKvUsedTokens = kvUsedTokens;
    this.onIteration?.({
      startS,
      endS,
      prefillTokens,
      decodeCount: this.decodeCount,
      contextSum,
      kvUsedTokens,
      running: this.runningSeqs.length,
      waiting: this.waitingAtStart,
    });
  }

  /** Tells the listener of the first tokens and finishes of the settled iterations. */
  private notify(): void {
    const now = this.sim.now;
    for (const seq of this.firsts) this.listener.firstToken(seq.id, now);
    for (const seq of this.finishes) this.listener.finished(seq.id, now);
    this.firsts.length = 0;
    this.finishes.length = 0;
  }

  private timeOf(prefillTokens: number, decodeCount: number, contextSum: number): number {
    const dt = this.iterationS(prefillTokens, decodeCount, contextSum);
    return checkIterationTime(dt, prefillTokens, decodeCount, contextSum);
  }
}
