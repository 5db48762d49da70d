/**
 * The privacy budget of a run (privacy/budget.ts): which rounds compose how,
 * the target check with the noise it names, and the rounds `stop` keeps. The
 * accountant's numbers themselves are checked against TF Privacy's and
 * Opacus's published values in accountant.test.ts; these check the plumbing.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import { epsilonAfter } from '../../../../src/workloads/federated/privacy/accountant.js';
import { PrivacyLedger, privacyPlan } from '../../../../src/workloads/federated/privacy/budget.js';
import {
  strategyFromSpec,
  strategySpec,
} from '../../../../src/workloads/federated/strategies/registry.js';

const streams = new RandomStreams(1);
const population = { clients: 12, clientsPerRound: 4, rounds: 4, poisson: false };
const central = () =>
  strategyFromSpec(
    strategySpec.parse({
      name: 'fedavg',
      wrap: [{ name: 'dp-central', noiseMultiplier: 1, clipNorm: 1 }],
    }),
    streams,
  );
const spec = (fields: object) => ({ delta: 1e-5, whenExceeded: 'refuse' as const, ...fields });

describe('privacyPlan', () => {
  it('central noise: q = K/N, fixed-size sampling, the planned rounds', () => {
    const { plan, problems } = privacyPlan(central(), undefined, population);
    expect(problems).toEqual([]);
    expect(plan).toMatchObject({ q: 4 / 12, sampling: 'fixed-size', delta: 1e-5, rounds: 4 });
  });

  it('local noise: q = 1 (no sampling hides a client from the server)', () => {
    const local = strategyFromSpec(
      strategySpec.parse({
        name: 'fedavg',
        wrap: [{ name: 'dp-local', noiseMultiplier: 2, clipNorm: 1 }],
      }),
      streams,
    );
    expect(privacyPlan(local, undefined, population).plan).toMatchObject({ q: 1 });
  });

  it('refuses a target the planned rounds pass, naming the noise that meets it', () => {
    const spent = epsilonAfter(4 / 12, 1, 4, 1e-5, { sampling: 'fixed-size' });
    const { plan, problems } = privacyPlan(central(), spec({ targetEpsilon: 5 }), population);
    expect(plan).toBeNull();
    expect(problems[0]!.path).toBe('federated.privacy.targetEpsilon');
    expect(problems[0]!.message).toContain(`spend ε = ${spent.toPrecision(4)}`);
    const needed = Number(/at least ([0-9.]+) is needed/.exec(problems[0]!.message)![1]);
    expect(epsilonAfter(4 / 12, needed, 4, 1e-5, { sampling: 'fixed-size' })).toBeLessThanOrEqual(
      5,
    );
    expect(
      epsilonAfter(4 / 12, needed * 0.99, 4, 1e-5, { sampling: 'fixed-size' }),
    ).toBeGreaterThan(5);
  });

  it('with whenExceeded: stop, keeps the most rounds within the target', () => {
    const { plan } = privacyPlan(
      central(),
      spec({ targetEpsilon: 6, whenExceeded: 'stop' }),
      population,
    );
    const at = (rounds: number) =>
      epsilonAfter(4 / 12, 1, rounds, 1e-5, { sampling: 'fixed-size' });
    expect(at(plan!.rounds)).toBeLessThanOrEqual(6);
    expect(at(plan!.rounds + 1)).toBeGreaterThan(6);
  });

  it('refuses a privacy block without a DP wrapper, and two DP wrappers', () => {
    const plain = strategyFromSpec({ name: 'fedavg' }, streams);
    expect(privacyPlan(plain, spec({}), population).problems[0]!.path).toBe('federated.privacy');
    expect(privacyPlan(plain, undefined, population)).toEqual({ plan: null, problems: [] });
    const both = strategyFromSpec(
      strategySpec.parse({
        name: 'fedavg',
        wrap: [
          { name: 'dp-local', noiseMultiplier: 1, clipNorm: 1 },
          { name: 'dp-central', noiseMultiplier: 1, clipNorm: 1 },
        ],
      }),
      streams,
    );
    expect(privacyPlan(both, undefined, population).problems[0]!.message).toContain(
      '2 DP wrappers',
    );
  });
});

describe('PrivacyLedger', () => {
  it('composes each released round; a round that released nothing spends nothing', () => {
    const strategy = central();
    const { plan } = privacyPlan(strategy, undefined, population);
    const ledger = new PrivacyLedger(plan!);
    const global = new Float32Array(3);
    const update = (clientId: number) => ({
      clientId,
      numExamples: 10,
      weights: Float32Array.of(0.1, 0.2, 0.3),
    });
    strategy.aggregateFit(1, global, [update(0), update(1)], []);
    const first = ledger.afterRound(1);
    expect(first).toBeCloseTo(epsilonAfter(4 / 12, 1, 1, 1e-5, { sampling: 'fixed-size' }), 12);
    expect(strategy.aggregateFit(2, global, [], []).kind).toBe('skipped');
    expect(ledger.afterRound(2)).toBe(first);
    strategy.aggregateFit(3, global, [update(0)], []);
    expect(ledger.afterRound(3)).toBeCloseTo(
      epsilonAfter(4 / 12, 1, 2, 1e-5, { sampling: 'fixed-size' }),
      12,
    );
  });
});

describe('Poisson sampling (selection: poisson)', () => {
  const poisson = { ...population, poisson: true };
  it('accounts central noise as Poisson subsampling at q = K/N', () => {
    const wrapped = strategyFromSpec(
      strategySpec.parse({
        name: 'fedavg',
        wrap: [{ name: 'dp-central', noiseMultiplier: 1, clipNorm: 1, expectedClientsPerRound: 4 }],
      }),
      streams,
    );
    expect(privacyPlan(wrapped, undefined, poisson).plan).toMatchObject({
      q: 4 / 12,
      sampling: 'poisson',
    });
  });

  it('needs the fixed denominator expectedClientsPerRound', () => {
    const { plan, problems } = privacyPlan(central(), undefined, poisson);
    expect(plan).toBeNull();
    expect(problems[0]!.message).toContain('needs expectedClientsPerRound (K = 4)');
  });
});

describe('dp-adaptive from a scenario', () => {
  it("defaults the clipped-count noise to K/20 from the scenario's clients per round", () => {
    const spec = strategySpec.parse({
      name: 'fedavg',
      wrap: [{ name: 'dp-adaptive', noiseMultiplier: 1 }],
    });
    expect(() => strategyFromSpec(spec, streams)).toThrow('clippedCountStddev');
    const built = strategyFromSpec(spec, streams, {}, 100);
    expect(privacyPlan(built, undefined, population).plan).not.toBeNull();
    expect((built as unknown as { clippedCountStddev: number }).clippedCountStddev).toBe(5);
  });
});
