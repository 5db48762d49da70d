/**
 * The differential-privacy wrappers: central DP-FedAvg (McMahan et al. 2018),
 * adaptive clipping (Andrew et al. 2021) and local DP. Expected values are
 * worked out by hand in the comments; noise is checked statistically
 * (noise-stats.ts) over seeded draws.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import { FedAvg } from '../../../../src/workloads/federated/index.js';
import { updateNorm } from '../../../../src/workloads/federated/kernels/norm-clip.js';
import { privacyWrappers } from '../../../../src/workloads/federated/privacy/mechanism.js';
import type { ClientContext } from '../../../../src/workloads/federated/strategies/client-hook.js';
import type {
  AggregateResult,
  ClientFailure,
  ClientUpdate,
} from '../../../../src/workloads/federated/strategies/strategy.js';
import { ClippedStrategy } from '../../../../src/workloads/federated/strategies/wrappers/clip.js';
import {
  adaptiveNoise,
  DpAdaptiveStrategy,
  dpAdaptiveClientProblems,
  dpAdaptiveOptions,
} from '../../../../src/workloads/federated/strategies/wrappers/dp-adaptive.js';
import {
  DpCentralStrategy,
  dpCentralOptions,
} from '../../../../src/workloads/federated/strategies/wrappers/dp-central.js';
import { DpLocalStrategy } from '../../../../src/workloads/federated/strategies/wrappers/dp-local.js';
import { clientContext, f32, update, weightsOf } from '../../../helpers/fl.js';
import { noiseScores } from './noise-stats.js';

/** FedAvg that keeps the updates it was asked to aggregate. */
class SpyFedAvg extends FedAvg {
  readonly seen: ClientUpdate[][] = [];
  override aggregateFit(
    round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
    failures: readonly ClientFailure[],
  ): AggregateResult {
    this.seen.push([...results]);
    return super.aggregateFit(round, global, results, failures);
  }
}

/** A client's model at `global` + `delta`, where delta is `dims` uniform values scaled to norm `norm`. */
function randomUpdate(id: number, global: Float32Array, norm: number, streams: RandomStreams) {
  const rng = streams.stream('update', id);
  const delta = Float64Array.from(global, () => rng.uniform(-1, 1));
  const scale = norm / Math.hypot(...delta);
  return update(
    id,
    10,
    Float32Array.from(global, (g, i) => g + delta[i]! * scale),
  );
}

/** `clients` updates equal to the global model: the aggregate is then the noise alone. */
const unchanged = (global: Float32Array, clients: number) =>
  Array.from({ length: clients }, (_, k) => update(k, 10, global.slice()));

