/**
 * Secure aggregation: Bonawitz et al., "Practical Secure Aggregation for
 * Privacy-Preserving Machine Learning", CCS 2017 (Fig. 4, the semi-honest
 * variant: no consistency-check round, no signatures), with the sparse
 * neighbour graph of SecAgg+ (Bell et al., CCS 2020) as an option.
 *
 * A pure, deterministic simulation that does the cryptography for real:
 * X25519 agreements, AES-128-CTR masks, Shamir shares sealed with
 * AES-256-GCM; the server really sums masked vectors and really removes the
 * masks, so the sum equals the plain modular sum of the survivors' inputs
 * exactly. Every key, mask seed, coefficient and nonce derives from the run's
 * seed: reproducible, and for that reason NOT a secure deployment.
 *
 * Phases (U1 ⊇ U2 ⊇ U3 ⊇ U5 are the clients that complete each):
 * 1. advertise-keys: u generates (c_pk, c_sk), (s_pk, s_sk), sends c_pk ‖ s_pk.
 * 2. share-keys: the server sends u its neighbours' keys; u draws b_u, splits
 *    s_sk and b_u t-of-(d1 + 1) among its neighbours and itself, seals each
 *    neighbour's pair with AES-256-GCM under HKDF(X25519(c_sk_u, c_pk_v)).
 * 3. masked-input: the server forwards the sealed pairs; u sends
 *    y_u = x_u + PRG(b_u) + Σ_{v∈N(u)∩U2} Δ_{u,v} PRG(HKDF(X25519(s_sk_u, s_pk_v)))
 *    mod 2^bits, Δ_{u,v} = +1 if u > v else −1; the server sums the y_u.
 * 4. unmasking: see unmask.ts.
 * Each phase ends with the threshold rule (state.ts); the round fails there,
 * naming the phase, if it does not hold.
 */
import { RandomStreams } from '../../../engine/random.js';
import { checkRingBits } from './fixed-point.js';
import { neighbourGraph } from './graph.js';
import { addRing, applyMasks, deriveSeed, expandBytes, type MaskStream } from './prg.js';
import { shareRandomBytes, splitSecret } from './shamir.js';
import {
  neededSecrets,
  PAIR_MASK_PURPOSE,
  pairSign,
  positions,
  type RoundState,
  record,
  SHARE_KEY_PURPOSE,
  thresholdShortfall,
} from './state.js';
import { emptyTraffic, plannedTraffic } from './traffic.js';
import {
  type PhaseTraffic,
  SECAGG_PHASES,
  type SecAggClient,
  type SecAggConfig,
  type SecAggPhase,
  type SecAggResult,
  type ServerWork,
} from './types.js';
import { computeUnmasking } from './unmask.js';
import { validateRound } from './validate.js';
import { concat, maskedInputBytes, NONCE_BYTES, packWords, sealShares, withId } from './wire.js';
import { agree, x25519KeyPair, x25519PublicKey } from './x25519.js';

/** The outcome of one phase. */
export type PhaseOutcome =
  | { readonly ok: true; readonly phase: SecAggPhase; readonly traffic: PhaseTraffic }
  | {
      readonly ok: false;
      readonly phase: SecAggPhase;
      readonly reason: string;
      readonly traffic: PhaseTraffic;
    };

/**
 * One round, phase by phase, so a driver can charge each phase in simulated
 * time and decide who drops before the next: {@link plannedTraffic} says what
 * the next phase will move, {@link step} runs it.
 */
export class SecAggRound {
  private readonly state: RoundState;
  private readonly traffic: PhaseTraffic[] = [];
  private readonly serverWork: ServerWork = { reconstructions: 0, keyAgreements: 0, prgBytes: 0 };
  private phaseIndex = 0;
  private failure: { phase: SecAggPhase; reason: string } | undefined;
  private sum: Uint32Array | undefined;

