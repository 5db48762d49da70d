/**
 * secure-sum.ts: the real tier's aggregate through the protocol equals the
 * plain mean of the survivors' updates within the fixed-point step.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import { federatedSection } from '../../../../src/workloads/federated/schema.js';
import type { SecAggTiming } from '../../../../src/workloads/federated/secagg-phases.js';
import type { SecureAggregation } from '../../../../src/workloads/federated/secure-aggregation.js';
import { secureSum } from '../../../../src/workloads/federated/secure-sum.js';

const streams = new RandomStreams(7);
const n = 50;
const global = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
const updateOf = (clientId: number) => {
  const rng = streams.stream('test-update', clientId);
  return {
    clientId,
    numExamples: 10 + clientId,
    weights: Float32Array.from(global, (g) => g + rng.uniform(-0.5, 0.5)),
    loss: clientId,
  };
};
const settings = (elements = (p: number) => p): SecureAggregation => ({
  threshold: 3,
  bits: 32,
  levels: 2 ** 22,
  clipRange: 8,
  elements,
});
const timing = (
  dropped: [number, 'share-keys' | 'masked-input' | 'unmasking'][] = [],
): SecAggTiming => ({
  participants: [0, 1, 2, 3, 4],
  droppedAt: new Map(dropped),
  phaseS: { 'share-keys': 0, 'masked-input': 0, unmasking: 0 },
  failedAt: null,
});

describe('secureSum', () => {
  it("gives w_global + the survivors' mean delta, within one fixed-point step (2R/L)", () => {
    // Client 4 left before its masked input: the sum holds clients 0-3.
    const updates = [0, 1, 2, 3].map(updateOf);
    const sum = secureSum({
      round: 1,
      seed: 1,
      streams,
      settings: settings(),
      timing: timing([[4, 'masked-input']]),
      global,
      updates,
    });
    expect(sum.ok).toBe(true);
    if (!sum.ok) return;
    const step = (2 * 8) / 2 ** 22;
    for (let i = 0; i < n; i++) {
      const mean = updates.reduce((s, u) => s + (u.weights[i]! - global[i]!), 0) / 4;
      expect(Math.abs(sum.update.weights[i]! - global[i]! - mean)).toBeLessThan(step + 1e-6);
    }
    expect(sum.update.numExamples).toBe(10 + 11 + 12 + 13);
    expect(sum.update.loss).toBeCloseTo((10 * 0 + 11 * 1 + 12 * 2 + 13 * 3) / 46, 12);
  });

  it('with random-k masks only the shared k coordinates; the others keep the global value', () => {
    const updates = [0, 1, 2, 3, 4].map(updateOf);
    const sum = secureSum({
      round: 2,
      seed: 1,
      streams,
      settings: settings(() => 10),
      timing: timing(),
      global,
      updates,
    });
    expect(sum.ok).toBe(true);
    if (!sum.ok) return;
    const changed = [...sum.update.weights].filter((w, i) => w !== global[i]).length;
    expect(changed).toBeLessThanOrEqual(10);
    expect(changed).toBeGreaterThan(0);
  });

  it('reports the phase when too few remain', () => {
    const updates = [0, 1].map(updateOf);
    const sum = secureSum({
      round: 3,
      seed: 1,
      streams,
      settings: settings(),
      timing: timing([
        [2, 'masked-input'],
        [3, 'masked-input'],
        [4, 'masked-input'],
      ]),
      global,
      updates,
    });
    expect(sum).toMatchObject({ ok: false });
    if (!sum.ok) expect(sum.reason).toMatch(/masked-input/);
  });
});

describe('federated.secureAggregation', () => {
  it('takes false for off (as a sweep lists it beside settings) and fills the defaults', () => {
    const field = federatedSection.shape.secureAggregation;
    expect(field.parse(false)).toBeUndefined();
    expect(field.parse({ threshold: 3 })).toEqual({
      threshold: 3,
      bits: 32,
      levels: 2 ** 22,
      clipRange: 8,
    });
  });
});