describe('dp-central (DP-FedAvg)', () => {
  it('clips every update to norm C before the inner strategy sees it', () => {
    const streams = new RandomStreams(5);
    const global = Float32Array.from({ length: 50 }, (_, i) => i / 50);
    const results = [0.1, 0.9, 1, 3, 40, 1e4].map((n, k) => randomUpdate(k, global, n, streams));
    const inner = new SpyFedAvg();
    new DpCentralStrategy(inner, { noiseMultiplier: 0, clipNorm: 1 }, streams).aggregateFit(
      1,
      global,
      results,
      [],
    );
    const norms = inner.seen[0]!.map((u) => updateNorm(global, u.weights));
    for (const norm of norms) expect(norm).toBeLessThanOrEqual(1 + 1e-6);
    expect(norms[0]).toBeCloseTo(0.1, 6); // within the bound: untouched
    expect(norms[5]).toBeCloseTo(1, 5);
  });

  it('with z = 0 is exactly clipping: the same model as the clip wrapper', () => {
    const streams = new RandomStreams(5);
    const global = f32(1, 1);
    const results = [update(0, 1, f32(7, 9)), update(1, 3, f32(1.5, 1))];
    const dp = new DpCentralStrategy(new FedAvg(), { noiseMultiplier: 0, clipNorm: 5 }, streams);
    const clip = new ClippedStrategy(new FedAvg(), { clipNorm: 5 });
    expect(weightsOf(dp.aggregateFit(1, global, results, []))).toEqual(
      weightsOf(clip.aggregateFit(1, global, results, [])),
    );
  });

  it('adds noise of std z·C/n with n the clients aggregated: z = 1.5, C = 2, n = 4 gives 0.75', () => {
    const global = new Float32Array(100_000).fill(0.25);
    const dp = new DpCentralStrategy(
      new FedAvg(),
      { noiseMultiplier: 1.5, clipNorm: 2 },
      new RandomStreams(11),
    );
    const weights = weightsOf(dp.aggregateFit(3, global, unchanged(global, 4), []));
    const { varianceZ, meanZ } = noiseScores(
      weights.map((w, i) => w - global[i]!),
      0.75,
    );
    expect(Math.abs(varianceZ)).toBeLessThan(4);
    expect(Math.abs(meanZ)).toBeLessThan(4);
    expect(dp.roundPrivacy(3)).toEqual({
      round: 3,
      scope: 'central',
      noiseMultiplier: 1.5,
      clipNorm: 2,
      noiseStd: 0.75,
      clients: 4,
      released: true,
    });
  });

  it('divides by the expected clients under Poisson sampling: 1.5·2/10 = 0.3 with 4 present', () => {
    const global = new Float32Array(100_000);
    const dp = new DpCentralStrategy(
      new FedAvg(),
      { noiseMultiplier: 1.5, clipNorm: 2, expectedClientsPerRound: 10 },
      new RandomStreams(11),
    );
    const weights = weightsOf(dp.aggregateFit(1, global, unchanged(global, 4), []));
    expect(Math.abs(noiseScores(weights, 0.3).varianceZ)).toBeLessThan(4);
  });

  it("draws round r's noise from stream ('dp-noise', r): same seed and round, same model", () => {
    const global = new Float32Array(8);
    const run = (seed: number, round: number) =>
      weightsOf(
        new DpCentralStrategy(
          new FedAvg(),
          { noiseMultiplier: 1, clipNorm: 1 },
          new RandomStreams(seed),
        ).aggregateFit(round, global, unchanged(global, 2), []),
      );
    expect(run(1, 2)).toEqual(run(1, 2));
    expect(run(1, 2)).not.toEqual(run(1, 3));
  });

  it('releases nothing and adds no noise when the inner strategy skips the round', () => {
    const dp = new DpCentralStrategy(
      new FedAvg(),
      { noiseMultiplier: 1, clipNorm: 1 },
      new RandomStreams(1),
    );
    expect(dp.aggregateFit(1, f32(0), [], []).kind).toBe('skipped');
    expect(dp.roundPrivacy(1)?.released).toBe(false);
  });

  it('is found by privacyWrappers under another wrapper, and its options are strict', () => {
    const dp = new DpCentralStrategy(
      new FedAvg(),
      { noiseMultiplier: 1, clipNorm: 1 },
      new RandomStreams(1),
    );
    const outer = new ClippedStrategy(dp, { clipNorm: 3 });
    expect(outer.name).toBe('fedavg+dp-central+clip');
    expect(privacyWrappers(outer)).toEqual([dp]);
    expect(privacyWrappers(new FedAvg())).toEqual([]);
    expect(dpCentralOptions.safeParse({ noiseMultiplier: 1, clipNorm: 1, sigma: 2 }).success).toBe(
      false,
    );
    expect(
      () =>
        new DpCentralStrategy(
          new FedAvg(),
          { noiseMultiplier: -1, clipNorm: 1 },
          new RandomStreams(1),
        ),
    ).toThrow('noiseMultiplier(=-1) must be >= 0');
  });
});

describe('dp-adaptive (Andrew et al. 2021)', () => {
  const global = new Float32Array(20);
  const streams = new RandomStreams(2);
  /** Four clients with update norms 0.5, 2, 3 and 4: the median lies in [2, 3]. */
  const round = () => [0.5, 2, 3, 4].map((n, k) => randomUpdate(k, global, n, streams));
  const noiseless = (inner = new FedAvg()) =>
    new DpAdaptiveStrategy(
      inner,
      { noiseMultiplier: 0, initialClipNorm: 1, targetQuantile: 0.5, clipLearningRate: 0.2 },
      streams,
    );

  it('moves C toward the median by exp(−η(b̄ − γ)): 1 of 4 unclipped at C = 1 gives C = e^0.05', () => {
    // b̄ = ((1 − 4/2) + 0)/4 + 1/2 = 0.25; C = 1·exp(−0.2·(0.25 − 0.5)) = e^0.05.
    const inner = new SpyFedAvg();
    const dp = noiseless(inner);
    dp.aggregateFit(1, global, round(), []);
    expect(dp.clipNorm).toBeCloseTo(Math.exp(0.05), 12);
    for (const u of inner.seen[0]!)
      expect(updateNorm(global, u.weights)).toBeLessThanOrEqual(1 + 1e-6);
    expect(dp.roundPrivacy(1)?.clipNorm).toBe(1); // round 1 clipped at the old C
  });

  it('climbs by e^0.05 a round to e^0.7 ≈ 2.014 after 14 rounds, then stays: half the norms lie below', () => {
    // C < 2: one unclipped, b̄ = 0.25, C ×= e^0.05; e^0.65 < 2 ≤ e^0.7; in [2, 3) b̄ = 0.5 and C stays.
    const dp = noiseless();
    for (let r = 1; r <= 40; r++) dp.aggregateFit(r, global, round(), []);
    expect(dp.clipNorm).toBeCloseTo(Math.exp(0.7), 10);
  });

  it('moves down from above: C = 10 with all four unclipped shrinks by e^−0.1', () => {
    const dp = new DpAdaptiveStrategy(
      new FedAvg(),
      { noiseMultiplier: 0, initialClipNorm: 10 },
      streams,
    );
    dp.aggregateFit(1, global, round(), []);
    expect(dp.clipNorm).toBeCloseTo(10 * Math.exp(-0.2 * 0.5), 12);
  });

  it('splits z between update and count noise: z = 1, σ_b = 1 gives z_Δ = (1 − 1/4)^−½ = 2/√3', () => {
    expect(adaptiveNoise(1, 1, undefined).updateNoiseMultiplier).toBeCloseTo(2 / Math.sqrt(3), 12);
    // σ_b defaults to n/20: 20 expected clients give σ_b = 1, the same split.
    const dp = new DpAdaptiveStrategy(
      new FedAvg(),
      { noiseMultiplier: 1, expectedClientsPerRound: 20, initialClipNorm: 0.4 },
      streams,
    );
    expect(dp.clippedCountStddev).toBe(1);
    dp.aggregateFit(1, global, round(), []);
    expect(dp.roundPrivacy(1)?.noiseStd).toBeCloseTo(((2 / Math.sqrt(3)) * 0.4) / 20, 12);
    expect(dp.roundPrivacy(1)?.noiseMultiplier).toBe(1);
  });

  it('adds update noise of std z_Δ·C/n to the aggregate', () => {
    const big = new Float32Array(100_000);
    const dp = new DpAdaptiveStrategy(
      new FedAvg(),
      { noiseMultiplier: 1, clippedCountStddev: 1, initialClipNorm: 2 },
      new RandomStreams(4),
    );
    const weights = weightsOf(dp.aggregateFit(1, big, unchanged(big, 5), []));
    expect(Math.abs(noiseScores(weights, ((2 / Math.sqrt(3)) * 2) / 5).varianceZ)).toBeLessThan(4);
  });

  it('refuses z ≥ 2σ_b: z = 1 with 10 clients (σ_b = 0.5), as a client-count problem too', () => {
    expect(
      () =>
        new DpAdaptiveStrategy(
          new FedAvg(),
          { noiseMultiplier: 1, expectedClientsPerRound: 10 },
          streams,
        ),
    ).toThrow('noiseMultiplier(=1) must be < 2 x clippedCountStddev(=0.5)');
    expect(dpAdaptiveClientProblems({ noiseMultiplier: 1 }, 10)).toHaveLength(1);
    expect(dpAdaptiveClientProblems({ noiseMultiplier: 1 }, 100)).toEqual([]);
    expect(dpAdaptiveOptions.safeParse({ noiseMultiplier: 1, targetQuantile: 1.5 }).success).toBe(
      false,
    );
  });
});

