/**
 * The state of a round between phases (internal to secagg/): each client's
 * secrets and mailbox, the server's view, who is still there, and the
 * threshold rule every phase ends with.
 */
import { createHash, type KeyObject } from 'node:crypto';
import type { ClientWork, MessageRecord, SecAggPhase } from './types.js';
import type { X25519KeyPair } from './x25519.js';

/** What one client holds once it has advertised its keys. */
export interface ClientSecrets {
  /** The client's root seed: HMAC of the round's root and its id. */
  readonly seed: Uint8Array;
  readonly c: X25519KeyPair;
  readonly s: X25519KeyPair;
  /** The 32 bytes of s's private key: the secret that is shared. */
  readonly sSecret: Uint8Array;
  /** The self-mask seed b. */
  readonly b: Uint8Array;
  /** AES-256-GCM keys agreed with neighbours (c keys), by position. */
  readonly shareKeys: Map<number, Uint8Array>;
  /** This client's own shares of its secrets (it is one of their holders). */
  ownShares?: { secretKey: Uint8Array; selfMask: Uint8Array };
  /** Sealed shares forwarded to it, by sender position, ascending. */
  readonly inbox: Map<number, Uint8Array>;
}

/** A client's advertised public keys as the server keeps them. */
export interface PublicKeys {
  readonly cRaw: Uint8Array;
  readonly sRaw: Uint8Array;
  readonly c: KeyObject;
  readonly s: KeyObject;
}

/** Everything a round carries from phase to phase. */
export interface RoundState {
  readonly ids: readonly number[];
  readonly inputs: readonly Uint32Array[];
  readonly neighbours: readonly (readonly number[])[];
  readonly threshold: number;
  readonly bits: number;
  readonly complete: boolean;
  readonly root: Uint8Array;
  readonly keepTranscript: boolean;
  /** Still in the round (has sent every message so far). */
  readonly alive: boolean[];
  /** Sent its shares (U2) and its masked input (U3). */
  readonly shared: boolean[];
  readonly masked: boolean[];
  readonly secrets: (ClientSecrets | undefined)[];
  readonly publicKeys: (PublicKeys | undefined)[];
  readonly work: ClientWork[];
  readonly transcript: MessageRecord[];
  /** The server's running sum of masked inputs. */
  readonly sum: Uint32Array;
}

/** HKDF info strings: what an agreed key is for. */
export const SHARE_KEY_PURPOSE = 'edgesim-secagg/share-key';
export const PAIR_MASK_PURPOSE = 'edgesim-secagg/pair-mask';

/** Δ_{u,v} of Bonawitz et al.: u adds PRG(s_uv) when its id is larger, subtracts it otherwise. */
export function pairSign(uId: number, vId: number): 1 | -1 {
  return uId > vId ? 1 : -1;
}

/** Records a message's size and digest when the transcript is kept. */
export function record(
  state: RoundState,
  phase: SecAggPhase,
  from: number | 'server',
  to: number | 'server',
  message: Uint8Array,
): void {
  if (!state.keepTranscript) return;
  const sha256 = createHash('sha256').update(message).digest('hex');
  state.transcript.push({ phase, from, to, bytes: message.length, sha256 });
}

/** Positions where `flags` is set, ascending. */
export function positions(flags: readonly boolean[]): number[] {
  const out: number[] = [];
  flags.forEach((on, p) => {
    if (on) out.push(p);
  });
  return out;
}

/**
 * Undefined when every client in `required` has at least t live holders of
 * its shares (itself and its neighbours, among `live`), and at least t
 * clients are live; otherwise why not. Holders only ever leave, so a client
 * short now can never be recovered later.
 */
export function thresholdShortfall(
  state: RoundState,
  phase: SecAggPhase,
  required: readonly number[],
  live: readonly boolean[],
): string | undefined {
  const t = state.threshold;
  const count = live.filter(Boolean).length;
  if (count < t) return `${count} clients remain after ${phase}, fewer than the threshold ${t}`;
  if (state.complete) return undefined;
  for (const u of required) {
    const holders = state.neighbours[u]!.filter((v) => live[v]).length + (live[u] ? 1 : 0);
    if (holders < t)
      return (
        `client ${state.ids[u]} has ${holders} live holders of its shares after ${phase} ` +
        `(itself and its neighbours), fewer than the threshold ${t}`
      );
  }
  return undefined;
}

/**
 * The clients whose secrets the server will need once masked inputs are in:
 * every survivor (its self mask) and every client that shared keys, dropped,
 * and has a surviving neighbour (their pairwise masks).
 */
export function neededSecrets(state: RoundState): number[] {
  return positions(state.shared).filter(
    (u) => state.masked[u] || state.neighbours[u]!.some((v) => state.masked[v]),
  );
}
