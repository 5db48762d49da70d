/**
 * Robust aggregation as strategy wrappers (median, trimmed-mean, krum,
 * multi-krum, bulyan): what each hands its inner strategy, how rounds with
 * too few results are skipped, their scenario syntax and the checks of f
 * against the clients per round. Expected values are worked out by hand.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { UsageError } from '../../../src/errors.js';
import { prepareScenario, runPrepared } from '../../../src/run.js';
import type { ClientUpdate } from '../../../src/workloads/federated/index.js';
import { FedAdam, FedAvg, Scaffold } from '../../../src/workloads/federated/index.js';
import type { ResolvedFederated } from '../../../src/workloads/federated/resolve.js';
import {
  strategyFromSpec,
  strategyLabel,
  strategySpec,
} from '../../../src/workloads/federated/strategies/registry.js';
import { BulyanStrategy } from '../../../src/workloads/federated/strategies/wrappers/bulyan.js';
import {
  KrumStrategy,
  MultiKrumStrategy,
} from '../../../src/workloads/federated/strategies/wrappers/krum.js';
import { MedianStrategy } from '../../../src/workloads/federated/strategies/wrappers/median.js';
import { TrimmedMeanStrategy } from '../../../src/workloads/federated/strategies/wrappers/trimmed-mean.js';
import { loadScenario } from '../../../src/workloads/scenario.js';
import { f32, update, weightsOf } from '../../helpers/fl.js';
import { expectInputError } from '../../helpers/input-error.js';

/** Streams for wrappers that draw (none of these tests' wrappers draws when built). */
const STREAMS = new RandomStreams(1);

/** Updates of clients 0, 1, ... with the given example counts and models. */
const updates = (examples: number[], models: number[][]): ClientUpdate[] =>
  models.map((m, i) => update(i, examples[i]!, f32(...m)));

describe('coordinate-wise wrappers', () => {
  // Columns {1, 5, 3} → 3, {−2, 0, 4} → 0, {3, −1, 2} → 2.
  const RESULTS = updates(
    [1, 2, 3],
    [
      [1, -2, 3],
      [5, 0, -1],
      [3, 4, 2],
    ],
  ).map((r, i) => ({
    ...r,
    loss: [0.5, 1, 2][i]!,
  }));

  it('median hands FedAvg one model, the coordinate-wise median, and reports every client', () => {
    const result = new MedianStrategy(new FedAvg()).aggregateFit(1, f32(0, 0, 0), RESULTS, []);
    // Loss: (1·0.5 + 2·1 + 3·2)/6 = 8.5/6, the example-weighted mean of the clients' losses.
    expect(result).toMatchObject({ kind: 'aggregated', numResults: 3, numExamples: 6 });
    expect(weightsOf(result)).toEqual(f32(3, 0, 2));
    expect(result.kind === 'aggregated' && result.loss).toBeCloseTo(8.5 / 6, 12);
  });

  it('median composes with FedAdam: the adaptive step follows the median update', () => {
    // Global (0, 0); clients (2, 2), (0, 5), (7, 1): medians {2, 0, 7} → 2 and {2, 5, 1} → 2,
    // so Δ = (2, 2). FedAdam with β1 = 0.5, β2 = 0.75, τ = 1: m = (1, 1), v = (1, 1), step 1/2,
    // η₁ = 0.1·√(1 − 0.75²)/(1 − 0.5²) = 0.0881917104 (as in wrappers.test.ts), next 0.0440958552.
    const adam = new FedAdam({ serverLearningRate: 0.1, beta1: 0.5, beta2: 0.75, tau: 1 });
    const results = updates(
      [1, 1, 1],
      [
        [2, 2],
        [0, 5],
        [7, 1],
      ],
    );
    const next = weightsOf(new MedianStrategy(adam).aggregateFit(1, f32(0, 0), results, []));
    expect(next[0]).toBeCloseTo(0.0440958552, 7);
    expect(next[1]).toBeCloseTo(0.0440958552, 7);
  });

  it('trimmed-mean drops floor(β·n) values at each end before FedAvg', () => {
    // n = 5, β = 0.2: {1, 5, 3, 100, −50} → mean(1, 3, 5) = 3; {−3, −1, −2, −10, 4} → −2.
    const results = updates(
      [1, 1, 1, 1, 1],
      [
        [1, -3],
        [5, -1],
        [3, -2],
        [100, -10],
        [-50, 4],
      ],
    );
    const strategy = new TrimmedMeanStrategy(new FedAvg(), { beta: 0.2 });
    expect(weightsOf(strategy.aggregateFit(1, f32(0, 0), results, []))).toEqual(f32(3, -2));
  });

  it('bulyan averages the values closest to the median of the clients repeated Krum picked', () => {
    // The 7-client example of robust-kernels.test.ts, f = 1: picks q2, q3, q0, q1, q4; the mean of
    // the three values closest to the median is 1 in coordinate 0 and 2 in coordinate 1.
    const models = [
      [0, 4],
      [1, 0],
      [2, 1],
      [6, 2],
      [7, 3],
      [40, -40],
      [3, 9],
    ];
    const results = updates([1, 1, 1, 1, 1, 1, 1], models);
    const result = new BulyanStrategy(new FedAvg(), { f: 1 }).aggregateFit(
      1,
      f32(0, 0),
      results,
      [],
    );
    expect(weightsOf(result)).toEqual(f32(1, 2));
    expect(result).toMatchObject({ numResults: 7, numExamples: 7 });
  });

  it('refuse to wrap SCAFFOLD, whose control variates one synthetic update cannot carry', () => {
    expect(() => new MedianStrategy(new Scaffold({ totalClients: 3 }))).toThrow(
      'median cannot wrap scaffold',
    );
  });
});

