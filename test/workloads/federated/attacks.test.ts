/**
 * Malicious clients (federated.attack): the attack kernels against vectors worked out by hand,
 * ALIE's z against the paper's formula, which clients attack, and the scenario's bad inputs.
 * Reference values of Φ⁻¹ are Python's statistics.NormalDist().inv_cdf (Wichura's AS241).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { prepareScenario, runPrepared } from '../../../src/run.js';
import { alieUpdate, alieZ, normalCdf } from '../../../src/workloads/federated/attacks/alie.js';
import { gaussianUpdate } from '../../../src/workloads/federated/attacks/gaussian.js';
import {
  type AttackSpec,
  attackProblems,
  attackSpec,
  attackTrainedFrom,
  attackTraining,
  attackUpdates,
  chooseAttackers,
} from '../../../src/workloads/federated/attacks/index.js';
import { flipLabels } from '../../../src/workloads/federated/attacks/label-flip.js';
import { boostUpdate } from '../../../src/workloads/federated/attacks/model-replacement.js';
import { signFlip } from '../../../src/workloads/federated/attacks/sign-flip.js';
import { loadScenario } from '../../../src/workloads/scenario.js';
import { f32, update } from '../../helpers/fl.js';
import { expectInputError } from '../../helpers/input-error.js';

const global = f32(1, 2, 0.5);
const trained = f32(2, 0, 0.5); // its update: (1, -2, 0)

describe('attack kernels', () => {
  it('sign flip sends w_global - scale x update: scale 2 on (1, -2, 0) from (1, 2, 0.5) gives (-1, 6, 0.5)', () => {
    expect(signFlip(global, trained, 2)).toEqual(f32(-1, 6, 0.5));
    expect(signFlip(global, trained, 1)).toEqual(f32(0, 4, 0.5));
  });

  it('model replacement sends w_global + boost x update: boost 3 gives (4, -4, 0.5)', () => {
    expect(boostUpdate(global, trained, 3)).toEqual(f32(4, -4, 0.5));
  });

  it('the kernels leave their inputs as they were', () => {
    signFlip(global, trained, 2);
    boostUpdate(global, trained, 3);
    expect([global, trained]).toEqual([f32(1, 2, 0.5), f32(2, 0, 0.5)]);
  });

  it('gaussian noise of sigma 0 sends w_global (replace) or w (add)', () => {
    const rng = () => new RandomStreams(1).stream('noise');
    expect(gaussianUpdate(global, trained, 0, 'replace', rng())).toEqual(global);
    expect(gaussianUpdate(global, trained, 0, 'add', rng())).toEqual(trained);
  });

  it('gaussian noise has mean 0 and standard deviation sigma per coordinate (200,000 of them)', () => {
    const zeros = new Float32Array(200_000);
    const noisy = gaussianUpdate(zeros, zeros, 2, 'replace', new RandomStreams(5).stream('noise'));
    const mean = noisy.reduce((a, b) => a + b, 0) / noisy.length;
    const sd = Math.sqrt(noisy.reduce((a, b) => a + (b - mean) ** 2, 0) / noisy.length);
    // Standard errors: 2 / sqrt(200,000) = 0.0045 for the mean, about 0.0032 for the sd.
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 2)).toBeLessThan(0.015);
  });

  it('label flipping maps l to numClasses - 1 - l: (0, 3, 9) of 10 classes become (9, 6, 0)', () => {
    expect(flipLabels(Int32Array.of(0, 3, 9), 10)).toEqual(Int32Array.of(9, 6, 0));
    expect(() => flipLabels(Int32Array.of(10), 10)).toThrow('labels[0](=10) must be in [0, 10)');
  });

  it('ALIE sends w_global + mean - z x std of the benign updates (population std)', () => {
    // Benign updates from (1, 0): (1, 5) and (3, 5); mean (2, 5), std (1, 0); z = 1.5.
    expect(alieUpdate(f32(1, 0), [f32(2, 5), f32(4, 5)], 1.5)).toEqual(f32(1.5, 5));
  });

  it('the kernels refuse a negative scale, boost, sigma or z, naming it', () => {
    expect(() => signFlip(global, trained, -1)).toThrow('scale(=-1)');
    expect(() => boostUpdate(global, trained, -1)).toThrow('boost(=-1)');
    const rng = new RandomStreams(1).stream('noise');
    expect(() => gaussianUpdate(global, trained, -1, 'add', rng)).toThrow('sigma(=-1)');
    expect(() => alieUpdate(global, [trained], -1)).toThrow('z(=-1)');
  });
});

describe("ALIE's z_max = Phi^-1((n - s) / n), s = floor(n/2 + 1) - m", () => {
  it.each([
    // n, m, s, (n - s) / n, Phi^-1 of it
    [10, 2, 4, 0.6, 0.2533471031357998],
    [50, 12, 14, 0.72, 0.5828415072712162],
    [50, 24, 2, 0.96, 1.7506860712521695],
  ])('n = %i, m = %i: s = %i, Phi^-1(%f) = %f', (n, m, _s, _p, z) => {
    expect(alieZ(n, m)).toBeCloseTo(z, 12);
  });

  it('takes s = 1 when the attackers hold a majority (n = 5, m = 3: Phi^-1(0.8))', () => {
    expect(alieZ(5, 3)).toBeCloseTo(0.8416212335729143, 12);
  });

  it('is 0 for one update and no attacker, and the CDF it inverts gives Phi(1) = 0.8413447460685429', () => {
    expect(alieZ(1, 0)).toBe(0);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
  });
});

const spec = (fields: Record<string, unknown>): AttackSpec => attackSpec.parse(fields);

describe('which clients attack', () => {
  const marked = (a: { marks: Uint8Array } | undefined) =>
    [...(a?.marks ?? [])].flatMap((m, c) => (m ? [c] : []));

  it.each([
    [0.2, 10, 2],
    [0.2, 12, 2], // 2.4
    [0.25, 10, 3], // 2.5, half up
    [0.29, 100, 29], // 28.999999999999996 in floating point: floor would give 28
    [0, 10, 0],
  ])('fraction %f of %i clients: round(fraction x clients) = %i of them', (fraction, n, count) => {
    const attackers = chooseAttackers(
      spec({ kind: 'label-flip', fraction }),
      n,
      new RandomStreams(1),
    );
    expect(attackers?.count).toBe(count);
    expect(marked(attackers)).toHaveLength(count);
  });

  it('the same seed gives the same attackers; another seed, others', () => {
    const choose = (seed: number) =>
      marked(
        chooseAttackers(spec({ kind: 'label-flip', fraction: 0.2 }), 100, new RandomStreams(seed)),
      );
    expect(choose(7)).toEqual(choose(7));
    expect(choose(7)).not.toEqual(choose(8));
  });

  it('the attack, its options and draws from other streams do not change who attacks', () => {
    const streams = new RandomStreams(3);
    const first = marked(chooseAttackers(spec({ kind: 'sign-flip', fraction: 0.3 }), 50, streams));
    for (let i = 0; i < 100; i++) streams.stream('selection').next();
    const other = spec({ kind: 'alie', fraction: 0.3, z: 2 });
    expect(marked(chooseAttackers(other, 50, streams))).toEqual(first);
  });

  it('with groups, every device of those groups (numbered group by group)', () => {
    const groups = [
      { spec: { name: 'pis', count: 8 }, first: 0 },
      { spec: { name: 'phones', count: 4 }, first: 8 },
    ] as unknown as Parameters<typeof chooseAttackers>[3];
    const attackers = chooseAttackers(
      spec({ kind: 'label-flip', groups: ['phones'] }),
      12,
      new RandomStreams(1),
      groups,
    );
    expect(marked(attackers)).toEqual([8, 9, 10, 11]);
  });

  it('no attack, no attackers', () => {
    expect(chooseAttackers(undefined, 10, new RandomStreams(1))).toBeUndefined();
  });
});

describe('attackUpdates: what the server receives', () => {
  const streams = new RandomStreams(1);
  const from = f32(0, 0);
  // Clients 0-3 benign, 4 the attacker.
  const updates = [f32(1, 4), f32(3, 4), f32(1, 4), f32(3, 4), f32(10, 10)].map((w, c) =>
    update(c, 10, w),
  );
  const attackersOf = (fields: Record<string, unknown>) => ({
    attack: spec({ ...fields, fraction: 0.2 }),
    marks: Uint8Array.of(0, 0, 0, 0, 1),
    count: 1,
    streams,
  });

  it("replaces only the attackers' weights; the benign updates are the same objects", () => {
    const received = attackUpdates(attackersOf({ kind: 'sign-flip', scale: 2 }), from, updates, 1);
    expect(received.slice(0, 4)).toEqual(updates.slice(0, 4));
    for (const [i, u] of received.slice(0, 4).entries()) expect(u).toBe(updates[i]);
    expect(received[4]).toEqual({ ...updates[4], weights: f32(-20, -20) });
    expect(updates[4]!.weights).toEqual(f32(10, 10));
  });

  it('ALIE: n = 5, m = 1, so z = Phi^-1(0.6); the benign mean is (2, 4), their std (1, 0)', () => {
    const received = attackUpdates(attackersOf({ kind: 'alie' }), from, updates, 1);
    expect(received[4]!.weights).toEqual(f32(2 - 0.2533471031357998, 4));
  });

  it('ALIE with z given uses it instead of z_max: z = 1 sends (2 - 1, 4)', () => {
    const received = attackUpdates(attackersOf({ kind: 'alie', z: 1 }), from, updates, 1);
    expect(received[4]!.weights).toEqual(f32(1, 4));
  });

  it("ALIE over a buffer trained from different models: benign deltas' statistics, each attacker's own base", () => {
    // Benign: (1, 4) from (0, 0) and (5, 6) from (2, 2): deltas (1, 4) and (3, 4), mean (2, 4),
    // std (1, 0). Attackers from (0, 0) and (10, 10), z = 1: (0 + 2 - 1, 4) and (10 + 2 - 1, 14).
    const attackers = {
      attack: spec({ kind: 'alie', z: 1, fraction: 0.2 }),
      marks: Uint8Array.of(0, 1, 0, 1),
      count: 2,
      streams,
    };
    const items = [
      { base: f32(0, 0), update: update(0, 10, f32(1, 4)) },
      { base: f32(0, 0), update: update(1, 10, f32(9, 9)) },
      { base: f32(2, 2), update: update(2, 10, f32(5, 6)) },
      { base: f32(10, 10), update: update(3, 10, f32(-9, -9)) },
    ];
    const received = attackTrainedFrom(attackers, items, 1);
    expect(received.map((u) => u.weights)).toEqual([f32(1, 4), f32(1, 4), f32(5, 6), f32(11, 14)]);
    expect(received[0]).toBe(items[0]!.update);
    // One base for all: the same bits as the synchronous attack.
    const same = updates.map((u) => ({ base: from, update: u }));
    expect(attackTrainedFrom(attackersOf({ kind: 'alie' }), same, 1)).toEqual(
      attackUpdates(attackersOf({ kind: 'alie' }), from, updates, 1),
    );
  });

  it('gaussian: the same round gives the same noise, another round other noise', () => {
    const attackers = attackersOf({ kind: 'gaussian', sigma: 1 });
    const noise = (round: number) => attackUpdates(attackers, from, updates, round)[4]!.weights;
    expect(noise(3)).toEqual(noise(3));
    expect(noise(3)).not.toEqual(noise(4));
  });

  it("label flipping changes the attacker's training job, not its update", () => {
    const attackers = attackersOf({ kind: 'label-flip' });
    expect(attackUpdates(attackers, from, updates, 1)).toEqual(updates);
    expect(attackTraining(attackers, 4)).toEqual({ flipLabels: true });
    expect(attackTraining(attackers, 0)).toEqual({});
    expect(attackTraining(attackersOf({ kind: 'sign-flip' }), 4)).toEqual({});
  });
});

const small = resolve('test/fixtures/federated/small.yaml');
const STRATEGY = 'strategy: { name: fedavg }';

/** The small scenario with `attack` (a flow mapping) under `federated`, in a temporary file. */
function withAttack(attack: string): string {
  const text = readFileSync(small, 'utf8');
  if (!text.includes(STRATEGY)) throw new Error(`${small} no longer has "${STRATEGY}"`);
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-fl-attack-')), 'scenario.yaml');
  writeFileSync(file, text.replace(STRATEGY, `${STRATEGY}\n  attack: ${attack}`));
  return file;
}

