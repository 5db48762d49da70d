/**
 * Secure aggregation (#19): the costs a simulated round charges and the
 * issue's targets. Mask expansion (AES-128-CTR keystream added into the ring)
 * at least 1 GB/s; the server's unmasking of 100 clients x 1,000,000
 * parameters under 2 s; X25519 agreements, per agreement, for the device
 * profiles.
 */
import {
  agree,
  applyMasks,
  deriveSeed,
  type MaskStream,
  type SecAggClient,
  SecAggRound,
  x25519KeyPair,
  x25519PublicKey,
} from '../workloads/federated/secagg/index.js';
import type { BenchCase } from './harness.js';

const CLIENTS = 100;
const PARAMETERS = 1_000_000;
const BITS = 32;
/** Masks per expansion run: 40 MB of keystream. */
const MASKS = 10;
const AGREEMENTS = 200;

/** 100 clients' quantised updates, a fixed hash of (client, index): no draws needed. */
function benchClients(): SecAggClient[] {
  return Array.from({ length: CLIENTS }, (_, k) => ({
    id: k,
    input: Uint32Array.from(
      { length: PARAMETERS },
      (_, i) => Math.imul(i + 1, 2654435761 + k) >>> 8,
    ),
  }));
}

const rounds = new Map<string, SecAggRound>();

/**
 * A round run up to its unmasking phase, built on first use (the harness's
 * warm-up pays for it: the complete graph's masked inputs expand
 * 100 x 100 masks of 4 MB, about 40 GB of keystream).
 */
function roundAtUnmasking(
  key: string,
  config: { threshold: number; neighbours?: number },
  dropBeforeMasking: number[],
): SecAggRound {
  let round = rounds.get(key);
  if (round === undefined) {
    round = new SecAggRound(benchClients(), { ...config, bits: BITS, seed: 1 });
    for (const dropped of [[], [], dropBeforeMasking]) {
      const outcome = round.step(dropped);
      if (!outcome.ok) throw new Error(`secagg bench round failed: ${outcome.reason}`);
    }
    rounds.set(key, round);
  }
  return round;
}

function expectSum(result: Uint32Array | string): void {
  if (typeof result === 'string') throw new Error(`secagg bench round failed: ${result}`);
}

let maskTarget: { target: Uint32Array; streams: MaskStream[] } | undefined;

export const secaggCases: BenchCase[] = [
  {
    name: 'secagg: mask expansion, AES-128-CTR added into Z_2^32 (10 masks x 1,000,000)',
    run: () => {
      maskTarget ??= {
        target: new Uint32Array(PARAMETERS),
        streams: Array.from({ length: MASKS }, (_, j) => ({
          seed: deriveSeed(new Uint8Array(32), `bench/${j}`),
          sign: j % 2 === 0 ? 1 : -1,
        })),
      };
      return applyMasks(maskTarget.target, maskTarget.streams, BITS);
    },
    unit: 'bytes',
  },
  {
    name: 'secagg: X25519 agreement + HKDF-SHA256 (200 agreements)',
    run: () => {
      const a = x25519KeyPair(deriveSeed(new Uint8Array(32), 'bench/a'));
      const b = x25519PublicKey(x25519KeyPair(deriveSeed(new Uint8Array(32), 'bench/b')).publicKey);
      for (let i = 0; i < AGREEMENTS; i++) agree(a.privateKey, b, 'bench');
      return AGREEMENTS;
    },
    unit: 'agreements',
  },
  {
    name: 'secagg: unmask 100 clients x 1,000,000, complete graph, t = 51, no dropouts',
    run: () => {
      expectSum(roundAtUnmasking('complete', { threshold: 51 }, []).previewUnmasking());
      return CLIENTS * PARAMETERS;
    },
    unit: 'client parameters',
  },
  {
    name: 'secagg: unmask 100 clients x 1,000,000, SecAgg+ k = 10, t = 6, 10 dropped before masking',
    run: () => {
      const dropped = Array.from({ length: 10 }, (_, k) => 10 * k);
      const round = roundAtUnmasking('sparse', { threshold: 6, neighbours: 10 }, dropped);
      expectSum(round.previewUnmasking());
      return CLIENTS * PARAMETERS;
    },
    unit: 'client parameters',
  },
];