describe('krum and multi-krum', () => {
  // Six clients, f = 1: the scores of robust-kernels.test.ts are p0 7, p1 7, p2 10, p3 5,
  // p4 356 (the attacker at (9, 9)), p5 11.
  const MODELS = [
    [0, 0],
    [1, 0],
    [0, 2],
    [1, 1],
    [9, 9],
    [2, 2],
  ];
  const RESULTS = updates([1, 1, 3, 2, 5, 4], MODELS);

  it('krum hands the inner strategy the one update of least score, unchanged', () => {
    const result = new KrumStrategy(new FedAvg(), { f: 1 }).aggregateFit(1, f32(0, 0), RESULTS, []);
    expect(weightsOf(result)).toEqual(f32(1, 1));
    expect(result).toMatchObject({ numResults: 1, numExamples: 2 });
  });

  it('multi-krum hands over the m of least score, which FedAvg weights by examples', () => {
    // m = 3: p3 (5), p0 and p1 (7, tied): ((1·0 + 1·1 + 2·1)/4, (0 + 0 + 2·1)/4) = (0.75, 0.5).
    const strategy = new MultiKrumStrategy(new FedAvg(), { f: 1, m: 3 });
    const result = strategy.aggregateFit(1, f32(0, 0), RESULTS, []);
    expect(weightsOf(result)).toEqual(f32(0.75, 0.5));
    expect(result).toMatchObject({ numResults: 3, numExamples: 4 });
  });

  it('passes SCAFFOLD’s control deltas of the selected clients through', () => {
    const scaffold = new KrumStrategy(new Scaffold({ totalClients: 6 }), { f: 1 });
    scaffold.configureFit(1, f32(0, 0));
    const results = RESULTS.map((r) => ({ ...r, controlDelta: f32(r.clientId, 0) }));
    expect(weightsOf(scaffold.aggregateFit(1, f32(0, 0), results, []))).toEqual(f32(1, 1));
    // c = 0 + (1/6)·(3, 0): only p3's delta reached SCAFFOLD.
    expect(scaffold.configureFit(2, f32(0, 0)).serverControl).toEqual(f32(0.5, 0));
  });
});

describe('a round with too few results', () => {
  const four = updates([1, 1, 1, 1], [[0], [1], [2], [3]]);

  it('is skipped with the reason: Krum needs n > 2f + 2, Bulyan n >= 4f + 3', () => {
    const krum = new KrumStrategy(new FedAvg(), { f: 1 }).aggregateFit(1, f32(0), four, []);
    expect(krum).toEqual({
      kind: 'skipped',
      reason: 'krum with f=1 needs at least 5 results, got 4',
    });
    const multi = new MultiKrumStrategy(new FedAvg(), { f: 0, m: 5 }).aggregateFit(
      1,
      f32(0),
      four,
      [],
    );
    expect(multi).toEqual({
      kind: 'skipped',
      reason: 'multi-krum with f=0, m=5 needs at least 5 results, got 4',
    });
    const bulyan = new BulyanStrategy(new FedAvg(), { f: 1 }).aggregateFit(1, f32(0), four, []);
    expect(bulyan).toEqual({
      kind: 'skipped',
      reason: 'bulyan with f=1 needs at least 7 results, got 4',
    });
  });

  it("with no results at all, gets the inner strategy's reason", () => {
    const failures = [{ clientId: 0, reason: 'dropout' }];
    const result = new MedianStrategy(new FedAvg()).aggregateFit(1, f32(0), [], failures);
    expect(result).toEqual({ kind: 'skipped', reason: 'no client results (1 failures)' });
  });
});

