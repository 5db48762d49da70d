/**
 * Wrapping strategies: norm clipping of client updates (DP-FedAvg's clipping,
 * McMahan et al., ICLR 2018) around any strategy, its kernel, its scenario
 * syntax, and a run with it. Expected values are worked out by hand.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { UsageError } from '../../../src/errors.js';
import { FedAdam, FedAvg, FedProx, Scaffold } from '../../../src/workloads/federated/index.js';
import { clipToNorm, updateNorm } from '../../../src/workloads/federated/kernels/norm-clip.js';
import type { ClientContext } from '../../../src/workloads/federated/strategies/client-hook.js';
import {
  strategyFromSpec,
  strategyLabel,
  strategySpec,
} from '../../../src/workloads/federated/strategies/registry.js';
import { ClippedStrategy } from '../../../src/workloads/federated/strategies/wrappers/clip.js';
import { f32, update, weightsOf } from '../../helpers/fl.js';

/** Streams for wrappers that draw (none of these tests' wrappers draws when built). */
const STREAMS = new RandomStreams(1);

describe('clipToNorm', () => {
  it('scales an update above the bound to norm exactly the bound', () => {
    // Δ = (7, 9) − (1, 1) = (6, 8), ‖Δ‖ = 10; S = 5 halves it: (1, 1) + (3, 4) = (4, 5).
    expect(updateNorm(f32(1, 1), f32(7, 9))).toBe(10);
    expect(clipToNorm(f32(1, 1), f32(7, 9), 5)).toEqual(f32(4, 5));
  });

  it('returns the model itself when its update is within the bound, also at the bound', () => {
    const within = f32(1.75, 2); // Δ = (0.75, 1), ‖Δ‖ = 1.25
    expect(clipToNorm(f32(1, 1), within, 5)).toBe(within);
    expect(clipToNorm(f32(1, 1), within, 1.25)).toBe(within);
  });

  it('leaves its inputs unchanged and rejects a bound that is not > 0', () => {
    const global = f32(1, 1);
    const weights = f32(7, 9);
    clipToNorm(global, weights, 5);
    expect([global, weights]).toEqual([f32(1, 1), f32(7, 9)]);
    expect(() => clipToNorm(global, weights, 0)).toThrow('maxNorm(=0) must be > 0');
  });
});

