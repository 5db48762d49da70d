/**
 * Secure aggregation's message rounds in simulated time. A round's training
 * trips end with each client sending its two public keys (AdvertiseKeys,
 * 64 bytes, in place of its update); the first K form the protocol's clients
 * U1, and the round then runs ShareKeys, MaskedInputCollection and
 * Unmasking as barriers: in each, every client still in downloads what the
 * server relays to it, computes (key agreements, encryption, mask
 * expansion), and uploads its message over its own cell, and the phase ends
 * when the last of them has arrived or dropped. The bytes are those of
 * secagg/traffic.ts (the sizes secagg/ really builds); a phase that leaves
 * fewer than t clients fails the round. A client that drops before its
 * masked input arrives is not in the sum; one that drops later is.
 *
 * Compute time: the crypto's cost measured on this machine, scaled to a
 * device by its fp32 rate against this machine's (see {@link HOST_CRYPTO}).
 */
import { RandomStreams } from '../../engine/random.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Fleet } from '../../fleet/fleet.js';
import { neighbourGraph } from './secagg/graph.js';
import {
  ID_BYTES,
  KEY_ENTRY_BYTES,
  maskedInputBytes,
  ROUTED_SHARES_BYTES,
  SHARE_ENTRY_BYTES,
} from './secagg/wire.js';
import type { SecureAggregation } from './secure-aggregation.js';
import type { ClientOutcome, ClientRecord, Trip, Trips } from './trips.js';

/** The phases after AdvertiseKeys, which rides on the training trip. */
export const TIMED_PHASES = ['share-keys', 'masked-input', 'unmasking'] as const;
export type TimedPhase = (typeof TIMED_PHASES)[number];

/**
 * The cost of secagg/'s cryptography on this machine (2-core AMD EPYC VM,
 * Node 20) and this machine's fp32 rate, to scale it to a device: medians of
 * `npm run bench -- secagg matmul` on 2026-12-06, load average about 7. The
 * scaling by fp32 rate is an estimate: it assumes a device runs AES and
 * X25519 as fast, relative to its fp32 work, as this x86 core with AES-NI
 * does; a core without AES instructions (the Raspberry Pi 4's Cortex-A72)
 * is slower than that.
 */
export const HOST_CRYPTO = {
  /** Seconds per byte of mask expanded and added (AES-128-CTR into the ring): 1.49 GB/s. */
  prgSecondsPerByte: 1 / 1.49e9,
  /** Seconds per X25519 agreement with its HKDF: 10.9 ms per 200. */
  agreementS: 54.5e-6,
  /** This machine's fp32 rate: TF.js wasm matmul of [512, 1024] x [1024, 1024], 36.1 ms. */
  fp32Flops: 29.7e9,
} as const;

/** What secure aggregation did in one round. */
export interface SecAggTiming {
  /** The protocol's clients (U1), by device id, ascending. */
  readonly participants: readonly number[];
  /** The phase in which each client that dropped left. */
  readonly droppedAt: ReadonlyMap<number, TimedPhase>;
  /** Seconds each phase took (unmasking includes the server's unmasking). */
  readonly phaseS: Record<TimedPhase, number>;
  /** The phase that left fewer than the threshold, or null. */
  readonly failedAt: TimedPhase | null;
}

export interface PhaseOptions {
  readonly trips: Trips;
  readonly sim: Simulation;
  readonly fleet: Fleet;
  readonly settings: SecureAggregation;
  /** The run's seed: the neighbour graph is secagg/'s, from it. */
  readonly seed: number;
  /** Parameters of the model (elements masked: the settings say). */
  readonly parameters: number;
  readonly secondsPerFlop: (client: number) => number;
}

/** Runs the timed phases of secure aggregation; it hears its clients' trips through the round runner. */
export class SecAggPhases {
  private pending = 0;
  private phase: TimedPhase | undefined;
  private completed = new Set<number>();
  private droppedAt = new Map<number, TimedPhase>();
  private records = new Map<number, ClientRecord>();

  constructor(private readonly o: PhaseOptions) {}

  /** Whether a phase is under way (the runner then routes its trips' events here). */
  get active(): boolean {
    return this.phase !== undefined;
  }

