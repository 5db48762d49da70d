/**
 * The unmasking phase of Bonawitz et al. (CCS 2017, Fig. 4, round 4): each
 * survivor decrypts the shares its neighbours sent it and returns, for each
 * neighbour (and itself), the share of the self-mask seed b if that client
 * sent masked input, or the share of its mask key s_sk if it dropped. The
 * server reconstructs those secrets from t shares each, then subtracts every
 * survivor's self mask and the pairwise masks survivors kept with dropped
 * clients:
 *
 *   z = Σ_{u∈U3} y_u − Σ_{u∈U3} PRG(b_u) − Σ_{u∈U3} Σ_{v∈N(u)∩(U2∖U3)} Δ_{u,v} PRG(s_uv).
 */
import { applyMasks, type MaskStream } from './prg.js';
import { combineShares, lagrangeAtZero } from './shamir.js';
import {
  neededSecrets,
  PAIR_MASK_PURPOSE,
  pairSign,
  positions,
  type RoundState,
  record,
  thresholdShortfall,
} from './state.js';
import { emptyTraffic } from './traffic.js';
import type { MessageRecord, PhaseTraffic, ServerWork } from './types.js';
import { concat, ID_BYTES, openShares, withId, writeId } from './wire.js';
import { agree, x25519KeyPair } from './x25519.js';

/** What the unmasking phase produced; the round commits it. */
export interface UnmaskingOutcome {
  readonly traffic: PhaseTraffic;
  readonly decryptions: number[];
  readonly transcript: MessageRecord[];
  readonly serverWork: ServerWork;
  readonly live: boolean[];
  readonly result: { ok: true; sum: Uint32Array } | { ok: false; reason: string };
}

/** One share the server received: the holder's x and the share bytes. */
interface ReceivedShare {
  readonly x: number;
  readonly share: Uint8Array;
}

/**
 * Runs the unmasking phase with `dropped` (positions) leaving at its start.
 * Changes nothing in `state`: the caller commits the outcome, so it can be
 * run again (the benchmark times it).
 */
export function computeUnmasking(
  state: RoundState,
  dropped: ReadonlySet<number>,
): UnmaskingOutcome {
  const n = state.ids.length;
  const live = state.alive.map((on, u) => on && !dropped.has(u));
  const traffic = emptyTraffic('unmasking', n);
  const decryptions = new Array<number>(n).fill(0);
  const view: RoundState = { ...state, transcript: [] };
  const received: ReceivedShare[][] = Array.from({ length: n }, () => []);
  for (const u of positions(live)) {
    const secrets = state.secrets[u]!;
    const survivors = state.neighbours[u]!.filter((v) => state.masked[v]);
    const list = new Uint8Array(ID_BYTES * survivors.length);
    survivors.forEach((v, i) => {
      writeId(list, i * ID_BYTES, state.ids[v]!);
    });
    traffic.downloadBytes[u] = list.length;
    record(view, 'unmasking', 'server', state.ids[u]!, list);
    const entries: Uint8Array[] = [];
    const holding = [...secrets.inbox.keys(), u].sort((a, b) => a - b);
    for (const v of holding) {
      let pair = secrets.ownShares!;
      if (v !== u) {
        const opened = openShares(
          secrets.shareKeys.get(v)!,
          secrets.inbox.get(v)!,
          state.ids[v]!,
          state.ids[u]!,
        );
        decryptions[u]!++;
        pair = { secretKey: opened.secretKeyShare, selfMask: opened.selfMaskShare };
      }
      const share = state.masked[v] ? pair.selfMask : pair.secretKey;
      entries.push(withId(state.ids[v]!, share));
      received[v]!.push({ x: state.ids[u]! + 1, share });
    }
    const message = concat(entries);
    traffic.uploadBytes[u] = message.length;
    record(view, 'unmasking', state.ids[u]!, 'server', message);
  }
  const serverWork: ServerWork = { reconstructions: 0, keyAgreements: 0, prgBytes: 0 };
  const base = { traffic, decryptions, transcript: view.transcript, serverWork, live };
  const needed = neededSecrets(state);
  const shortfall = thresholdShortfall(state, 'unmasking', needed, live);
  if (shortfall !== undefined) return { ...base, result: { ok: false, reason: shortfall } };
  const streams = maskStreams(state, needed, received, serverWork);
  const sum = state.sum.slice();
  serverWork.prgBytes += applyMasks(sum, streams, state.bits);
  return { ...base, result: { ok: true, sum } };
}

/** The masks the server removes, reconstructing each needed secret from its first t shares. */
function maskStreams(
  state: RoundState,
  needed: readonly number[],
  received: readonly ReceivedShare[][],
  work: ServerWork,
): MaskStream[] {
  const coefficients = new Map<string, bigint[]>();
  const reconstruct = (v: number): Uint8Array => {
    const shares = received[v]!.slice(0, state.threshold);
    const xs = shares.map((s) => s.x);
    const key = xs.join(',');
    let lambda = coefficients.get(key);
    if (lambda === undefined) {
      lambda = lagrangeAtZero(xs);
      coefficients.set(key, lambda);
    }
    work.reconstructions++;
    return combineShares(
      lambda,
      shares.map((s) => s.share),
    );
  };
  const streams: MaskStream[] = [];
  for (const v of needed) {
    if (state.masked[v]) {
      streams.push({ seed: reconstruct(v), sign: -1 });
      continue;
    }
    const keys = x25519KeyPair(reconstruct(v));
    const advertised = state.publicKeys[v]!.sRaw;
    if (!keys.publicKey.every((byte, i) => byte === advertised[i]))
      throw new Error(`reconstructed key of client ${state.ids[v]} does not match its public key`);
    for (const u of state.neighbours[v]!) {
      if (!state.masked[u]) continue;
      const seed = agree(keys.privateKey, state.publicKeys[u]!.s, PAIR_MASK_PURPOSE);
      work.keyAgreements++;
      streams.push({ seed, sign: pairSign(state.ids[u]!, state.ids[v]!) === 1 ? -1 : 1 });
    }
  }
  return streams;
}
