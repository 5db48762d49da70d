/**
 * The continuous batcher against schedules worked out by hand, its KV and
 * batch limits on a random workload, and its closed form against stepping
 * one engine event per iteration.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { Simulation } from '../../../src/engine/simulation.js';
import {
  type BatcherOptions,
  ContinuousBatcher,
  type IterationInfo,
  type LlmRequest,
} from '../../../src/workloads/llm/batcher.js';

/** What a run told its listener, by request id. */
interface Heard {
  first: Map<number, number>;
  finish: Map<number, number>;
  preempted: Array<[number, number]>;
}

function listen(): Heard & {
  listener: ConstructorParameters<typeof ContinuousBatcher>[2];
} {
  const heard: Heard = { first: new Map(), finish: new Map(), preempted: [] };
  return {
    ...heard,
    listener: {
      firstToken: (id, t) => heard.first.set(id, t),
      finished: (id, t) => heard.finish.set(id, t),
      preempted: (id, t) => heard.preempted.push([id, t]),
    },
  };
}

/** Submits `requests` at time 0 and runs to the end. */
function runAtZero(options: BatcherOptions, requests: LlmRequest[]) {
  const sim = new Simulation();
  const heard = listen();
  const batcher = new ContinuousBatcher(sim, options, heard.listener);
  for (const r of requests) batcher.submit(r);
  sim.run();
  return { batcher, heard, sim };
}

/** Prefill 1 ms per token; decode 10 ms per sequence plus 1 us per context token read. */
const affine = (p: number, d: number, c: number) => 0.001 * p + 0.01 * d + 1e-6 * c;

