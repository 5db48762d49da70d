/**
 * Client selectors against hand-worked selections: six clients with given
 * losses, samples and expected round times, and the random draws of the
 * selection stream (`select`, round) read through the same RandomStreams API
 * the selectors use.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { federatedSection } from '../../../src/workloads/federated/schema.js';
import { oortSelector } from '../../../src/workloads/federated/selectors/oort.js';
import { poissonSelector } from '../../../src/workloads/federated/selectors/poisson.js';
import { powerOfChoiceSelector } from '../../../src/workloads/federated/selectors/power-of-choice.js';
import { randomSelector } from '../../../src/workloads/federated/selectors/random.js';
import { SELECTOR_NAMES, SELECTORS } from '../../../src/workloads/federated/selectors/registry.js';
import type { SelectorInputs } from '../../../src/workloads/federated/selectors/selector.js';

const SEED = 1;
const online = () => Int32Array.of(0, 1, 2, 3, 4, 5);

/** Selector inputs for six clients; `overrides` replaces some. */
function inputs(overrides: Partial<SelectorInputs> = {}): SelectorInputs {
  return {
    streams: new RandomStreams(SEED),
    lastLoss: new Float64Array(6).fill(Number.NaN),
    samples: new Float64Array(6).fill(100),
    expectedS: () => 1,
    deadlineS: undefined,
    candidates: undefined,
    clientsPerRound: 3,
    ...overrides,
  };
}

/** The first draws of stream (`select`, round) under SEED: integer(n) for each n given. */
function draws(round: number, ...bounds: number[]): number[] {
  const rng = new RandomStreams(SEED).stream('select', round);
  return bounds.map((n) => rng.integer(n));
}

describe('the selection stream under seed 1', () => {
  it('draws what the hand-worked selections below assume', () => {
    // Round 1, a partial Fisher-Yates over six clients: integer(6), integer(5), ...
    expect(draws(1, 6, 5, 4, 3)).toEqual([5, 1, 1, 1]);
    // Round 2, one pick out of two.
    expect(draws(2, 2)).toEqual([1]);
  });
});

describe('random selection', () => {
  it('takes the first picks of a partial Fisher-Yates shuffle, in draw order', () => {
    // [0 1 2 3 4 5]: swap 0↔0+5 → [5 1 2 3 4 0]; swap 1↔1+1 → [5 2 1 3 4 0]; swap 2↔2+1 → [5 2 3 1 4 0].
    expect(randomSelector(inputs())(1, online(), 3)).toEqual(Int32Array.of(5, 2, 3));
  });
});

/**
 * Power-of-choice: Cho, Wang, Joshi, "Client Selection in Federated Learning:
 * Convergence Analysis and Power-of-Choice Selection Strategies", arXiv:2010.01243,
 * 2020: sample d candidates, keep the m of highest local loss.
 */
describe('power-of-choice selection', () => {
  // Client 1 has the highest known loss; 2 has never trained; 3 and 5 tie.
  const lastLoss = Float64Array.of(0.5, 2.0, Number.NaN, 1.2, 0.9, 1.2);

  it('keeps the highest-loss candidates: an unseen client first, a tie to the lower id', () => {
    // d = 4 candidates, drawn as in random selection: swap 3↔3+1 → [5 2 3 4 | 1 0],
    // candidates {5, 2, 3, 4}. By loss: 2 (unknown, counts highest), 3 (1.2), 5 (1.2), 4 (0.9).
    // m = 2 keeps 2 and 3. Client 1, of the highest known loss, was not a candidate.
    const select = powerOfChoiceSelector(inputs({ lastLoss, candidates: 4 }));
    expect(select(1, online(), 2)).toEqual(Int32Array.of(2, 3));
  });

  it('samples 2m candidates when candidates is not given', () => {
    // m = 2 → d = 4: the same candidates and the same choice as above.
    expect(powerOfChoiceSelector(inputs({ lastLoss }))(1, online(), 2)).toEqual(
      Int32Array.of(2, 3),
    );
  });

  it('is a pick among the candidates by id when no client has a loss (the cost-only tier)', () => {
    // Candidates {5, 2, 3, 4} all unknown, so all tie: the lowest ids, 2 and 3.
    const select = powerOfChoiceSelector(inputs({ candidates: 4 }));
    expect(select(1, online(), 2)).toEqual(Int32Array.of(2, 3));
  });

  it('with as many candidates as clients online, keeps the highest losses of all', () => {
    // d = 6 ≥ online: every client is a candidate; by loss 2 (unknown), 1 (2.0), then 3 (1.2).
    const select = powerOfChoiceSelector(inputs({ lastLoss, candidates: 6 }));
    expect(select(1, online(), 3)).toEqual(Int32Array.of(2, 1, 3));
  });
});