  /** Throws RangeError on invalid input (naming the field and value). */
  constructor(clients: readonly SecAggClient[], config: SecAggConfig) {
    validateRound(clients, config);
    checkRingBits(config.bits);
    const n = clients.length;
    const round = config.round ?? 0;
    const streams = new RandomStreams(config.seed);
    const draws = streams.stream('secagg-root', round);
    const root = new Uint8Array(
      new Uint32Array(8).map(() => Math.floor(draws.next() * 2 ** 32)).buffer,
    );
    const neighbours = neighbourGraph(n, config.neighbours, streams.stream('secagg-graph', round));
    this.state = {
      ids: clients.map((c) => c.id),
      inputs: clients.map((c) => c.input),
      neighbours,
      threshold: config.threshold,
      bits: config.bits,
      complete: neighbours.every((list) => list.length === n - 1),
      root,
      keepTranscript: config.transcript ?? false,
      alive: new Array<boolean>(n).fill(true),
      shared: new Array<boolean>(n).fill(false),
      masked: new Array<boolean>(n).fill(false),
      secrets: new Array(n).fill(undefined),
      publicKeys: new Array(n).fill(undefined),
      work: clients.map((c) => ({
        id: c.id,
        keyGenerations: 0,
        keyAgreements: 0,
        prgBytes: 0,
        encryptions: 0,
        decryptions: 0,
      })),
      transcript: [],
      sum: new Uint32Array(clients[0]!.input.length),
    };
  }

  /** The phase {@link step} runs next; undefined once the round has finished or failed. */
  get nextPhase(): SecAggPhase | undefined {
    return this.failure === undefined ? SECAGG_PHASES[this.phaseIndex] : undefined;
  }

  /** Neighbour positions of each client (ascending; complete graph: everyone else). */
  get neighbours(): readonly (readonly number[])[] {
    return this.state.neighbours;
  }

  /** Bytes each remaining client moves in the next phase if it completes it. */
  plannedTraffic(): PhaseTraffic {
    return plannedTraffic(this.state, this.requirePhase());
  }

  /**
   * Runs the next phase; the clients `dropped` (ids) leave at its start and
   * send nothing from then on. Throws once the round has finished or failed.
   */
  step(dropped: readonly number[] = []): PhaseOutcome {
    const phase = this.requirePhase();
    const gone = this.positionsOf(dropped);
    let traffic: PhaseTraffic;
    let reason: string | undefined;
    if (phase === 'unmasking') {
      ({ traffic, reason } = this.commitUnmasking(gone));
    } else {
      for (const u of gone) this.state.alive[u] = false;
      traffic = this.runPhase(phase);
      reason = this.shortfall(phase);
    }
    this.traffic.push(traffic);
    this.phaseIndex++;
    if (reason === undefined) return { ok: true, phase, traffic };
    this.failure = { phase, reason };
    return { ok: false, phase, reason, traffic };
  }

  /**
   * The unmasking phase as {@link step} would run it with `dropped`, without
   * running it: the state stays as it is (for benchmarks). Only after
   * masked-input.
   */
  previewUnmasking(dropped: readonly number[] = []): Uint32Array | string {
    if (this.requirePhase() !== 'unmasking') throw new Error('previewUnmasking: not at unmasking');
    const outcome = computeUnmasking(this.state, this.positionsOf(dropped));
    return outcome.result.ok ? outcome.result.sum : outcome.result.reason;
  }

  /** The round's result: once every phase has run, or after a failure. */
  result(): SecAggResult {
    const report = {
      traffic: this.traffic,
      clientWork: this.state.work,
      serverWork: this.serverWork,
      transcript: this.state.transcript,
    };
    if (this.failure !== undefined) return { ok: false, ...this.failure, ...report };
    if (this.sum === undefined) throw new Error(`result: the round is at ${this.nextPhase}`);
    const survivors = positions(this.state.masked).map((u) => this.state.ids[u]!);
    return { ok: true, sum: this.sum, survivors, ...report };
  }

