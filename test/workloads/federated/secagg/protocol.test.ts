import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import {
  packWords,
  runSecAgg,
  type SecAggClient,
  type SecAggConfig,
  type SecAggPhase,
  type SecAggResult,
  SecAggRound,
  secAggProblems,
} from '../../../../src/workloads/federated/secagg/index.js';

/** n clients with ids 10, 20, ... and m random elements below 2^bits each. */
function makeClients(n: number, m: number, bits: number, seed = 1): SecAggClient[] {
  const streams = new RandomStreams(seed);
  return Array.from({ length: n }, (_, k) => {
    const rng = streams.stream('secagg-test-input', k);
    return {
      id: 10 * (k + 1),
      input: Uint32Array.from({ length: m }, () => rng.integer(2 ** bits)),
    };
  });
}

/** The plain sum modulo 2^bits of the inputs of `ids`. */
function plainSum(
  clients: readonly SecAggClient[],
  ids: readonly number[],
  bits: number,
): Uint32Array {
  const sum = new Uint32Array(clients[0]!.input.length);
  for (const c of clients)
    if (ids.includes(c.id))
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i]! + c.input[i]!) % 2 ** bits;
  return sum;
}

function expectExactSum(
  result: SecAggResult,
  clients: readonly SecAggClient[],
  ids: number[],
  bits: number,
) {
  if (!result.ok) throw new Error(`round failed at ${result.phase}: ${result.reason}`);
  expect(result.survivors).toEqual(ids);
  expect(result.sum).toEqual(plainSum(clients, ids, bits));
}

const ids = (clients: readonly SecAggClient[]) => clients.map((c) => c.id);
const without = (all: number[], gone: number[]) => all.filter((id) => !gone.includes(id));

describe('secure aggregation: the unmasked sum', () => {
  it('equals the plain modular sum exactly without dropouts, at several bit widths', () => {
    for (const bits of [8, 20, 32]) {
      const clients = makeClients(8, 300, bits, bits);
      const result = runSecAgg(clients, { threshold: 5, bits, seed: 3 });
      expectExactSum(result, clients, ids(clients), bits);
    }
  });

  it('masks every input: no masked message equals the packed input', () => {
    const clients = makeClients(4, 64, 16);
    const result = runSecAgg(clients, { threshold: 3, bits: 16, seed: 3, transcript: true });
    const uploads = result.transcript.filter(
      (r) => r.phase === 'masked-input' && r.to === 'server',
    );
    expect(uploads.map((r) => r.from)).toEqual(ids(clients));
    uploads.forEach((r, k) => {
      const plain = createHash('sha256').update(packWords(clients[k]!.input, 16)).digest('hex');
      expect(r.sha256).not.toBe(plain);
    });
  });

  it('previews the unmasked sum without changing the round', () => {
    const clients = makeClients(4, 64, 16);
    const round = new SecAggRound(clients, { threshold: 3, bits: 16, seed: 3 });
    round.step();
    round.step();
    round.step();
    expect(() => round.result()).toThrow(/at unmasking/);
    const expected = plainSum(clients, ids(clients), 16);
    expect(round.previewUnmasking()).toEqual(expected);
    expect(round.previewUnmasking([10, 20])).toBe(
      '2 clients remain after unmasking, fewer than the threshold 3',
    );
    expect(round.step().ok).toBe(true);
    const result = round.result();
    expect(result.ok && result.sum).toEqual(expected);
  });

  it('equals the plain sum of survivors with dropouts up to the threshold at each phase', () => {
    // 10 clients, t = 6: 4 may leave. Each case drops 4 in total, spread over the phases.
    const bits = 24;
    const clients = makeClients(10, 200, bits);
    const all = ids(clients);
    const cases: Partial<Record<SecAggPhase, number[]>>[] = [
      { 'advertise-keys': [10, 20, 30, 40] },
      { 'share-keys': [50, 60, 70, 80] },
      { 'masked-input': [10, 50, 90, 100] },
      { unmasking: [20, 40, 60, 80] },
      { 'advertise-keys': [10], 'share-keys': [20], 'masked-input': [30], unmasking: [40] },
      { 'masked-input': [70, 80], unmasking: [90, 100] },
    ];
    for (const dropouts of cases) {
      const result = runSecAgg(clients, { threshold: 6, bits, seed: 11 }, dropouts);
      // Inputs in the sum: everyone who got as far as sending masked input.
      const gone = [
        ...(dropouts['advertise-keys'] ?? []),
        ...(dropouts['share-keys'] ?? []),
        ...(dropouts['masked-input'] ?? []),
      ];
      expectExactSum(result, clients, without(all, gone), bits);
    }
  });

  it('equals the plain sum with the SecAgg+ sparse graph, with and without dropouts', () => {
    const bits = 32;
    const clients = makeClients(16, 150, bits);
    const config: SecAggConfig = { threshold: 3, neighbours: 4, bits, seed: 5 };
    expectExactSum(runSecAgg(clients, config), clients, ids(clients), bits);
    // Each client has 4 neighbours + itself = 5 holders, t = 3: any 2 of a neighbourhood may go.
    const round = new SecAggRound(clients, config);
    const u = 0;
    const [a, b] = round.neighbours[u]!;
    const dropped = [clients[a!]!.id, clients[b!]!.id];
    const result = runSecAgg(clients, config, {
      'masked-input': [dropped[0]!],
      unmasking: [dropped[1]!],
    });
    expectExactSum(result, clients, without(ids(clients), [dropped[0]!]), bits);
    expect(result.serverWork.keyAgreements).toBe(4);
  });

  it('a sparse client masks with its k neighbours only', () => {
    const clients = makeClients(12, 10, 16);
    const result = runSecAgg(clients, { threshold: 2, neighbours: 2, bits: 16, seed: 5 });
    // 2 share keys + 2 pairwise masks each; PRG: 3 masks of 10 words (120 B) + Shamir
    // coefficients 2 * (t-1) * 3 * 16 = 96 B + 2 nonces of 12 B = 240 B.
    for (const work of result.clientWork) {
      expect(work.keyAgreements).toBe(4);
      expect(work.prgBytes).toBe(3 * 40 + 96 + 24);
    }
  });
});