describe('ContinuousBatcher, hand-worked schedules', () => {
  it('one request: first token after its prefill, then one decode iteration per token', () => {
    // Prefill of 100 tokens: 0.1 s -> first token at 0.1. Decodes read
    // contexts 101, 102, 103: 0.010101 + 0.010102 + 0.010103 = 0.030306 s.
    const { batcher, heard } = runAtZero(
      { maxBatch: 4, maxBatchTokens: 512, kvCapacityTokens: 1000, iterationS: affine },
      [{ id: 1, promptTokens: 100, outputTokens: 4 }],
    );
    expect(heard.first.get(1)).toBeCloseTo(0.1, 12);
    expect(heard.finish.get(1)).toBeCloseTo(0.130306, 12);
    expect(batcher.stats.iterations).toBe(4);
    expect(batcher.stats.tokens).toBe(4);
    // Peak KV: prompt + output - 1 (the last token's KV is never written).
    expect(batcher.stats.maxKvUsedTokens).toBe(103);
    expect(batcher.kvUsedTokens).toBe(0);
  });

  it('reports the KV held by the iteration in progress, inside a closed-form decode run', () => {
    // Same request: prefill [0, 0.1] holds 100 slots; decode iterations end at
    // 0.110101, 0.120203, 0.130306 and hold 101, 102, 103 (one engine event).
    const sim = new Simulation();
    const options = {
      maxBatch: 4,
      maxBatchTokens: 512,
      kvCapacityTokens: 1000,
      iterationS: affine,
    };
    const batcher = new ContinuousBatcher(sim, options, listen().listener);
    batcher.submit({ id: 1, promptTokens: 100, outputTokens: 4 });
    const seen: number[] = [];
    for (const t of [0.05, 0.105, 0.115, 0.125]) {
      sim.run({ untilS: t });
      seen.push(batcher.kvUsedTokens);
    }
    expect(seen).toEqual([100, 101, 102, 103]);
    expect([batcher.running, batcher.waiting]).toEqual([1, 0]);
  });

  it('three requests, 8-token prompts, 10-token budget: chunked prefill, decodes first', () => {
    // it | start    | decodes (context)  | prefill chunks   | time                          | end
    //  1 | 0        | -                  | A 8, B 2         | 0.010                         | 0.010    A first
    //  2 | 0.010    | A (9)              | B 6, C 3         | 0.009 + 0.01 + 9e-6 = 0.019009| 0.029009 B first
    //  3 | 0.029009 | A (10), B (9)      | C 5              | 0.005 + 0.02 + 19e-6 = .025019| 0.054028 A done, C first
    //  4 | 0.054028 | B (10), C (9)      | -                | 0.02 + 19e-6 = 0.020019       | 0.074047 B done
    //  5 | 0.074047 | C (10)             | -                | 0.01 + 10e-6 = 0.01001        | 0.084057 C done
    const requests = [1, 2, 3].map((id) => ({ id, promptTokens: 8, outputTokens: 3 }));
    const { batcher, heard } = runAtZero(
      { maxBatch: 4, maxBatchTokens: 10, kvCapacityTokens: 1000, iterationS: affine },
      requests,
    );
    const expected = [
      [1, 0.01, 0.054028],
      [2, 0.029009, 0.074047],
      [3, 0.054028, 0.084057],
    ] as const;
    for (const [id, first, finish] of expected) {
      expect(heard.first.get(id)).toBeCloseTo(first, 12);
      expect(heard.finish.get(id)).toBeCloseTo(finish, 12);
    }
    expect(batcher.stats.iterations).toBe(5);
    expect(batcher.stats.busyS).toBeCloseTo(0.084057, 12);
  });

  it('KV runs out mid-decode: the most recently admitted is preempted and recomputed', () => {
    // Two requests, prompt 4, output 6, 1 s per iteration, 12 KV slots.
    // t=0 both prefill (KV 8); t=1 both have token 1; decodes at t=1, 2 take
    // KV to 12; at t=3 two decodes need 2 slots, 0 free: B (admitted last)
    // is evicted (KV 6), its prefill would need 4 + 3 = 7 > 12 - 6 - 1 free.
    // A decodes tokens 4, 5, 6 and finishes at 6; B prefills 7 tokens in
    // [6, 7] (token 4), then decodes tokens 5, 6: finishes at 9.
    const requests = [1, 2].map((id) => ({ id, promptTokens: 4, outputTokens: 6 }));
    const options = { maxBatch: 4, maxBatchTokens: 16, iterationS: () => 1 };
    const tight = runAtZero({ ...options, kvCapacityTokens: 12 }, requests);
    const ample = runAtZero({ ...options, kvCapacityTokens: 100 }, requests);
    expect(tight.heard.preempted).toEqual([[2, 3]]);
    expect(tight.batcher.stats.preemptions).toBe(1);
    expect(tight.heard.first.get(2)).toBe(1);
    expect(tight.heard.finish.get(1)).toBe(6);
    expect(tight.heard.finish.get(2)).toBe(9);
    expect(ample.heard.finish.get(2)).toBe(6);
    expect(ample.batcher.stats.preemptions).toBe(0);
    // 12 tokens reach the user; the recompute prefill samples token 4 again.
    expect(tight.batcher.stats.tokens).toBe(12);
    expect(tight.batcher.stats.maxKvUsedTokens).toBe(12);
  });

  it('a request that cannot fit in the whole KV cache is refused with its numbers', () => {
    const sim = new Simulation();
    const options = { maxBatch: 4, maxBatchTokens: 16, kvCapacityTokens: 100, iterationS: () => 1 };
    const batcher = new ContinuousBatcher(sim, options, listen().listener);
    expect(() => batcher.submit({ id: 7, promptTokens: 80, outputTokens: 30 })).toThrow(
      /request 7: promptTokens\(=80\) \+ outputTokens\(=30\) - 1 = 109 .*kvCapacityTokens\(=100\)/,
    );
    // 80 + 21 - 1 = 100 fits exactly.
    expect(() => batcher.submit({ id: 8, promptTokens: 80, outputTokens: 21 })).not.toThrow();
    expect(
      () => new ContinuousBatcher(sim, { ...options, maxBatchTokens: 3 }, listen().listener),
    ).toThrow('maxBatchTokens(=3) must be an integer >= 4');
  });
});

