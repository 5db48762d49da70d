import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import {
  type ClientUpdate,
  createStrategy,
  FedAdagrad,
  FedAdam,
  FedAvg,
  FedAvgM,
  FedProx,
  FedYogi,
  Scaffold,
  STRATEGIES,
  type Strategy,
} from '../../../src/workloads/federated/index.js';
import {
  STRATEGY_OPTIONS,
  strategySpec,
} from '../../../src/workloads/federated/strategies/registry.js';
import { f32, update, weightsOf } from '../../helpers/fl.js';

/** Global (1, 2); client models (2, 2) with 1 example and (2, 6) with 3: FedAvg gives (2, 5). */
const GLOBAL = f32(1, 2);
const ROUND_ONE = [update(0, 1, f32(2, 2)), update(1, 3, f32(2, 6))];

describe('FedAvg', () => {
  it('returns the example-weighted mean of the client models', () => {
    // ((1·2 + 3·2)/4, (1·2 + 3·6)/4) = (2, 5).
    const result = new FedAvg().aggregateFit(1, GLOBAL, ROUND_ONE, []);
    expect(weightsOf(result)).toEqual(f32(2, 5));
  });

  it('returns a model exactly when every client sent that model', () => {
    const model = f32(0.1, -0.7, 1e-5);
    const results = [
      update(0, 10, model),
      update(1, 25, f32(...model)),
      update(2, 1, f32(...model)),
    ];
    expect(weightsOf(new FedAvg().aggregateFit(1, f32(0, 0, 0), results, []))).toEqual(model);
  });

  it('reports the results, their examples and their example-weighted loss', () => {
    const results = [
      { ...update(0, 1, f32(0)), loss: 2 },
      { ...update(1, 3, f32(0)), loss: 1 },
      update(2, 4, f32(0)),
    ];
    // Loss over the clients that reported one: (1·2 + 3·1)/4 = 1.25.
    expect(new FedAvg().aggregateFit(1, f32(0), results, [])).toMatchObject({
      kind: 'aggregated',
      numResults: 3,
      numExamples: 8,
      loss: 1.25,
    });
  });

  it('skips a round with no results', () => {
    const failures = [{ clientId: 3, reason: 'battery' }];
    expect(new FedAvg().aggregateFit(1, GLOBAL, [], failures)).toEqual({
      kind: 'skipped',
      reason: 'no client results (1 failures)',
    });
  });

  it('aggregates the results that arrived when some clients failed', () => {
    const failures = [{ clientId: 9, reason: 'timeout' }];
    expect(weightsOf(new FedAvg().aggregateFit(1, GLOBAL, ROUND_ONE, failures))).toEqual(f32(2, 5));
  });

  it('skips a round with failures when acceptFailures is false', () => {
    const failures = [{ clientId: 9, reason: 'timeout' }];
    const result = new FedAvg({ acceptFailures: false }).aggregateFit(
      1,
      GLOBAL,
      ROUND_ONE,
      failures,
    );
    expect(result.kind).toBe('skipped');
  });

  it('skips a round whose results report no examples', () => {
    const result = new FedAvg().aggregateFit(1, GLOBAL, [update(0, 0, f32(5, 5))], []);
    expect(result).toEqual({ kind: 'skipped', reason: 'the results report 0 examples in total' });
  });

  it('asks clients for plain local training', () => {
    expect(new FedAvg().configureFit(1, GLOBAL)).toEqual({ proximalMu: 0 });
  });

  it('rejects client models of another length than the global model', () => {
    expect(() => new FedAvg().aggregateFit(1, f32(1, 2, 3), ROUND_ONE, [])).toThrow(RangeError);
  });
});