  private requirePhase(): SecAggPhase {
    const phase = this.nextPhase;
    if (phase === undefined) throw new Error('the round has finished');
    return phase;
  }

  private positionsOf(ids: readonly number[]): Set<number> {
    const byId = new Map(this.state.ids.map((id, u) => [id, u]));
    return new Set(
      ids.map((id) => {
        const u = byId.get(id);
        if (u === undefined) throw new RangeError(`dropped client id(=${id}) is not in the round`);
        return u;
      }),
    );
  }

  private shortfall(phase: SecAggPhase): string | undefined {
    const { state } = this;
    const required = phase === 'masked-input' ? neededSecrets(state) : positions(state.alive);
    return thresholdShortfall(state, phase, required, state.alive);
  }

  private commitUnmasking(gone: ReadonlySet<number>): {
    traffic: PhaseTraffic;
    reason: string | undefined;
  } {
    const outcome = computeUnmasking(this.state, gone);
    outcome.live.forEach((on, u) => {
      this.state.alive[u] = on;
      this.state.work[u]!.decryptions += outcome.decryptions[u]!;
    });
    this.state.transcript.push(...outcome.transcript);
    this.serverWork.reconstructions += outcome.serverWork.reconstructions;
    this.serverWork.keyAgreements += outcome.serverWork.keyAgreements;
    this.serverWork.prgBytes += outcome.serverWork.prgBytes;
    if (!outcome.result.ok) return { traffic: outcome.traffic, reason: outcome.result.reason };
    this.sum = outcome.result.sum;
    return { traffic: outcome.traffic, reason: undefined };
  }

  private runPhase(phase: Exclude<SecAggPhase, 'unmasking'>): PhaseTraffic {
    const traffic = emptyTraffic(phase, this.state.ids.length);
    const live = positions(this.state.alive);
    const send = phaseSenders[phase];
    for (const u of live) send(this.state, u, traffic);
    for (const u of live) {
      if (phase === 'share-keys') this.state.shared[u] = true;
      if (phase === 'masked-input') this.state.masked[u] = true;
    }
    return traffic;
  }
}

type Sender = (state: RoundState, u: number, traffic: PhaseTraffic) => void;

/** Phase 1: key generation from the client's seed, c_pk ‖ s_pk to the server. */
function advertiseKeys(state: RoundState, u: number, traffic: PhaseTraffic): void {
  const id = state.ids[u]!;
  const seed = deriveSeed(state.root, `client/${id}`);
  const sSecret = deriveSeed(seed, 's-key');
  const c = x25519KeyPair(deriveSeed(seed, 'c-key'));
  const s = x25519KeyPair(sSecret);
  const b = deriveSeed(seed, 'self-mask');
  state.secrets[u] = { seed, c, s, sSecret, b, shareKeys: new Map(), inbox: new Map() };
  state.work[u]!.keyGenerations += 2;
  const message = concat([c.publicKey, s.publicKey]);
  traffic.uploadBytes[u] = message.length;
  record(state, 'advertise-keys', id, 'server', message);
  state.publicKeys[u] = {
    cRaw: c.publicKey,
    sRaw: s.publicKey,
    c: x25519PublicKey(c.publicKey),
    s: x25519PublicKey(s.publicKey),
  };
}

