/** FedAsync's mixing kernel, FedBuff's scaled delta and the staleness weights, on hand-worked values. */
import { describe, expect, it } from 'vitest';
import { FedAsyncServer, FedBuffServer } from '../../../src/workloads/federated/async/server.js';
import { stalenessWeight } from '../../../src/workloads/federated/async/staleness.js';
import {
  bufferedAverage,
  mixInPlace,
  scaledModel,
} from '../../../src/workloads/federated/kernels/async-mix.js';
import { FedAvg } from '../../../src/workloads/federated/strategies/fedavg.js';

const f32 = (...values: number[]): Float32Array => Float32Array.from(values);

describe('mixInPlace', () => {
  it('gives (1 − a)·global + a·local, rounded once per element', () => {
    // Prepare: one client, staleness 0, a = alpha = 0.25.
    const global = f32(1, -2, 0.5, 8, 3);
    const local = f32(5, 2, -0.5, 0, 3);
    // Execute
    mixInPlace(global, local, 0.25);
    // Assert: 0.75·1 + 0.25·5 = 2; 0.75·(−2) + 0.25·2 = −1; 0.375 − 0.125 = 0.25; 6 + 0 = 6; 3.
    expect(global).toEqual(f32(2, -1, 0.25, 6, 3));
  });

  it('rounds the float64 value once to float32', () => {
    // 0.9·0.1f + 0.1·0.7f in float64, then Math.fround: not the float32 chain of operations.
    const g = f32(0.1);
    const l = f32(0.7);
    const expected = Math.fround(0.9 * Math.fround(0.1) + 0.1 * Math.fround(0.7));
    mixInPlace(g, l, 0.1);
    expect(g[0]).toBe(expected);
  });

  it('returns the local model exactly when a = 1 and leaves global when a = 0', () => {
    const local = f32(0.1, -3.3, 1e-30, 7);
    const global = f32(4, 4, 4, 4);
    expect(mixInPlace(Float32Array.from(global), local, 1)).toEqual(local);
    expect(mixInPlace(Float32Array.from(global), local, 0)).toEqual(global);
  });

  it('rejects a weight outside [0, 1] and vectors of different lengths', () => {
    expect(() => mixInPlace(f32(1), f32(1), 1.5)).toThrow('a(=1.5) must be in [0, 1]');
    expect(() => mixInPlace(f32(1, 2), f32(1), 0.5)).toThrow(RangeError);
  });
});

describe('scaledModel', () => {
  it('puts the delta from the base, times w, on the current global', () => {
    // global + w·(local − base) = [1 + 0.5·(3 − 1), 2 + 0.5·(0 − 4)] = [2, 0].
    expect(scaledModel(f32(1, 2), f32(1, 4), f32(3, 0), 0.5)).toEqual(f32(2, 0));
  });

  it('hands back the local model itself when it is fresh (base is global) and w = 1', () => {
    const global = f32(0.1, 0.2);
    const local = f32(0.3, 0.7);
    expect(scaledModel(global, global, local, 1)).toBe(local);
  });
});

describe('bufferedAverage', () => {
  it('is global + Σ c_k·(local_k − base_k), the mean of the scaled models', () => {
    // Two updates on two bases: c = [0.25, 0.5].
    // Element 0: 1 + 0.25·(3 − 1) + 0.5·(2 − 4) = 1 + 0.5 − 1 = 0.5.
    // Element 1: 2 + 0.25·(2 − 2) + 0.5·(8 − 0) = 6.
    const out = bufferedAverage(
      f32(1, 2),
      [f32(3, 2), f32(2, 8)],
      [f32(1, 2), f32(4, 0)],
      [0.25, 0.5],
    );
    expect(out).toEqual(f32(0.5, 6));
  });

  it('agrees with averaging the scaled models, across block boundaries', () => {
    const n = 10_000; // more than one 4096-element block
    const wave = (phase: number) =>
      Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + phase));
    const global = wave(0);
    const locals = [wave(1), wave(2), wave(3)];
    const bases = [wave(4), global, wave(4)];
    const c = [0.2, 0.3, 0.5];
    const out = bufferedAverage(global, locals, bases, c);
    for (const i of [0, 4095, 4096, 9999]) {
      const expected =
        global[i]! + c.reduce((s, ck, k) => s + ck * (locals[k]![i]! - bases[k]![i]!), 0);
      expect(out[i]).toBe(Math.fround(expected));
    }
  });
});

describe('stalenessWeight', () => {
  it('constant is 1 at any staleness', () => {
    expect(stalenessWeight({ kind: 'constant' }, 0)).toBe(1);
    expect(stalenessWeight({ kind: 'constant' }, 17)).toBe(1);
  });

  it('polynomial(a) is (1 + τ)^−a: FedBuff’s 1/√(1 + τ) at a = 0.5', () => {
    expect(stalenessWeight({ kind: 'polynomial', a: 0.5 }, 3)).toBe(0.5); // 1/√4
    expect(stalenessWeight({ kind: 'polynomial', a: 2 }, 1)).toBe(0.25); // 1/2²
    expect(stalenessWeight({ kind: 'polynomial', a: 0.5 }, 0)).toBe(1);
  });

  it('hinge(a, b) is 1 up to b, then 1/(a(τ − b) + 1)', () => {
    const hinge = { kind: 'hinge', a: 10, b: 4 } as const;
    expect(stalenessWeight(hinge, 4)).toBe(1);
    expect(stalenessWeight(hinge, 5)).toBe(1 / 11);
    expect(stalenessWeight(hinge, 6)).toBe(1 / 21);
  });

  it('rejects a negative or fractional staleness', () => {
    expect(() => stalenessWeight({ kind: 'constant' }, -1)).toThrow('staleness(=-1)');
    expect(() => stalenessWeight({ kind: 'constant' }, 0.5)).toThrow(RangeError);
  });
});

describe('the asynchronous servers', () => {
  it('FedAsync mixes each update with alpha·s(staleness)', () => {
    // alpha 0.5, polynomial a = 1: staleness 1 gives a = 0.5·(1/2) = 0.25.
    const server = new FedAsyncServer(f32(4, 0), 0.5, { kind: 'polynomial', a: 1 });
    server.receive({
      update: { clientId: 0, numExamples: 1, weights: f32(8, 4) },
      base: f32(0, 0),
      staleness: 1,
    });
    server.apply(1);
    expect(server.global).toEqual(f32(5, 1)); // 0.75·4 + 0.25·8, 0.25·4
  });

  it('FedBuff gives FedAvg the example-weighted mean of global + s·(local − base)', () => {
    // global [1, 1]; client 1 (3 examples) fresh-but-stale-base with s = 1/√(1+3) = 0.5;
    // client 0 (1 example) with staleness 0 on the global: s = 1.
    // scaled: client 0: [1, 1] + ([3, 5] − [1, 1]) = [3, 5]; client 1: [1, 1] + 0.5·([4, 0] − [2, 2]) = [2, 0].
    // mean by examples: ([3, 5] + 3·[2, 0]) / 4 = [2.25, 1.25].
    const global = f32(1, 1);
    const server = new FedBuffServer(global, new FedAvg(), { kind: 'polynomial', a: 0.5 });
    server.receive({
      update: { clientId: 1, numExamples: 3, weights: f32(4, 0) },
      base: f32(2, 2),
      staleness: 3,
    });
    server.receive({
      update: { clientId: 0, numExamples: 1, weights: f32(3, 5) },
      base: global,
      staleness: 0,
    });
    server.apply(1);
    expect(server.global).toEqual(f32(2.25, 1.25));
  });
});