describe('ClippedStrategy', () => {
  // Global (1, 1). Client 0: 1 example, model (7, 9), update (6, 8) of norm 10.
  // Client 1: 3 examples, model (1.75, 2), update (0.75, 1) of norm 1.25.
  const GLOBAL = f32(1, 1);
  const RESULTS = [update(0, 1, f32(7, 9)), update(1, 3, f32(1.75, 2))];

  it('clips each update to norm C before FedAvg averages them', () => {
    // C = 5: client 0 becomes (4, 5), client 1 stays; FedAvg:
    // ((1·4 + 3·1.75)/4, (1·5 + 3·2)/4) = (9.25/4, 11/4) = (2.3125, 2.75).
    const clipped = new ClippedStrategy(new FedAvg(), { clipNorm: 5 });
    expect(weightsOf(clipped.aggregateFit(1, GLOBAL, RESULTS, []))).toEqual(f32(2.3125, 2.75));
    // Without clipping: ((7 + 5.25)/4, (9 + 6)/4) = (3.0625, 3.75).
    expect(weightsOf(new FedAvg().aggregateFit(1, GLOBAL, RESULTS, []))).toEqual(f32(3.0625, 3.75));
  });

  it("leaves the clients' results unchanged and reports the inner strategy's counts", () => {
    const clipped = new ClippedStrategy(new FedAvg(), { clipNorm: 5 });
    const result = clipped.aggregateFit(1, GLOBAL, RESULTS, []);
    expect(result).toMatchObject({ kind: 'aggregated', numResults: 2, numExamples: 4 });
    expect(RESULTS[0]!.weights).toEqual(f32(7, 9));
  });

  it('composes with FedAdam: the adaptive step sees the clipped average', () => {
    // Global (0, 0); client models (6, 8) (norm 10) and (1, 0) (norm 1), one example each.
    // C = 5: (6, 8) → (3, 4); average Δ = (2, 2). FedAdam with β1 = 0.5, β2 = 0.75, τ = 1:
    // m = 0.5·Δ = (1, 1), v = 0.25·Δ² = (1, 1), step m/(√v + τ) = 1/2 per element,
    // η₁ = 0.1·√(1 − 0.75²)/(1 − 0.5²) = 0.0881917104 (Flower's exponent t + 1),
    // so the next model is (0.0440958552, 0.0440958552).
    const adam = () => new FedAdam({ serverLearningRate: 0.1, beta1: 0.5, beta2: 0.75, tau: 1 });
    const results = [update(0, 1, f32(6, 8)), update(1, 1, f32(1, 0))];
    const next = weightsOf(
      new ClippedStrategy(adam(), { clipNorm: 5 }).aggregateFit(1, f32(0, 0), results, []),
    );
    expect(next[0]).toBeCloseTo(0.0440958552, 7);
    expect(next[1]).toBeCloseTo(0.0440958552, 7);
    // Unclipped, Δ = (3.5, 4) and the step is η₁·(1.75/2.75, 2/3) = (0.0561220, 0.0587945).
    const plain = weightsOf(adam().aggregateFit(1, f32(0, 0), results, []));
    expect(plain[0]).toBeCloseTo(0.056122, 6);
    expect(plain[1]).toBeCloseTo(0.0587945, 6);
  });

  it("composes with FedProx: its clients still get the inner strategy's proximal term", () => {
    const clipped = new ClippedStrategy(new FedProx({ proximalMu: 0.1 }), { clipNorm: 5 });
    const config = clipped.configureFit(1, GLOBAL);
    expect(config).toEqual({ proximalMu: 0.1 });
    const context: ClientContext = {
      round: 1,
      clientId: 0,
      global: GLOBAL,
      config,
      indices: Int32Array.of(0, 1),
      seed: 1,
      local: { optimizer: 'sgd', learningRate: 0.1, momentum: 0, epochs: 1, batchSize: 2 },
    };
    expect(clipped.clientHook.prepare(context)).toEqual({ proximalMu: 0.1 });
    expect(weightsOf(clipped.aggregateFit(1, GLOBAL, RESULTS, []))).toEqual(f32(2.3125, 2.75));
  });

  it('composes with SCAFFOLD: the same client hook, control deltas passed through', () => {
    const inner = new Scaffold({ totalClients: 2 });
    const clipped = new ClippedStrategy(inner, { clipNorm: 5 });
    expect(clipped.clientHook).toBe(inner.clientHook);
    clipped.configureFit(1, GLOBAL);
    const results = RESULTS.map((r) => ({ ...r, controlDelta: f32(2, -2) }));
    // SCAFFOLD's model step is the unweighted mean change: ((3, 4) + (0.75, 1))/2 = (1.875, 2.5).
    expect(weightsOf(clipped.aggregateFit(1, GLOBAL, results, []))).toEqual(f32(2.875, 3.5));
    // c = 0 + (2·(2, −2))/2 = (2, −2): the deltas reached SCAFFOLD unchanged.
    expect(clipped.configureFit(2, GLOBAL).serverControl).toEqual(f32(2, -2));
  });

  it('is named after the strategy it wraps and rejects a bound that is not > 0', () => {
    expect(new ClippedStrategy(new FedAvg(), { clipNorm: 1 }).name).toBe('fedavg+clip');
    expect(() => new ClippedStrategy(new FedAvg(), { clipNorm: -1 })).toThrow(
      'clipNorm(=-1) must be > 0',
    );
  });
});

