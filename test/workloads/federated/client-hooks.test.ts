/**
 * The client side of strategies: each strategy's client hook, and a round's
 * training calling the hooks around a (stub) trainer with one context per client.
 */
import { describe, expect, it } from 'vitest';
import { FedAvg, FedProx, Scaffold } from '../../../src/workloads/federated/index.js';
import { clientSeed, trainRound } from '../../../src/workloads/federated/round-training.js';
import type { ClientRecord, RoundTiming } from '../../../src/workloads/federated/rounds.js';
import type {
  ClientContext,
  ClientHook,
  TrainedClient,
} from '../../../src/workloads/federated/strategies/client-hook.js';
import type {
  ClientUpdate,
  Strategy,
} from '../../../src/workloads/federated/strategies/strategy.js';
import { WrappedStrategy } from '../../../src/workloads/federated/strategies/wrappers/wrapped.js';
import type { ClientTrainer } from '../../../src/workloads/federated/trainer.js';
import type { ClientResult, ClientTask } from '../../../src/workloads/federated/training.js';
import { clientContext, f32, LOCAL } from '../../helpers/fl.js';

const context = (strategy: Strategy, clientId: number, global: Float32Array): ClientContext =>
  clientContext(strategy, 1, clientId, global);

function trained(clientId: number, weights: Float32Array, steps: number): TrainedClient {
  return { update: { clientId, numExamples: 1, weights, loss: 0.5 }, steps };
}

describe('client hooks', () => {
  it("FedAvg's trains plainly and sends the trained model as it is", () => {
    const strategy = new FedAvg();
    const ctx = context(strategy, 0, f32(1));
    expect(strategy.clientHook.prepare(ctx)).toEqual({});
    const done = trained(0, f32(2), 3);
    expect(strategy.clientHook.finish(ctx, done)).toBe(done.update);
  });

  it("FedProx's adds the proximal term of the round's configuration", () => {
    const strategy = new FedProx({ proximalMu: 0.25 });
    expect(strategy.clientHook.prepare(context(strategy, 0, f32(1)))).toEqual({ proximalMu: 0.25 });
  });

  it("SCAFFOLD's corrects by c − c_i and sends Δc_i = c_i⁺ − c_i (option II)", () => {
    // Round 1: c = 0 and c_i = 0, so the correction is 0. The client goes from x = (1, 1)
    // to y = (0, 3) in K = 2 steps of η_l = 0.5: c_i⁺ = 0 − 0 + ((1, 1) − (0, 3))/(2·0.5) = (1, −2).
    const strategy = new Scaffold({ totalClients: 2 });
    const x = f32(1, 1);
    const first = context(strategy, 4, x);
    expect(strategy.clientHook.prepare(first)).toEqual({ gradientCorrection: f32(0, 0) });
    const update = strategy.clientHook.finish(first, trained(4, f32(0, 3), 2));
    expect(update.controlDelta).toEqual(f32(1, -2));
    expect(update.weights).toEqual(f32(0, 3));
    // The server's c becomes 0 + (1/N)·Δc = (0.5, −1); round 2 corrects client 4 by
    // c − c_i = (0.5, −1) − (1, −2) = (−0.5, 1), and a new client by c itself.
    strategy.aggregateFit(1, x, [update], []);
    const second = { ...context(strategy, 4, x), round: 2, config: strategy.configureFit(2, x) };
    expect(strategy.clientHook.prepare(second)).toEqual({ gradientCorrection: f32(-0.5, 1) });
    const fresh = { ...second, clientId: 5 };
    expect(strategy.clientHook.prepare(fresh)).toEqual({ gradientCorrection: f32(0.5, -1) });
  });

  it("SCAFFOLD's counts a client that took no step as one step", () => {
    // K = max(1, 0) = 1, η_l = 0.5: c_i⁺ = (x − y)/0.5 = ((1) − (0.5))/0.5 = 1.
    const strategy = new Scaffold({ totalClients: 1 });
    const ctx = context(strategy, 0, f32(1));
    expect(strategy.clientHook.finish(ctx, trained(0, f32(0.5), 0)).controlDelta).toEqual(f32(1));
  });

  it('keeps state per strategy instance: two SCAFFOLD runs do not share client controls', () => {
    expect(new Scaffold({ totalClients: 1 }).clientHook).not.toBe(
      new Scaffold({ totalClients: 1 }).clientHook,
    );
  });
});