/** Limits of the random workload: KV for about three average sequences, so preemption happens. */
const RANDOM_LIMITS = { maxBatch: 8, maxBatchTokens: 64, kvCapacityTokens: 600 };

/**
 * 300 Poisson arrivals (mean gap 0.5 s, every 10th at the instant of the one
 * before), prompt and output uniform on 1..200 tokens; each 7th finish
 * submits a follow-up from inside the listener.
 */
function randomRun(seed: number, stepwise: boolean, onIteration?: (info: IterationInfo) => void) {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const gaps = streams.stream('arrivals');
  const lengths = streams.stream('lengths');
  const heard = listen();
  let nextId = 1000;
  const request = (id: number) => ({
    id,
    promptTokens: 1 + lengths.integer(200),
    outputTokens: 1 + lengths.integer(200),
  });
  const batcher: ContinuousBatcher = new ContinuousBatcher(
    sim,
    {
      ...RANDOM_LIMITS,
      iterationS: (p, d, c) => 0.005 + 2e-4 * p + 1e-3 * d + 1e-6 * c,
      stepwise,
      ...(onIteration ? { onIteration } : {}),
    },
    {
      ...heard.listener,
      finished: (id, t) => {
        heard.listener.finished(id, t);
        if (id % 7 === 0 && id < 1000) batcher.submit(request(nextId++));
      },
    },
  );
  let t = 0;
  for (let id = 0; id < 300; id++) {
    if (id % 10 !== 9) t += gaps.exponential(0.5);
    const r = request(id);
    sim.scheduleAt(t, () => batcher.submit(r));
  }
  sim.run();
  return { batcher, heard, sim, submitted: nextId - 1000 + 300 };
}

describe('ContinuousBatcher, random workload', () => {
  it('never holds more KV than its capacity nor runs more than maxBatch, and finishes all', () => {
    let checked = 0;
    let lastEndS = 0;
    let maxKv = 0;
    let maxRunning = 0;
    let maxTokens = 0;
    let overlaps = 0;
    const { batcher, heard, submitted } = randomRun(1, false, (info) => {
      checked++;
      maxKv = Math.max(maxKv, info.kvUsedTokens);
      maxRunning = Math.max(maxRunning, info.running);
      maxTokens = Math.max(maxTokens, info.prefillTokens + info.decodeCount);
      if (info.startS < lastEndS) overlaps++;
      lastEndS = info.endS;
    });
    expect(maxKv).toBeLessThanOrEqual(RANDOM_LIMITS.kvCapacityTokens);
    expect(maxRunning).toBeLessThanOrEqual(RANDOM_LIMITS.maxBatch);
    expect(maxTokens).toBeLessThanOrEqual(RANDOM_LIMITS.maxBatchTokens);
    expect(overlaps).toBe(0);
    expect(checked).toBe(batcher.stats.iterations);
    expect(heard.finish.size).toBe(submitted);
    expect(heard.first.size).toBe(submitted);
    expect(batcher.stats.preemptions).toBeGreaterThan(0);
    expect(batcher.running + batcher.waiting + batcher.kvUsedTokens).toBe(0);
  });

  it('the closed form gives bit-identical times and stats to one event per iteration', () => {
    for (const seed of [1, 2, 3]) {
      const closed = randomRun(seed, false);
      const stepped = randomRun(seed, true);
      expect(closed.heard.first).toEqual(stepped.heard.first);
      expect(closed.heard.finish).toEqual(stepped.heard.finish);
      expect(closed.heard.preempted).toEqual(stepped.heard.preempted);
      expect(closed.batcher.stats).toEqual(stepped.batcher.stats);
      expect(closed.sim.now).toBe(stepped.sim.now);
      // Stepped: about one event per iteration plus the arrivals.
      expect(stepped.sim.eventsFired).toBeGreaterThan(stepped.batcher.stats.iterations);
      expect(closed.sim.eventsFired).toBeLessThan(stepped.sim.eventsFired / 3);
    }
  });
});
