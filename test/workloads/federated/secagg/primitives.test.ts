import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import {
  agree,
  applyMasks,
  combineShares,
  expandBytes,
  lagrangeAtZero,
  neighbourGraph,
  packWords,
  SHARE_BYTES,
  shareRandomBytes,
  splitSecret,
  x25519KeyPair,
  x25519PublicKey,
} from '../../../../src/workloads/federated/secagg/index.js';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('PRG (AES-128-CTR)', () => {
  it('expands a seed into the NIST SP 800-38A F.5.1 keystream', () => {
    // F.5.1 CTR-AES128: key 2b7e1516..., initial counter f0f1...feff; keystream block 1 is
    // plaintext 6bc1bee22e409f96e93d7e117393172a XOR ciphertext 874d6191b620e3261bef6864990db6ce.
    const seed = hex('2b7e151628aed2a6abf7158809cf4f3cf0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
    const plain = hex('6bc1bee22e409f96e93d7e117393172a');
    const cipher = hex('874d6191b620e3261bef6864990db6ce');
    const keystream = plain.map((p, i) => p ^ cipher[i]!);
    expect(toHex(expandBytes(seed, 16))).toBe(toHex(keystream));
  });

  it('adds the keystream as little-endian words masked to the ring, and subtracting undoes it', () => {
    const seed = hex('2b7e151628aed2a6abf7158809cf4f3cf0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
    const ks = expandBytes(seed, 4 * 40_000);
    const words = new Uint32Array(ks.buffer, ks.byteOffset, 40_000);
    const target = Uint32Array.from({ length: 40_000 }, (_, i) => i % 4096);
    const original = target.slice();
    const bytes = applyMasks(target, [{ seed, sign: 1 }], 12);
    expect(bytes).toBe(160_000);
    // 40,000 elements span three 64 KiB chunks: the chunk boundaries must not shift the stream.
    for (const i of [0, 1, 16383, 16384, 32768, 39_999])
      expect(target[i]).toBe((original[i]! + (words[i]! & 4095)) % 4096);
    applyMasks(target, [{ seed, sign: -1 }], 12);
    // A byte comparison: a deep equality over 40,000 elements costs half a second.
    expect(Buffer.from(target.buffer).equals(Buffer.from(original.buffer))).toBe(true);
  });

  it('sums several streams of mixed signs as the word-by-word reference does', () => {
    // 6 streams (a group of 4 and a remainder of 2) over 20,000 elements at 20 bits.
    const streams = Array.from({ length: 6 }, (_, j) => ({
      seed: new Uint8Array(32).fill(j + 1),
      sign: (j % 3 === 0 ? -1 : 1) as 1 | -1,
    }));
    const m = 20_000;
    const target = Uint32Array.from({ length: m }, (_, i) => (i * 7919) % 2 ** 20);
    const expected = target.slice();
    for (const s of streams) {
      const ks = expandBytes(s.seed, 4 * m);
      const w = new Uint32Array(ks.buffer, ks.byteOffset, m);
      for (let i = 0; i < m; i++)
        expected[i] = (((expected[i]! + s.sign * (w[i]! % 2 ** 20)) % 2 ** 20) + 2 ** 20) % 2 ** 20;
    }
    applyMasks(target, streams, 20);
    expect(Buffer.from(target.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it('wraps modulo 2^32 at 32 bits', () => {
    const seed = new Uint8Array(32).fill(9);
    const word = new Uint32Array(expandBytes(seed, 4).buffer)[0]!;
    const target = Uint32Array.of(0xffffffff);
    applyMasks(target, [{ seed, sign: 1 }], 32);
    expect(target[0]).toBe((0xffffffff + word) % 2 ** 32);
  });
});

describe('X25519', () => {
  it('reproduces the RFC 7748 section 6.1 exchange', () => {
    const alice = x25519KeyPair(
      hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
    );
    const bob = x25519KeyPair(
      hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'),
    );
    expect(toHex(alice.publicKey)).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    expect(toHex(bob.publicKey)).toBe(
      'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
    );
    // Both sides derive the same seed from the shared secret 4a5d9d5b...1742.
    const ab = agree(alice.privateKey, x25519PublicKey(bob.publicKey), 'test');
    const ba = agree(bob.privateKey, x25519PublicKey(alice.publicKey), 'test');
    expect(toHex(ab)).toBe(toHex(ba));
    expect(ab.length).toBe(32);
    expect(toHex(agree(alice.privateKey, x25519PublicKey(bob.publicKey), 'other'))).not.toBe(
      toHex(ab),
    );
  });
});

describe('Shamir sharing over GF(2^127 - 1)', () => {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => 255 - i * 7);
  const xs = [1, 5, 9, 13, 17, 21];
  const randomness = expandBytes(new Uint8Array(32).fill(1), shareRandomBytes(3));

  it('any t of the n shares reconstruct the secret', () => {
    const shares = splitSecret(secret, 3, xs, randomness);
    expect(shares.every((s) => s.length === SHARE_BYTES)).toBe(true);
    for (const pick of [
      [0, 1, 2],
      [3, 4, 5],
      [0, 2, 5],
      [5, 1, 3],
    ]) {
      const lambda = lagrangeAtZero(pick.map((j) => xs[j]!));
      expect(
        toHex(
          combineShares(
            lambda,
            pick.map((j) => shares[j]!),
          ),
        ),
      ).toBe(toHex(secret));
    }
  });

  it('fewer than t shares do not give the secret', () => {
    const shares = splitSecret(secret, 3, xs, randomness);
    const lambda = lagrangeAtZero([xs[0]!, xs[1]!]);
    let recovered: string | undefined;
    try {
      recovered = toHex(combineShares(lambda, [shares[0]!, shares[1]!]));
    } catch {
      recovered = undefined;
    }
    expect(recovered).not.toBe(toHex(secret));
  });

  it('with t = 1 every share is the secret itself', () => {
    const shares = splitSecret(secret, 1, [1, 2], new Uint8Array(0));
    expect(toHex(combineShares(lagrangeAtZero([2]), [shares[1]!]))).toBe(toHex(secret));
  });

  it('Lagrange coefficients at 0 for x = 1, 2 are 2 and -1', () => {
    // l_1(0) = (0 - 2)/(1 - 2) = 2; l_2(0) = (0 - 1)/(2 - 1) = -1 = p - 1.
    expect(lagrangeAtZero([1, 2])).toEqual([2n, (1n << 127n) - 2n]);
  });
});

describe('neighbour graph', () => {
  const rng = () => new RandomStreams(4).stream('graph');

  it('is complete without a degree', () => {
    expect(neighbourGraph(4, undefined, rng())).toEqual([
      [1, 2, 3],
      [0, 2, 3],
      [0, 1, 3],
      [0, 1, 2],
    ]);
  });

  it('is k-regular and symmetric with k neighbours, and repeats with the seed', () => {
    for (const [n, k] of [
      [20, 4],
      [20, 5],
      [21, 6],
    ] as const) {
      const graph = neighbourGraph(n, k, rng());
      graph.forEach((list, u) => {
        expect(new Set(list).size).toBe(k);
        expect(list).not.toContain(u);
        for (const v of list) expect(graph[v]).toContain(u);
      });
      expect(neighbourGraph(n, k, rng())).toEqual(graph);
    }
  });

  it('refuses an odd degree with an odd number of clients', () => {
    expect(() => neighbourGraph(21, 5, rng())).toThrow('neighbours(=5)');
  });
});

describe('masked input packing', () => {
  it('packs bits-wide words least significant bit first', () => {
    // 12-bit words 0xabc, 0x123 -> bits LSB first: bytes 0xbc, 0x3a (low nibble 0xa of the
    // first, 0x3 of the second in the high nibble), 0x12.
    expect([...packWords(Uint32Array.of(0xabc, 0x123), 12)]).toEqual([0xbc, 0x3a, 0x12]);
    // 5 words of 3 bits = 15 bits -> 2 bytes.
    expect(packWords(Uint32Array.of(7, 7, 7, 7, 7), 3).length).toBe(2);
  });
});