describe('federated.attack: bad input names its path', () => {
  it.each([
    ['{ kind: sign-flip, fraction: 1 }', 'federated.attack.fraction'],
    ['{ kind: sign-flip, fraction: -0.1 }', 'federated.attack.fraction'],
    ['{ kind: sign-flip }', 'federated.attack.fraction'],
    ['{ kind: sign-flip, fraction: 0.2, groups: [pis] }', 'federated.attack.fraction'],
    ['{ kind: backdoor, fraction: 0.2 }', 'federated.attack.kind'],
    ['{ kind: sign-flip, fraction: 0.2, scale: -1 }', 'federated.attack.scale'],
    ['{ kind: gaussian, fraction: 0.2, sigma: -0.5 }', 'federated.attack.sigma'],
    ['{ kind: scaling, fraction: 0.2, boost: -2 }', 'federated.attack.boost'],
    ['{ kind: label-flip, fraction: 0.2, scale: 2 }', 'federated.attack.scale'],
  ])('%s: %s', (attack, path) => {
    const error = expectInputError(() => loadScenario(withAttack(attack)));
    expect(error.problems.map((p) => p.path)).toContain(path);
  });

  it('a group the fleet does not have, at federated.attack.groups[i]', () => {
    const groups = [{ spec: { name: 'pis' } }, { spec: { name: 'phones' } }] as never;
    const problems = attackProblems(
      spec({ kind: 'label-flip', groups: ['phones', 'cars'] }),
      groups,
    );
    expect(problems).toEqual([
      expect.objectContaining({ path: 'federated.attack.groups[1]', value: 'cars' }),
    ]);
  });

  it('a group the fleet does not have, from the scenario file (resolving it)', () => {
    const error = expectInputError(() =>
      prepareScenario(withAttack('{ kind: sign-flip, groups: [phones, cars] }')),
    );
    expect(error.problems.map((p) => p.path)).toEqual(['federated.attack.groups[1]']);
  });

  it('accepts each kind with its defaults', () => {
    for (const attack of [
      '{ kind: sign-flip, fraction: 0.2 }',
      '{ kind: gaussian, fraction: 0.2, sigma: 0.1 }',
      '{ kind: label-flip, groups: [phones] }',
      '{ kind: scaling, fraction: 0.2, boost: 10 }',
      '{ kind: alie, fraction: 0.2 }',
    ])
      expect(() => loadScenario(withAttack(attack))).not.toThrow();
  });
});

describe('attacks in a run (the small synthetic scenario, real tier)', () => {
  const tables = async (file: string) =>
    JSON.stringify((await runPrepared(prepareScenario(file).prepared, 3)).tables);

  it('a fraction of 0 gives the same tables as no attack; 30% sign flips change them', async () => {
    const none = await tables(small);
    expect(await tables(withAttack('{ kind: sign-flip, fraction: 0, scale: 5 }'))).toBe(none);
    expect(await tables(withAttack('{ kind: sign-flip, fraction: 0.3, scale: 5 }'))).not.toBe(none);
  });

  it('a groups: attack runs, and differs from no attack', async () => {
    // The Raspberry Pis: the LTE phones finish last and are never among the first 4 of a round.
    const none = await tables(small);
    expect(await tables(withAttack('{ kind: sign-flip, groups: [pis], scale: 5 }'))).not.toBe(none);
  });
});