describe('FedAvgM', () => {
  it('equals FedAvg bit for bit with momentum 0 and learning rate 1', () => {
    const global = f32(0.3, -1.7, 2.9);
    const results = [update(0, 7, f32(0.11, 0.22, 0.33)), update(1, 3, f32(-1.1, 4.4, 0.01))];
    const plain = weightsOf(new FedAvg().aggregateFit(1, global, results, []));
    const options = { serverLearningRate: 1, serverMomentum: 0 };
    const momentum = weightsOf(new FedAvgM(options).aggregateFit(1, global, results, []));
    expect(momentum).toEqual(plain);
  });

  it('defaults to server momentum 0.9 and learning rate 10^-0.5 (Reddi et al.; Hsu et al.), so it is not FedAvg', () => {
    expect(new FedAvgM()).toMatchObject({
      serverMomentum: 0.9,
      serverLearningRate: 10 ** -0.5,
    });
    // Two rounds from (1, 2) with every client at global + (1, 1): g = (−1, −1) both times,
    // v = g, then 0.9·g + g = 1.9·g; x moves by η·(1 + 1.9) = 0.3162278·2.9 = 0.9170605.
    // FedAvg would have moved by 2.
    const strategy = new FedAvgM();
    const onePlus = (x: Float32Array) => [update(0, 1, f32(x[0]! + 1, x[1]! + 1))];
    const first = weightsOf(strategy.aggregateFit(1, GLOBAL, onePlus(GLOBAL), []));
    const second = weightsOf(strategy.aggregateFit(2, first, onePlus(first), []));
    expect(second[0]).toBeCloseTo(1 + 2.9 * 10 ** -0.5, 6);
    expect(second[1]).toBeCloseTo(2 + 2.9 * 10 ** -0.5, 6);
  });

  it('applies SGD with momentum to the pseudo-gradient global − average', () => {
    // Prepare: η = 0.5, β = 0.5.
    const strategy = new FedAvgM({ serverLearningRate: 0.5, serverMomentum: 0.5 });
    // Round 1: g = (1, 2) − (2, 5) = (−1, −3), v = g, x = (1, 2) − 0.5·v = (1.5, 3.5).
    const first = weightsOf(strategy.aggregateFit(1, GLOBAL, ROUND_ONE, []));
    expect(first).toEqual(f32(1.5, 3.5));
    // Round 2: one client at (2.5, 3.5): g = (−1, 0), v = 0.5·(−1, −3) + (−1, 0) = (−1.5, −1.5),
    // x = (1.5, 3.5) − 0.5·(−1.5, −1.5) = (2.25, 4.25).
    const second = strategy.aggregateFit(2, first, [update(0, 1, f32(2.5, 3.5))], []);
    expect(weightsOf(second)).toEqual(f32(2.25, 4.25));
  });

  it('rejects a momentum outside [0, 1)', () => {
    expect(() => new FedAvgM({ serverMomentum: 1 })).toThrow(
      'serverMomentum(=1) must be in [0, 1)',
    );
  });
});

describe('FedProx', () => {
  it('sends the proximal weight μ to the clients', () => {
    expect(new FedProx({ proximalMu: 0.01 }).configureFit(1, GLOBAL)).toEqual({ proximalMu: 0.01 });
  });

  it('aggregates as FedAvg', () => {
    const result = new FedProx({ proximalMu: 0.01 }).aggregateFit(1, GLOBAL, ROUND_ONE, []);
    expect(weightsOf(result)).toEqual(f32(2, 5));
  });

  it('requires μ', () => {
    expect(() => new FedProx({} as never)).toThrow('proximalMu(=undefined) must be >= 0');
  });
});