describe('dp-local', () => {
  const context = (round: number, clientId: number, global: Float32Array): ClientContext =>
    clientContext({ configureFit: () => ({ proximalMu: 0 }) }, round, clientId, global);
  const finish = (dp: DpLocalStrategy, round: number, u: ClientUpdate, global: Float32Array) =>
    dp.clientHook.finish(context(round, u.clientId, global), { update: u, steps: 1 });

  it('clips each client update to C on the client: without noise its norm is at most C', () => {
    const streams = new RandomStreams(3);
    const global = Float32Array.from({ length: 30 }, (_, i) => -i / 30);
    const dp = new DpLocalStrategy(new FedAvg(), { noiseMultiplier: 0, clipNorm: 0.5 }, streams);
    for (const n of [0.1, 0.5, 7, 300]) {
      const sent = finish(dp, 1, randomUpdate(1, global, n, streams), global);
      expect(updateNorm(global, sent.weights)).toBeLessThanOrEqual(Math.min(n, 0.5) * (1 + 1e-6));
    }
  });

  it('adds N(0, (z·C)²) to every parameter: z = 2, C = 0.25 gives std 0.5, per (round, client) stream', () => {
    const global = new Float32Array(100_000).fill(1);
    const dp = new DpLocalStrategy(
      new FedAvg(),
      { noiseMultiplier: 2, clipNorm: 0.25 },
      new RandomStreams(9),
    );
    const sent = finish(dp, 2, update(7, 5, global.slice()), global);
    const { varianceZ } = noiseScores(
      sent.weights.map((w, i) => w - global[i]!),
      0.5,
    );
    expect(Math.abs(varianceZ)).toBeLessThan(4);
    const again = finish(dp, 2, update(7, 5, global.slice()), global);
    const other = finish(dp, 2, update(8, 5, global.slice()), global);
    const same = (a: Float32Array, b: Float32Array) => a.every((w, i) => w === b[i]);
    expect(same(again.weights, sent.weights)).toBe(true);
    expect(same(other.weights, sent.weights)).toBe(false);
    expect(dp.roundPrivacy(2)).toMatchObject({ scope: 'local', noiseStd: 0.5, clients: 3 });
  });

  it('leaves the server side to the inner strategy and refuses to send an unnoised controlDelta', () => {
    const global = f32(0, 0);
    const dp = new DpLocalStrategy(
      new FedAvg(),
      { noiseMultiplier: 1, clipNorm: 1 },
      new RandomStreams(1),
    );
    expect(weightsOf(dp.aggregateFit(1, global, [update(0, 1, f32(2, 4))], []))).toEqual(f32(2, 4));
    const withControl = { ...update(0, 1, f32(1, 1)), controlDelta: f32(1, 1) };
    expect(() => finish(dp, 1, withControl, global)).toThrow('controlDelta');
  });
});
