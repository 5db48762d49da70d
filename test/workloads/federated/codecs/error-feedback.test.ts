/**
 * Error feedback: what was sent plus the final residual is what was
 * produced. Deltas are small integers, so every float32 sum is exact and the
 * conservation is checked with toEqual, not a tolerance.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import {
  ErrorFeedback,
  QsgdCodec,
  RandomKCodec,
  TopKCodec,
  type UpdateCodec,
} from '../../../../src/workloads/federated/codecs/index.js';

const N = 40;
const ROUNDS = 12;

/** Sum of the raw deltas and of the decoded updates over ROUNDS rounds of one client. */
function run(codec: UpdateCodec, clientId: number) {
  const feedback = new ErrorFeedback(codec);
  const rng = new RandomStreams(21).stream('ef-deltas', clientId);
  const raw = new Float64Array(N);
  const sent = new Float64Array(N);
  for (let round = 1; round <= ROUNDS; round++) {
    const delta = Float32Array.from({ length: N }, () => rng.integer(17) - 8);
    const { decoded } = feedback.compress(delta, { round, clientId });
    delta.forEach((x, i) => {
      raw[i]! += x;
      sent[i]! += decoded[i]!;
    });
  }
  return { raw, sent, residual: feedback.residual(clientId, N), feedback };
}

describe('ErrorFeedback', () => {
  it('conserves exactly with top-k: sum sent + residual == sum of raw deltas', () => {
    const { raw, sent, residual } = run(new TopKCodec({ ratio: 0.1 }), 3);
    expect(Array.from(sent, (s, i) => s + residual[i]!)).toEqual([...raw]);
    expect(residual.some((m) => m !== 0)).toBe(true); // something was held back
  });

  it('conserves exactly with random-k', () => {
    const { raw, sent, residual } = run(new RandomKCodec({ ratio: 0.2 }, new RandomStreams(5)), 1);
    expect(Array.from(sent, (s, i) => s + residual[i]!)).toEqual([...raw]);
  });

  it('conserves with a lossy codec (QSGD) up to the float32 roundings of a and of a - sent', () => {
    // a = fl(delta + m) and m' = fl(a - sent) each round to nearest float32, so
    // sum sent + m_final - sum delta = sum over rounds of (a - (delta + m)) + (m' - (a - sent)),
    // each term at most 2^-24 times |a| or |m'|: the bound accumulated below, per coordinate.
    const feedback = new ErrorFeedback(new QsgdCodec({ levels: 2 }, new RandomStreams(8)));
    const rng = new RandomStreams(21).stream('ef-qsgd');
    const raw = new Float64Array(N);
    const sent = new Float64Array(N);
    const bound = new Float64Array(N);
    for (let round = 1; round <= ROUNDS; round++) {
      const delta = Float32Array.from({ length: N }, () => rng.normal(0, 0.1));
      const before = feedback.residual(0, N);
      const { decoded } = feedback.compress(delta, { round, clientId: 0 });
      const after = feedback.residual(0, N);
      for (let i = 0; i < N; i++) {
        raw[i]! += delta[i]!;
        sent[i]! += decoded[i]!;
        const a = Math.fround(delta[i]! + before[i]!);
        bound[i]! += 2 ** -24 * (Math.abs(a) + Math.abs(after[i]!));
      }
    }
    const residual = feedback.residual(0, N);
    let nonZero = 0;
    for (let i = 0; i < N; i++) {
      const gap = Math.abs(sent[i]! + residual[i]! - raw[i]!);
      expect(gap).toBeLessThanOrEqual(bound[i]!);
      if (residual[i] !== 0) nonZero++;
    }
    expect(nonZero).toBeGreaterThan(0);
  });

  it('adds the memory to the next update: top-1 of (1, 2) then of (0, 0) sends the held 1', () => {
    const feedback = new ErrorFeedback(new TopKCodec({ ratio: 0.5 }));
    const first = feedback.compress(Float32Array.of(1, 2), { round: 1, clientId: 0 });
    expect([...first.decoded]).toEqual([0, 2]);
    expect([...feedback.residual(0, 2)]).toEqual([1, 0]);
    const second = feedback.compress(Float32Array.of(0, 0), { round: 2, clientId: 0 });
    expect([...second.decoded]).toEqual([1, 0]);
    expect([...feedback.residual(0, 2)]).toEqual([0, 0]);
  });

  it('keeps one memory per client', () => {
    const feedback = new ErrorFeedback(new TopKCodec({ ratio: 0.5 }));
    feedback.compress(Float32Array.of(1, 2), { round: 1, clientId: 0 });
    feedback.compress(Float32Array.of(5, 3), { round: 1, clientId: 1 });
    expect([...feedback.residual(0, 2)]).toEqual([1, 0]);
    expect([...feedback.residual(1, 2)]).toEqual([0, 3]);
    expect(feedback.clients).toBe(2);
  });
});