describe('adaptive server optimizers', () => {
  // Every round below starts from Δ = FedAvg − global = (2, 5) − (1, 2) = (1, 3)
  // or, with CLIENT_AT, from a chosen Δ; values are exact in binary.
  const CLIENT_AT = (global: Float32Array, delta: number[]): ClientUpdate[] => [
    update(0, 1, f32(...global.map((x, i) => x + delta[i]!))),
  ];

  it('FedAdam takes one bias-corrected Adam step', () => {
    // β1 = 0.5, β2 = 0.75, η = 0.1, Δ = (1, 2):
    // m = 0.5·Δ = (0.5, 1), v = 0.25·Δ² = (0.25, 1), m/√v = (1, 1),
    // η₁ = 0.1·√(1 − 0.75²)/(1 − 0.5²) = 0.0881917 (round 1, Flower's exponent 2).
    const strategy = new FedAdam({ serverLearningRate: 0.1, beta1: 0.5, beta2: 0.75, tau: 1e-9 });
    const next = weightsOf(strategy.aggregateFit(1, GLOBAL, CLIENT_AT(GLOBAL, [1, 2]), []));
    expect(next[0]).toBeCloseTo(1 + 0.0881917, 6);
    expect(next[1]).toBeCloseTo(2 + 0.0881917, 6);
  });

  it('FedYogi moves v towards Δ² additively and keeps both moments across rounds', () => {
    const strategy = new FedYogi({ serverLearningRate: 1, beta1: 0.5, beta2: 0.75, tau: 0.5 });
    // Round 1, Δ = (1, 2): m = (0.5, 1); v = 0 − 0.25·Δ²·sign(0 − Δ²) = (0.25, 1);
    // x = (1, 2) + m/(√v + 0.5) = (1 + 0.5/1, 2 + 1/1.5) = (1.5, 2.6666667).
    const first = weightsOf(strategy.aggregateFit(1, GLOBAL, CLIENT_AT(GLOBAL, [1, 2]), []));
    expect(first).toEqual(f32(1.5, 2 + 1 / 1.5));
    // Round 2, Δ = (1, 0.5): m = 0.5·(0.5, 1) + 0.5·(1, 0.5) = (0.75, 0.75);
    // v₀ = 0.25 < Δ² = 1 rises by 0.25 to 0.5; v₁ = 1 > Δ² = 0.25 falls by 0.0625 to 0.9375;
    // x = first + 0.75/(√0.5 + 0.5), first + 0.75/(√0.9375 + 0.5) = first + (0.6213203, 0.5108136).
    const second = weightsOf(strategy.aggregateFit(2, first, CLIENT_AT(first, [1, 0.5]), []));
    expect(second[0]).toBeCloseTo(1.5 + 0.6213203, 6);
    expect(second[1]).toBeCloseTo(2 + 1 / 1.5 + 0.5108136, 6);
  });

  it('FedAdagrad steps by Δ/(√ΣΔ² + τ) without momentum by default', () => {
    // Δ = (1, 2): m = Δ, v = Δ² = (1, 4); x = (1, 2) + 1·(1/(1 + 0.5), 2/(2 + 0.5)) = (1.6666667, 2.8).
    const strategy = new FedAdagrad({ serverLearningRate: 1, tau: 0.5 });
    const next = weightsOf(strategy.aggregateFit(1, GLOBAL, CLIENT_AT(GLOBAL, [1, 2]), []));
    expect(next).toEqual(f32(1 + 1 / 1.5, 2.8));
  });

  it('uses the defaults of Reddi et al. (2021): tau 1e-3 and the grid-best server learning rates', () => {
    // google-research/federated optimization/docs/hyperparameters.md: epsilon 0.001; EMNIST CR
    // server learning rates 10^-2.5 (Adam, Yogi) and 10^-1 (Adagrad).
    expect(new FedAdam()).toMatchObject({
      serverLearningRate: 10 ** -2.5,
      beta1: 0.9,
      beta2: 0.99,
      tau: 1e-3,
    });
    expect(new FedYogi()).toMatchObject({
      serverLearningRate: 10 ** -2.5,
      beta1: 0.9,
      beta2: 0.99,
      tau: 1e-3,
    });
    expect(new FedAdagrad()).toMatchObject({ serverLearningRate: 0.1, beta1: 0, tau: 1e-3 });
  });

  it('skips a round with no results without touching its moments', () => {
    const strategy = new FedAdagrad({ serverLearningRate: 1, tau: 0.5 });
    expect(strategy.aggregateFit(1, GLOBAL, [], []).kind).toBe('skipped');
    // Same first step as on a fresh strategy (see above): the skip left v at 0.
    const next = weightsOf(strategy.aggregateFit(2, GLOBAL, CLIENT_AT(GLOBAL, [1, 2]), []));
    expect(next).toEqual(f32(1 + 1 / 1.5, 2.8));
  });
});

describe('SCAFFOLD', () => {
  const controlled = (
    id: number,
    n: number,
    weights: Float32Array,
    controlDelta: Float32Array,
  ) => ({
    ...update(id, n, weights),
    controlDelta,
  });

  it('sends a zero control variate before the first round', () => {
    const config = new Scaffold({ totalClients: 4 }).configureFit(1, f32(1, 1));
    expect(config).toEqual({ proximalMu: 0, serverControl: f32(0, 0) });
  });

  it('moves the model by η_g times the unweighted mean change and c by ΣΔc/N', () => {
    // Prepare: N = 4, η_g = 0.5, x = (1, 1); two clients with 10 and 30 examples.
    const strategy = new Scaffold({ totalClients: 4, serverLearningRate: 0.5 });
    strategy.configureFit(1, f32(1, 1));
    const results = [
      controlled(0, 10, f32(3, 1), f32(1, 0)),
      controlled(1, 30, f32(1, 5), f32(0, -2)),
    ];
    // Execute
    const next = weightsOf(strategy.aggregateFit(1, f32(1, 1), results, []));
    // Assert: x + 0.5·((2, 0) + (0, 4))/2 = (1.5, 2), whatever the example counts;
    // c = 0 + ((1, 0) + (0, −2))/4 = (0.25, −0.5), sent with the next round.
    expect(next).toEqual(f32(1.5, 2));
    expect(strategy.configureFit(2, next).serverControl).toEqual(f32(0.25, -0.5));
  });

  it('leaves the control variate it sent unchanged when it updates its own', () => {
    const strategy = new Scaffold({ totalClients: 2 });
    const sent = strategy.configureFit(1, f32(0)).serverControl!;
    strategy.aggregateFit(1, f32(0), [controlled(0, 1, f32(1), f32(1))], []);
    expect(sent).toEqual(f32(0));
  });

  it('rejects a result without a control delta, naming the client', () => {
    const strategy = new Scaffold({ totalClients: 2 });
    expect(() => strategy.aggregateFit(1, f32(0), [update(7, 1, f32(1))], [])).toThrow(
      'client 7 sent no controlDelta',
    );
  });
});