/**
 * Oort-like selection: Lai, Zhu, Madhyastha, Chowdhury, "Oort: Efficient Federated
 * Learning via Guided Participant Selection", OSDI 2021. Utility = samples × last loss
 * × (T / t)^2 when the expected time t exceeds the deadline T.
 */
describe('Oort-like selection', () => {
  // Clients 0-3 have trained; 4 and 5 have not. Deadline T = 10 s.
  const lastLoss = Float64Array.of(1, 2, 3, 4, Number.NaN, Number.NaN);
  const samples = Float64Array.of(100, 200, 50, 400, 100, 100);
  const times = [5, 20, 8, 40, 1, 1];
  const oort = (overrides: Partial<SelectorInputs> = {}) =>
    oortSelector(
      inputs({
        lastLoss,
        samples,
        expectedS: (c) => times[c]!,
        deadlineS: 10,
        ...overrides,
      }),
    );

  it('explores one unseen client and exploits the seen clients of highest utility', () => {
    // m = 3, 4 seen: explore max(3 − 4, ceil(0.1·3)) = 1 of the unseen {4, 5}: integer(2) = 1
    // swaps them, so 5. Utilities: 0: 100·1 = 100; 1: 200·2·(10/20)² = 100; 2: 50·3 = 150
    // (8 s is within T); 3: 400·4·(10/40)² = 100. Highest: 2, then the ties 0, 1, 3 by id: 0.
    expect(oort()(2, online(), 3)).toEqual(Int32Array.of(5, 2, 0));
  });

  it('without a deadline, ranks by samples × loss alone', () => {
    // Utilities 100, 400, 150, 1600: after exploring 5, the top two are 3 and 1.
    expect(oort({ deadlineS: undefined })(2, online(), 3)).toEqual(Int32Array.of(5, 3, 1));
  });

  it('explores as many unseen clients as the seen ones cannot fill', () => {
    // m = 6, 4 seen: explore max(6 − 4, 1) = 2, both unseen in draw order (5, 4), then
    // all four seen by utility: 2 (150), then 0, 1, 3 (100 each) by id.
    expect(oort()(2, online(), 6)).toEqual(Int32Array.of(5, 4, 2, 0, 1, 3));
  });

  it('is random selection when no client has trained (the cost-only tier)', () => {
    // Everyone unseen: explore min(6, max(3 − 0, 1)) = 3, drawn as random selection draws.
    const none = oort({ lastLoss: new Float64Array(6).fill(Number.NaN) });
    expect(none(1, online(), 3)).toEqual(randomSelector(inputs())(1, online(), 3));
    expect(none(1, online(), 3)).toEqual(Int32Array.of(5, 2, 3));
  });
});

describe('the selector registry', () => {
  it('lists random, power-of-choice, oort and poisson, and the scenario accepts exactly those', () => {
    expect(SELECTOR_NAMES).toEqual(['random', 'power-of-choice', 'oort', 'poisson']);
    expect(Object.keys(SELECTORS)).toEqual(SELECTOR_NAMES);
    const selection = federatedSection.shape.selection;
    for (const name of SELECTOR_NAMES) expect(selection.parse(name)).toBe(name);
    expect(selection.parse(undefined)).toBe('random');
    const refused = selection.safeParse('greedy');
    expect(refused.error!.issues[0]!.message).toMatch(
      /"random"\|"power-of-choice"\|"oort"\|"poisson"/,
    );
  });
});

describe('poisson', () => {
  it('takes each online client (ascending) when its draw is below K/N = 3/6', () => {
    const rng = new RandomStreams(SEED).stream('select', 4);
    const expected = [0, 1, 2, 3, 4, 5].filter(() => rng.next() < 0.5);
    expect([...poissonSelector(inputs())(4, online(), 3)]).toEqual(expected);
  });

  it('samples K/N of the clients on average, with the binomial spread', () => {
    const select = poissonSelector(
      inputs({ samples: new Float64Array(1000), clientsPerRound: 100 }),
    );
    const all = Int32Array.from({ length: 1000 }, (_, i) => i);
    const sizes = Array.from({ length: 400 }, (_, r) => select(r + 1, all, 100).length);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    // Binomial(1000, 0.1): mean 100, sd sqrt(90) = 9.49; the mean of 400 has sd 0.474.
    expect(Math.abs(mean - 100)).toBeLessThan(4 * 0.474);
    const variance = sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / (sizes.length - 1);
    expect(variance).toBeGreaterThan(90 * 0.8);
    expect(variance).toBeLessThan(90 * 1.2);
  });
});