describe('secure aggregation: failure above the threshold', () => {
  const clients = makeClients(6, 20, 16);
  const config: SecAggConfig = { threshold: 4, bits: 16, seed: 2 };

  it.each([
    ['advertise-keys', { 'advertise-keys': [10, 20, 30] }],
    ['share-keys', { 'advertise-keys': [10], 'share-keys': [20, 30] }],
    ['masked-input', { 'masked-input': [10, 20, 30] }],
    ['unmasking', { 'share-keys': [10], unmasking: [20, 30] }],
  ] as const)('fails at %s and says so', (phase, dropouts) => {
    const result = runSecAgg(clients, config, dropouts);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.phase).toBe(phase);
    expect(result.reason).toBe(`3 clients remain after ${phase}, fewer than the threshold 4`);
    expect(result.traffic.map((t) => t.phase).at(-1)).toBe(phase);
  });

  it('fails on the sparse graph when a neighbourhood loses too many holders', () => {
    const sparse = makeClients(10, 20, 16);
    const cfg: SecAggConfig = { threshold: 3, neighbours: 2, bits: 16, seed: 8 };
    const round = new SecAggRound(sparse, cfg);
    const [a] = round.neighbours[0]!;
    const result = runSecAgg(sparse, cfg, { 'share-keys': [sparse[a!]!.id] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.phase).toBe('share-keys');
      expect(result.reason).toMatch(/has 2 live holders of its shares after share-keys/);
    }
  });

  it('refuses a threshold above the number of clients, naming it', () => {
    expect(secAggProblems({ threshold: 7, bits: 16 }, 6)).toEqual([
      {
        path: 'threshold',
        value: 7,
        message: 'expected an integer in 1..6 (the number of clients)',
      },
    ]);
    expect(() => new SecAggRound(clients, { ...config, threshold: 7 })).toThrow('threshold(=7)');
    expect(secAggProblems({ threshold: 5, neighbours: 2, bits: 16 }, 6)[0]?.message).toContain(
      '1..3 (neighbours + 1',
    );
    expect(() => new SecAggRound(clients, { ...config, bits: 8 })).toThrow(
      /input\[\d+\]\(=\d+\) must be < 2\^8/,
    );
  });
});

