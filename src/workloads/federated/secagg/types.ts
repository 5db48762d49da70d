/**
 * The vocabulary of a secure-aggregation round: its input, its phases, and
 * what it reports (bytes per phase, work per client, the outcome).
 */

/**
 * The phases of Bonawitz et al. (CCS 2017), semi-honest variant (no
 * consistency check, no signatures): AdvertiseKeys, ShareKeys,
 * MaskedInputCollection, Unmasking.
 */
export type SecAggPhase = 'advertise-keys' | 'share-keys' | 'masked-input' | 'unmasking';

/** The phases in the order they run. */
export const SECAGG_PHASES: readonly SecAggPhase[] = [
  'advertise-keys',
  'share-keys',
  'masked-input',
  'unmasking',
];

/** One client of the round: its id and its quantised update. */
export interface SecAggClient {
  /** Distinct integer in 0..2^32 − 2 (a device id); keys derive from it, shares sit at x = id + 1. */
  readonly id: number;
  /** The quantised update: m elements, each < 2^bits. */
  readonly input: Uint32Array;
}

/** How the round runs. */
export interface SecAggConfig {
  /** t: shares needed to reconstruct a secret; 1 ≤ t ≤ holders (n, or neighbours + 1). */
  readonly threshold: number;
  /** k, SecAgg+'s neighbours per client; undefined (or ≥ n − 1) is the complete graph of SecAgg. */
  readonly neighbours?: number;
  /** The ring Z_{2^bits}, 1..32. */
  readonly bits: number;
  /** The run's seed: every key, mask and nonce derives from it (reproducible, not secure). */
  readonly seed: number;
  /** The round number, so that rounds of one run use different keys (default 0). */
  readonly round?: number;
  /** Keep a SHA-256 digest of every message (default false; hashes each masked vector). */
  readonly transcript?: boolean;
}

/** Bytes each client moves in one phase, by client position (0 for a client that dropped). */
export interface PhaseTraffic {
  readonly phase: SecAggPhase;
  readonly uploadBytes: number[];
  readonly downloadBytes: number[];
}

/** What one client computed over the round, to charge compute time from its profile. */
export interface ClientWork {
  readonly id: number;
  /** X25519 key pairs generated (2 per client that advertised). */
  keyGenerations: number;
  /** X25519 agreements: one per neighbour for the share key, one per neighbour for its mask. */
  keyAgreements: number;
  /** PRG (AES-128-CTR) bytes expanded: 4m per mask, plus Shamir coefficients and nonces. */
  prgBytes: number;
  /** AES-256-GCM encryptions and decryptions of share pairs (104-byte plaintexts). */
  encryptions: number;
  decryptions: number;
}

/** What the server computed in the unmasking phase. */
export interface ServerWork {
  /** Secrets reconstructed by Lagrange interpolation (self-mask seeds and dropped clients' keys). */
  reconstructions: number;
  /** X25519 agreements redoing dropped clients' pairwise masks. */
  keyAgreements: number;
  /** PRG bytes expanded to remove masks. */
  prgBytes: number;
}

/** One message, when a transcript is kept. */
export interface MessageRecord {
  readonly phase: SecAggPhase;
  /** A client id, or 'server'. */
  readonly from: number | 'server';
  readonly to: number | 'server';
  readonly bytes: number;
  /** SHA-256 of the message's bytes, hex. */
  readonly sha256: string;
}

/** What every outcome reports: the traffic of the phases run and the work done. */
export interface SecAggReport {
  readonly traffic: PhaseTraffic[];
  readonly clientWork: ClientWork[];
  readonly serverWork: ServerWork;
  readonly transcript: MessageRecord[];
}

/** The round succeeded: `sum` is exactly the modular sum of the survivors' inputs. */
export interface SecAggSuccess extends SecAggReport {
  readonly ok: true;
  readonly sum: Uint32Array;
  /** Ids of the clients whose inputs are in the sum (those that sent masked input). */
  readonly survivors: number[];
}

/** The round failed: at `phase`, fewer than the threshold remained (`reason` says who). */
export interface SecAggFailure extends SecAggReport {
  readonly ok: false;
  readonly phase: SecAggPhase;
  readonly reason: string;
}

export type SecAggResult = SecAggSuccess | SecAggFailure;