describe('robust wrappers in a scenario', () => {
  it('are named after the rule, in the strategy and in run tables', () => {
    for (const [wrap, label] of [
      [{ name: 'median' }, 'fedavg+median'],
      [{ name: 'trimmed-mean', beta: 0.1 }, 'fedavg+trimmed-mean'],
      [{ name: 'krum', f: 1 }, 'fedavg+krum'],
      [{ name: 'multi-krum', f: 1, m: 2 }, 'fedavg+multi-krum'],
      [{ name: 'bulyan', f: 1 }, 'fedavg+bulyan'],
    ] as const) {
      const spec = strategySpec.parse({ name: 'fedavg', wrap: [wrap] });
      expect(strategyLabel(spec)).toBe(label);
      expect(strategyFromSpec(spec, STREAMS).name).toBe(label);
    }
  });

  it('refuse an option of another rule, listing their own', () => {
    const result = strategySpec.safeParse({ name: 'fedavg', wrap: [{ name: 'krum', f: 1, m: 2 }] });
    const issue = result.error!.issues.find((i) => i.path.join('.') === 'wrap.0.m');
    expect(issue!.message).toBe('unknown option of wrapper krum; expected one of: name, f');
  });

  it('report SCAFFOLD inside a coordinate-wise rule as a UsageError', () => {
    const spec = strategySpec.parse({ name: 'scaffold', wrap: [{ name: 'median' }] });
    expect(() => strategyFromSpec(spec, STREAMS, { totalClients: 4 })).toThrow(UsageError);
  });
});

describe('a scenario with robust aggregation', () => {
  const small = resolve('test/fixtures/federated/small.yaml');
  const STRATEGY = 'strategy: { name: fedavg }';

  /** The small scenario (clientsPerRound 4) with its strategy line replaced, in a temporary file. */
  function variant(strategy: string): string {
    const text = readFileSync(small, 'utf8');
    if (!text.includes(STRATEGY)) throw new Error(`${small} no longer has "${STRATEGY}"`);
    const file = join(mkdtempSync(join(tmpdir(), 'edgesim-fl-robust-')), 'scenario.yaml');
    writeFileSync(file, text.replace(STRATEGY, `strategy: ${strategy}`));
    return file;
  }

  it('runs with the median, named fedavg+median in its summary', async () => {
    const { prepared } = prepareScenario(variant('{ name: fedavg, wrap: [{ name: median }] }'));
    expect((prepared.resolved as ResolvedFederated).strategy(STREAMS).name).toBe('fedavg+median');
    const { tables } = await runPrepared(prepared, 3);
    const summary = tables.summary!;
    const column = (name: string) => summary.rows[0]![summary.columns.indexOf(name)];
    expect(column('strategy')).toBe('fedavg+median');
    expect(Number(column('final_loss'))).toBeGreaterThan(0);
  }, 60_000);

  it.each([
    ['krum with f = 1 (n = 4 <= 2f + 2)', '{ name: krum, f: 1 }', 'f', 'clientsPerRound >= 5'],
    [
      'multi-krum with m = 5 > n − f = 4',
      '{ name: multi-krum, f: 0, m: 5 }',
      'm',
      'm must be <= 4',
    ],
    ['bulyan with f = 1 (n = 4 < 4f + 3)', '{ name: bulyan, f: 1 }', 'f', 'clientsPerRound >= 7'],
  ])('refuses %s at its path', (_, wrapper, option, message) => {
    const error = expectInputError(() =>
      prepareScenario(variant(`{ name: fedavg, wrap: [{ name: clip, clipNorm: 1 }, ${wrapper}] }`)),
    );
    const problem = error.problems.find((p) => p.path === `federated.strategy.wrap[1].${option}`);
    expect(problem?.message).toContain(message);
  });

  it('accepts krum with f = 0 on 4 clients per round (4 > 2·0 + 2)', () => {
    expect(() =>
      prepareScenario(variant('{ name: fedavg, wrap: [{ name: krum, f: 0 }] }')),
    ).not.toThrow();
  });

  it.each([0.5, -0.1])('refuses a trimmed-mean beta of %s at its path', (beta) => {
    const error = expectInputError(() =>
      loadScenario(variant(`{ name: fedavg, wrap: [{ name: trimmed-mean, beta: ${beta} }] }`)),
    );
    expect(error.problems.map((p) => p.path)).toContain('federated.strategy.wrap[0].beta');
  });

  it('refuses SCAFFOLD inside the median at federated.strategy', () => {
    const error = expectInputError(() =>
      prepareScenario(variant('{ name: scaffold, wrap: [{ name: median }] }')),
    );
    const problem = error.problems.find((p) => p.path === 'federated.strategy');
    expect(problem?.message).toContain('median cannot wrap scaffold');
  });
});
