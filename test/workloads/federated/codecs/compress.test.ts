/**
 * The compress wrapper: the update the server receives is global + the
 * decoded delta, error feedback carries across rounds per client, and the
 * upload it charges is the encoded size.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import { FedAvg, FedProx, Scaffold } from '../../../../src/workloads/federated/index.js';
import type { TrainedClient } from '../../../../src/workloads/federated/strategies/client-hook.js';
import type { Strategy } from '../../../../src/workloads/federated/strategies/strategy.js';
import {
  CompressedStrategy,
  type CompressOptions,
  secureAggregationSupport,
} from '../../../../src/workloads/federated/strategies/wrappers/compress.js';
import { clientContext, f32 } from '../../../helpers/fl.js';

const context = clientContext;

function trained(clientId: number, weights: Float32Array): TrainedClient {
  return { update: { clientId, numExamples: 3, weights, loss: 0.5 }, steps: 2 };
}

const compressed = (inner: Strategy, options: CompressOptions) =>
  new CompressedStrategy(inner, options, new RandomStreams(1));

describe('CompressedStrategy', () => {
  it('sends global + decode(encode(w - global)): top-1 of a delta (1, -2, 0.5)', () => {
    const strategy = compressed(new FedAvg(), { codec: 'top-k', ratio: 1 / 3 });
    expect(strategy.name).toBe('fedavg+compress');
    const global = f32(10, 20, 30);
    const ctx = context(strategy, 1, 4, global);
    const update = strategy.clientHook.finish(ctx, trained(4, f32(11, 18, 30.5)));
    expect([...update.weights]).toEqual([10, 18, 30]);
    expect(update).toMatchObject({ clientId: 4, numExamples: 3, loss: 0.5 });
  });

  it("keeps each client's residual across rounds with error feedback", () => {
    const strategy = compressed(new FedAvg(), { codec: 'top-k', ratio: 0.5, errorFeedback: true });
    const global = f32(0, 0);
    const first = strategy.clientHook.finish(
      context(strategy, 1, 0, global),
      trained(0, f32(1, 2)),
    );
    expect([...first.weights]).toEqual([0, 2]);
    const other = strategy.clientHook.finish(
      context(strategy, 1, 1, global),
      trained(1, f32(3, 0)),
    );
    expect([...other.weights]).toEqual([3, 0]);
    // Round 2: client 0 trains nothing new; what it held back (1 at index 0) goes now.
    const second = strategy.clientHook.finish(
      context(strategy, 2, 0, global),
      trained(0, f32(0, 0)),
    );
    expect([...second.weights]).toEqual([1, 0]);
    expect([...strategy.feedback!.residual(0, 2)]).toEqual([0, 0]);
  });

  it("keeps the inner strategy's client preparation (FedProx's proximal term)", () => {
    const strategy = compressed(new FedProx({ proximalMu: 0.25 }), { codec: 'fp16' });
    expect(strategy.clientHook.prepare(context(strategy, 1, 0, f32(1)))).toEqual({
      proximalMu: 0.25,
    });
  });

  it('charges the encoded upload instead of the float32 model, the download unchanged', () => {
    const strategy = compressed(new FedAvg(), { codec: 'qsgd', levels: 1 });
    expect(strategy.clientCost(1000)).toEqual({
      bytesDown: 4000,
      bytesUp: 4 + 250, // 2 bits a parameter after the float32 norm
      flopsPerStep: 0,
    });
  });

  it("leaves SCAFFOLD's control delta uncompressed in the upload", () => {
    const strategy = compressed(new Scaffold({ totalClients: 10 }), { codec: 'int8' });
    const inner = new Scaffold({ totalClients: 10 }).clientCost(1000);
    expect(strategy.clientCost(1000)).toEqual({ ...inner, bytesUp: 4000 + (4 + 1000) });
  });

  it('refuses bad options with a RangeError naming them', () => {
    expect(() => compressed(new FedAvg(), { codec: 'top-k', ratio: 1.5 })).toThrow(
      'ratio(=1.5) must be in (0, 1]',
    );
    expect(() => compressed(new FedAvg(), { codec: 'qsgd' })).toThrow('codec qsgd needs levels');
  });

  it('says whether its codec composes with secure aggregation', () => {
    expect(secureAggregationSupport('qsgd').composes).toBe(true);
    expect(secureAggregationSupport('top-k').composes).toBe(false);
    const strategy = compressed(new FedAvg(), { codec: 'top-k', ratio: 0.1 });
    expect(strategy.secureAggregation).toEqual(secureAggregationSupport('top-k'));
  });
});