  /**
   * Runs ShareKeys, MaskedInputCollection and Unmasking for the clients whose
   * keys arrived (`records`, the training trips' records: each phase's
   * bytes, times and energy are added to them).
   */
  run(round: number, records: readonly ClientRecord[]): SecAggTiming {
    const { settings, sim } = this.o;
    const ids = records.map((r) => r.client).sort((a, b) => a - b);
    this.records = new Map(records.map((r) => [r.client, r]));
    this.droppedAt = new Map();
    const graph = neighbourGraph(
      ids.length,
      settings.neighbours,
      new RandomStreams(this.o.seed).stream('secagg-graph', round),
    );
    const neighbours = (u: number, set: ReadonlySet<number>) =>
      graph[u]!.filter((v) => set.has(ids[v]!)).length;
    const m = settings.elements(this.o.parameters);
    const phaseS = { 'share-keys': 0, 'masked-input': 0, unmasking: 0 };
    let before = new Set(ids); // U1: advertised
    let shared = new Set<number>();
    let masked = new Set<number>();
    let failedAt: TimedPhase | null = null;
    for (const phase of TIMED_PHASES) {
      const startS = sim.now;
      const legs = ids.flatMap((id, u) => {
        if (!before.has(id)) return [];
        if (!this.o.fleet.isOnline(id)) {
          // Went offline (or its battery emptied) between phases: it leaves now.
          this.droppedAt.set(id, phase);
          if (phase !== 'unmasking') this.records.get(id)!.outcome = 'offline';
          return [];
        }
        const d1 = neighbours(u, before);
        const d2 = neighbours(u, shared);
        switch (phase) {
          case 'share-keys':
            return [
              {
                id,
                down: KEY_ENTRY_BYTES * d1,
                up: ROUTED_SHARES_BYTES * d1,
                work: this.crypto(id, 0, d1),
              },
            ];
          case 'masked-input':
            return [
              {
                id,
                down: ROUTED_SHARES_BYTES * d2,
                up: maskedInputBytes(m, settings.bits),
                work: this.crypto(id, 4 * m * (d2 + 1), d2),
              },
            ];
          default:
            return [
              {
                id,
                down: ID_BYTES * neighbours(u, masked),
                up: SHARE_ENTRY_BYTES * (d2 + 1),
                work: 0,
              },
            ];
        }
      });
      this.completed = new Set();
      this.phase = phase;
      this.pending = legs.length;
      for (const leg of legs)
        this.o.trips.start(leg.id, { bytesDown: leg.down, bytesUp: leg.up, computeS: leg.work });
      if (this.pending > 0) sim.run({ stopWhen: () => this.pending === 0 });
      this.phase = undefined;
      if (phase === 'unmasking' && this.completed.size >= settings.threshold) {
        // The server removes each sender's self mask and each dropped client's pairwise masks.
        let masks = masked.size;
        let agreements = 0;
        ids.forEach((id, u) => {
          if (!shared.has(id) || masked.has(id)) return;
          const lost = neighbours(u, masked);
          masks += lost;
          agreements += lost;
        });
        this.wait(
          4 * m * masks * HOST_CRYPTO.prgSecondsPerByte + agreements * HOST_CRYPTO.agreementS,
        );
      }
      phaseS[phase] = sim.now - startS;
      if (phase === 'share-keys') shared = this.completed;
      if (phase === 'masked-input') masked = this.completed;
      before = this.completed;
      if (this.completed.size < settings.threshold) {
        failedAt = phase;
        break;
      }
    }
    for (const record of records) {
      const at = this.droppedAt.get(record.client);
      const inSum = masked.has(record.client) && failedAt === null;
      if (!inSum && record.outcome === 'aggregated')
        record.outcome = at === undefined ? 'round-failed' : 'offline';
    }
    return { participants: ids, droppedAt: this.droppedAt, phaseS, failedAt };
  }

  /** A phase's trip arrived: its bytes, times and energy go to the client's round record. */
  arrived(trip: Trip): void {
    this.add(trip);
    this.completed.add(trip.device);
    this.pending--;
  }

  /** A phase's trip was cut short: the client leaves the protocol. */
  dropped(trip: Trip): void {
    this.add(trip);
    this.droppedAt.set(trip.device, this.phase!);
    const record = this.records.get(trip.device)!;
    if (this.phase !== 'unmasking') record.outcome = trip.record.outcome as ClientOutcome;
    this.pending--;
  }

  private add(trip: Trip): void {
    const into = this.records.get(trip.device)!;
    const leg = trip.record;
    into.downloadS += leg.downloadS;
    into.computeS += leg.computeS;
    into.uploadS += leg.uploadS;
    into.energyJ += leg.energyJ;
    into.bytesDown += leg.bytesDown;
    into.bytesUp += leg.bytesUp;
  }

  /** Seconds of `prgBytes` of mask and `agreements` X25519 agreements on client `id`'s device. */
  private crypto(id: number, prgBytes: number, agreements: number): number {
    const hostS = prgBytes * HOST_CRYPTO.prgSecondsPerByte + agreements * HOST_CRYPTO.agreementS;
    return hostS * HOST_CRYPTO.fp32Flops * this.o.secondsPerFlop(id);
  }

  /** Lets `seconds` of simulated time pass (the server computing). */
  private wait(seconds: number): void {
    let done = false;
    this.o.sim.schedule(seconds, () => {
      done = true;
    });
    this.o.sim.run({ stopWhen: () => done });
  }
}