/** A strategy around FedAvg whose client hook records its calls and tags each update. */
class Recording extends WrappedStrategy {
  readonly prepared: ClientContext[] = [];
  readonly aggregated: ClientUpdate[][] = [];
  override readonly clientHook: ClientHook = {
    prepare: (ctx) => {
      this.prepared.push(ctx);
      return { proximalMu: ctx.clientId / 10 };
    },
    finish: (ctx, done) => ({ ...done.update, numExamples: ctx.clientId }),
  };

  constructor() {
    super(new FedAvg(), 'recording');
  }

  override aggregateFit(...args: Parameters<Strategy['aggregateFit']>) {
    this.aggregated.push([...args[2]]);
    return super.aggregateFit(...args);
  }
}

/** A trainer that returns `weights[client]` for each task, recording the tasks. */
class StubTrainer implements ClientTrainer {
  readonly tasks: ClientTask[] = [];
  constructor(private readonly weights: Record<number, Float32Array>) {}
  async train(_global: Float32Array, tasks: readonly ClientTask[]): Promise<ClientResult[]> {
    this.tasks.push(...tasks);
    return tasks.map((t) => ({
      client: t.client,
      weights: this.weights[t.client]!,
      loss: 1,
      steps: 1,
      numExamples: 10,
      diverged: false,
      updateNorm: 0,
    }));
  }
  async evaluate() {
    return { loss: 0, accuracy: 0, confusion: new Int32Array(1), numClasses: 1 };
  }
  async close() {}
}

function record(client: number, outcome: ClientRecord['outcome']): ClientRecord {
  return {
    client,
    outcome,
    downloadS: 0,
    computeS: 0,
    uploadS: 0,
    waitingS: 0,
    energyJ: 0,
    bytesDown: 0,
    bytesUp: 0,
  };
}

describe('a round of training', () => {
  it('gives each arrived client a context in id order and aggregates what the hooks finish', async () => {
    // Clients 7 and 3 arrived (in that order), 5 straggled.
    const timing: RoundTiming = {
      round: 2,
      startS: 0,
      endS: 1,
      online: 9,
      clients: [record(7, 'aggregated'), record(5, 'straggler'), record(3, 'aggregated')],
      arrived: [7, 3],
    };
    const strategy = new Recording();
    const trainer = new StubTrainer({ 3: f32(4), 7: f32(8) });
    const indices = Array.from({ length: 9 }, (_, c) => Int32Array.of(c, c + 10));
    const global = f32(0);
    const outcome = await trainRound({
      round: 2,
      timing,
      global,
      strategy,
      trainer,
      indices,
      seed: 11,
      local: LOCAL,
    });
    expect(strategy.prepared.map((c) => [c.round, c.clientId, c.seed])).toEqual([
      [2, 3, clientSeed(11, 2, 3)],
      [2, 7, clientSeed(11, 2, 7)],
    ]);
    expect(strategy.prepared[0]!.indices).toBe(indices[3]);
    expect(strategy.prepared[0]!.global).toBe(global);
    // The hook's options travel with each training job.
    expect(trainer.tasks.map((t) => [t.client, t.proximalMu, t.seed])).toEqual([
      [3, 0.3, clientSeed(11, 2, 3)],
      [7, 0.7, clientSeed(11, 2, 7)],
    ]);
    // finish set numExamples to the client id: FedAvg weighs (3·4 + 7·8)/10 = 6.8.
    expect(strategy.aggregated[0]!.map((u) => u.numExamples)).toEqual([3, 7]);
    expect(outcome.aggregate).toMatchObject({ kind: 'aggregated', weights: f32(6.8) });
    expect([...outcome.losses.keys()]).toEqual([3, 7]);
  });
});