describe('createStrategy', () => {
  it('builds every registered strategy under its own name', () => {
    const required = { proximalMu: 0.1, totalClients: 10 };
    const names = Object.keys(STRATEGIES).map((name) => createStrategy(name, required).name);
    expect(names).toEqual(Object.keys(STRATEGIES));
  });

  it('passes the options to the strategy', () => {
    const strategy = createStrategy('fedavgm', { serverMomentum: 0.9 }) as FedAvgM;
    expect(strategy.serverMomentum).toBe(0.9);
  });

  it('rejects an unknown name, listing the known ones', () => {
    expect(() => createStrategy('fedsgd')).toThrow(
      'unknown strategy "fedsgd"; known strategies: fedavg, fedavgm, fedprox, fedadam, fedyogi, fedadagrad, scaffold',
    );
  });

  it('reports an invalid option as a UsageError naming the option and value', () => {
    const attempt = (): Strategy => createStrategy('fedadam', { serverLearningRate: 0 });
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow('strategy fedadam: serverLearningRate(=0) must be > 0');
  });
});

describe('strategy options as a scenario writes them', () => {
  it('each strategy lists exactly the options its class reads', () => {
    const options = Object.fromEntries(
      Object.entries(STRATEGY_OPTIONS).map(([name, schema]) => [name, Object.keys(schema.shape)]),
    );
    expect(options).toEqual({
      fedavg: ['acceptFailures'],
      fedavgm: ['acceptFailures', 'serverLearningRate', 'serverMomentum'],
      fedprox: ['acceptFailures', 'proximalMu'],
      fedadam: ['acceptFailures', 'serverLearningRate', 'beta1', 'tau', 'beta2'],
      fedyogi: ['acceptFailures', 'serverLearningRate', 'beta1', 'tau', 'beta2'],
      fedadagrad: ['acceptFailures', 'serverLearningRate', 'beta1', 'tau'],
      scaffold: ['acceptFailures', 'serverLearningRate', 'totalClients'],
    });
  });

  it('refuses a misspelt option at its path, listing the valid ones', () => {
    const result = strategySpec.safeParse({ name: 'fedadam', serverLearningRat: 3 });
    expect(result.success).toBe(false);
    const [issue] = result.error!.issues;
    expect(issue!.path).toEqual(['serverLearningRat']);
    expect(issue!.message).toBe(
      'unknown option of strategy fedadam; expected one of: name, acceptFailures, serverLearningRate, beta1, tau, beta2',
    );
  });

  it("refuses another strategy's option: serverMomentum is FedAvgM's, not FedAvg's", () => {
    expect(strategySpec.safeParse({ name: 'fedavgm', serverMomentum: 0.9 }).success).toBe(true);
    expect(strategySpec.safeParse({ name: 'fedavg', serverMomentum: 0.9 }).success).toBe(false);
  });

  it('checks values as the classes do: beta1 in [0, 1), FedProx needs proximalMu', () => {
    expect(strategySpec.safeParse({ name: 'fedadam', beta1: 1 }).error!.issues[0]!.path).toEqual([
      'beta1',
    ]);
    expect(strategySpec.safeParse({ name: 'fedprox' }).error!.issues[0]!.path).toEqual([
      'proximalMu',
    ]);
    expect(strategySpec.parse({ name: 'fedadam', beta1: 0.5 })).toEqual({
      name: 'fedadam',
      beta1: 0.5,
    });
  });

  it('lets an unknown name through for resolve to report with the fleet checks', () => {
    expect(strategySpec.parse({ name: 'fedfoo', x: 1 })).toEqual({ name: 'fedfoo', x: 1 });
  });
});