describe('wrappers in a scenario', () => {
  it('wraps the strategy in the listed wrappers, the first innermost', () => {
    const spec = strategySpec.parse({
      name: 'fedadam',
      tau: 1,
      wrap: [
        { name: 'clip', clipNorm: 5 },
        { name: 'clip', clipNorm: 2 },
      ],
    });
    const strategy = strategyFromSpec(spec, STREAMS) as ClippedStrategy;
    expect(strategy.name).toBe('fedadam+clip+clip');
    expect(strategyLabel(spec)).toBe('fedadam+clip+clip');
    expect(strategy.clipNorm).toBe(2);
    expect((strategy.inner as ClippedStrategy).clipNorm).toBe(5);
    expect(((strategy.inner as ClippedStrategy).inner as FedAdam).tau).toBe(1);
  });

  it("refuses a misspelt wrapper option at its path, listing the wrapper's options", () => {
    const result = strategySpec.safeParse({
      name: 'fedavg',
      wrap: [{ name: 'clip', clipnorm: 1 }],
    });
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('wrap.0.clipnorm');
    const misspelt = result.error!.issues.find((i) => i.path.join('.') === 'wrap.0.clipnorm');
    expect(misspelt!.message).toBe(
      'unknown option of wrapper clip; expected one of: name, clipNorm',
    );
  });

  it('refuses an unknown wrapper and a bound that is not > 0, at their paths', () => {
    const unknown = strategySpec.safeParse({ name: 'fedavg', wrap: [{ name: 'dp' }] });
    expect(unknown.error!.issues[0]!.path).toEqual(['wrap', 0, 'name']);
    const zero = strategySpec.safeParse({ name: 'fedavg', wrap: [{ name: 'clip', clipNorm: 0 }] });
    expect(zero.error!.issues[0]!.path).toEqual(['wrap', 0, 'clipNorm']);
  });

  it('keeps a strategy without wrappers as it was', () => {
    const spec = strategySpec.parse({ name: 'fedavg' });
    expect(spec).toEqual({ name: 'fedavg' });
    expect(strategyLabel(spec)).toBe('fedavg');
    expect(strategyFromSpec(spec, STREAMS)).toBeInstanceOf(FedAvg);
  });

  it('reports an unknown strategy under a wrapper as a UsageError', () => {
    expect(() =>
      strategyFromSpec({ name: 'fedfoo', wrap: [{ name: 'clip', clipNorm: 1 }] }, STREAMS),
    ).toThrow(UsageError);
  });
});

describe('a run with clipping', () => {
  const bin = resolve('dist/cli/main.js');
  const small = readFileSync(resolve('test/fixtures/federated/small.yaml'), 'utf8');
  const csv = (path: string) =>
    parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
  /** Runs the small scenario with `strategy` as its strategy line; returns its rounds and summary. */
  function run(strategy: string) {
    const dir = mkdtempSync(join(tmpdir(), 'edgesim-clip-'));
    writeFileSync(
      join(dir, 's.yaml'),
      small.replace('strategy: { name: fedavg }', `strategy: ${strategy}`),
    );
    const result = spawnSync(process.execPath, [bin, 'run', 's.yaml', '--out', 'out'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    return {
      rounds: csv(join(dir, 'out', 'rounds.csv')),
      summary: csv(join(dir, 'out', 'summary.csv'))[0]!,
    };
  }

  it('with a bound no update reaches, equals the unwrapped run; a tight bound changes the model', () => {
    const plain = run('{ name: fedavg }');
    const loose = run('{ name: fedavg, wrap: [{ name: clip, clipNorm: 1e9 }] }');
    const tight = run('{ name: fedavg, wrap: [{ name: clip, clipNorm: 1e-3 }] }');
    expect(loose.summary.strategy).toBe('fedavg+clip');
    expect(loose.rounds).toEqual(plain.rounds);
    // Each round moves the model by at most 1e-3 (a mean of updates of norm <= 1e-3), so after
    // four rounds it has barely left the initial model and its loss stays above FedAvg's.
    expect(Number(tight.summary.final_loss)).toBeGreaterThan(Number(plain.summary.final_loss));
  }, 120_000);
});