describe('secure aggregation: bytes per phase', () => {
  it('match the hand-computed sizes for 5 clients', () => {
    // 5 clients, complete graph (4 neighbours each), m = 1000 elements, bits = 20, t = 3.
    // advertise-keys: up c_pk + s_pk = 32 + 32 = 64; down 0.
    // share-keys: down 4 x (id 4 + 2 keys 64) = 4 x 68 = 272;
    //   up 4 x (to-id 4 + nonce 12 + (ids 8 + two 48-byte shares 96 = 104) + tag 16) = 4 x 136 = 544.
    // masked-input: down the 4 forwarded ciphertexts, 4 x 136 = 544; up ceil(1000 x 20 / 8) = 2500.
    // unmasking: down the ids of the 4 surviving neighbours, 4 x 4 = 16;
    //   up (4 neighbours + itself) x (id 4 + share 48) = 5 x 52 = 260.
    const clients = makeClients(5, 1000, 20);
    const result = runSecAgg(clients, { threshold: 3, bits: 20, seed: 1, transcript: true });
    const table = result.traffic.map((t) => [t.phase, t.downloadBytes[0], t.uploadBytes[0]]);
    expect(table).toEqual([
      ['advertise-keys', 0, 64],
      ['share-keys', 272, 544],
      ['masked-input', 544, 2500],
      ['unmasking', 16, 260],
    ]);
    for (const t of result.traffic) {
      expect(new Set(t.uploadBytes).size).toBe(1);
      expect(new Set(t.downloadBytes).size).toBe(1);
    }
    // The transcript's messages are the bytes counted: 5 uploads a phase, 5 downloads
    // in the three phases that have them (empty downloads are not sent in advertise-keys).
    const masked = result.transcript.filter((r) => r.phase === 'masked-input' && r.to === 'server');
    expect(masked.map((r) => r.bytes)).toEqual([2500, 2500, 2500, 2500, 2500]);
  });

  it('shrink with dropouts as the neighbour counts say', () => {
    // Client 10 of 5 when client 50 leaves at share-keys and 40 at masked-input:
    // share-keys: all 4 others advertised -> down 272, up 544 (it seals for 50 too).
    // masked-input: 3 neighbours shared (20, 30, 40) -> down 3 x 136 = 408; up 2500.
    // unmasking: 2 surviving neighbours (20, 30) -> down 8; up (3 + 1) x 52 = 208.
    const clients = makeClients(5, 1000, 20);
    const round = new SecAggRound(clients, { threshold: 3, bits: 20, seed: 1 });
    const plan: number[][] = [[], [50], [40], []];
    const rows = plan.map((dropped) => {
      const planned = round.plannedTraffic();
      const outcome = round.step(dropped);
      expect(outcome.ok).toBe(true);
      // What the round measured equals what it planned for the clients that stayed.
      for (const id of dropped) planned.uploadBytes[ids(clients).indexOf(id)] = 0;
      for (const id of dropped) planned.downloadBytes[ids(clients).indexOf(id)] = 0;
      expect(outcome.traffic).toEqual(planned);
      return [outcome.phase, outcome.traffic.downloadBytes[0], outcome.traffic.uploadBytes[0]];
    });
    expect(rows).toEqual([
      ['advertise-keys', 0, 64],
      ['share-keys', 272, 544],
      ['masked-input', 408, 2500],
      ['unmasking', 8, 208],
    ]);
  });
});

describe('secure aggregation: reproducibility', () => {
  const clients = makeClients(6, 100, 16);
  const config: SecAggConfig = { threshold: 4, bits: 16, seed: 21, round: 3, transcript: true };
  const dropouts = { 'masked-input': [30], unmasking: [40] };

  it('the same seed gives identical bytes of every message', () => {
    const a = runSecAgg(clients, config, dropouts);
    const b = runSecAgg(clients, config, dropouts);
    expect(a.transcript.length).toBe(b.transcript.length);
    expect(a.transcript).toEqual(b.transcript);
    expect(a.transcript.length).toBeGreaterThan(20);
  });

  it('another seed or round changes the keys and masks, not the sum', () => {
    const a = runSecAgg(clients, config, dropouts);
    for (const other of [
      { ...config, seed: 22 },
      { ...config, round: 4 },
    ]) {
      const b = runSecAgg(clients, other, dropouts);
      const first = (r: SecAggResult) => r.transcript.find((m) => m.phase === 'advertise-keys')!;
      expect(first(b).sha256).not.toBe(first(a).sha256);
      expect(b.ok && a.ok && b.sum).toEqual(a.ok && a.sum);
    }
  });
});