/** Phase 2: neighbours' keys down; shares of s_sk and b, sealed per neighbour, up. */
function shareKeys(state: RoundState, u: number, traffic: PhaseTraffic): void {
  const id = state.ids[u]!;
  const secrets = state.secrets[u]!;
  const work = state.work[u]!;
  const peers = state.neighbours[u]!.filter((v) => state.publicKeys[v] !== undefined);
  const keys = concat(
    peers.map((v) => {
      const pk = state.publicKeys[v]!;
      return withId(state.ids[v]!, concat([pk.cRaw, pk.sRaw]));
    }),
  );
  traffic.downloadBytes[u] = keys.length;
  record(state, 'share-keys', 'server', id, keys);
  const holders = [...peers, u].sort((a, b) => a - b);
  const xs = holders.map((h) => state.ids[h]! + 1);
  const randomBytes = shareRandomBytes(state.threshold);
  const split = (secret: Uint8Array, label: string) =>
    splitSecret(
      secret,
      state.threshold,
      xs,
      expandBytes(deriveSeed(secrets.seed, label), randomBytes),
    );
  const secretKeyShares = split(secrets.sSecret, 'shamir/s-key');
  const selfMaskShares = split(secrets.b, 'shamir/self-mask');
  const nonces = expandBytes(deriveSeed(secrets.seed, 'nonces'), NONCE_BYTES * peers.length);
  work.prgBytes += 2 * randomBytes + nonces.length;
  const own = holders.indexOf(u);
  secrets.ownShares = { secretKey: secretKeyShares[own]!, selfMask: selfMaskShares[own]! };
  const entries = peers.map((v, i) => {
    const key = agree(secrets.c.privateKey, state.publicKeys[v]!.c, SHARE_KEY_PURPOSE);
    work.keyAgreements++;
    secrets.shareKeys.set(v, key);
    const h = holders.indexOf(v);
    const sealed = sealShares(key, nonces.subarray(i * NONCE_BYTES, (i + 1) * NONCE_BYTES), {
      from: id,
      to: state.ids[v]!,
      secretKeyShare: secretKeyShares[h]!,
      selfMaskShare: selfMaskShares[h]!,
    });
    work.encryptions++;
    // The server routes it to v; v reads it in the next phase if it is still there.
    state.secrets[v]?.inbox.set(u, sealed);
    return withId(state.ids[v]!, sealed);
  });
  const message = concat(entries);
  traffic.uploadBytes[u] = message.length;
  record(state, 'share-keys', id, 'server', message);
}

/** Phase 3: sealed shares from neighbours that shared down; the masked input up. */
function maskedInput(state: RoundState, u: number, traffic: PhaseTraffic): void {
  const id = state.ids[u]!;
  const secrets = state.secrets[u]!;
  const work = state.work[u]!;
  const senders = [...secrets.inbox.keys()].sort((a, b) => a - b);
  const forwarded = concat(senders.map((v) => withId(state.ids[v]!, secrets.inbox.get(v)!)));
  traffic.downloadBytes[u] = forwarded.length;
  record(state, 'masked-input', 'server', id, forwarded);
  const streams: MaskStream[] = [{ seed: secrets.b, sign: 1 }];
  for (const v of senders) {
    const seed = agree(secrets.s.privateKey, state.publicKeys[v]!.s, PAIR_MASK_PURPOSE);
    work.keyAgreements++;
    streams.push({ seed, sign: pairSign(id, state.ids[v]!) });
  }
  const masked = state.inputs[u]!.slice();
  work.prgBytes += applyMasks(masked, streams, state.bits);
  traffic.uploadBytes[u] = maskedInputBytes(masked.length, state.bits);
  if (state.keepTranscript)
    record(state, 'masked-input', id, 'server', packWords(masked, state.bits));
  addRing(state.sum, masked, state.bits);
}

const phaseSenders: Record<Exclude<SecAggPhase, 'unmasking'>, Sender> = {
  'advertise-keys': advertiseKeys,
  'share-keys': shareKeys,
  'masked-input': maskedInput,
};

/**
 * Runs a whole round: `dropouts[phase]` lists the client ids that leave at
 * the start of that phase. Throws RangeError on invalid input.
 */
export function runSecAgg(
  clients: readonly SecAggClient[],
  config: SecAggConfig,
  dropouts: Partial<Record<SecAggPhase, readonly number[]>> = {},
): SecAggResult {
  const round = new SecAggRound(clients, config);
  for (const phase of SECAGG_PHASES) if (!round.step(dropouts[phase] ?? []).ok) break;
  return round.result();
}
