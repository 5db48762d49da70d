/**
 * Speculative decoding across tiers (Leviathan, Kalman and Matias, "Fast
 * Inference from Transformers via Speculative Decoding", ICML 2023; Chen et
 * al., "Accelerating Large Language Model Decoding with Speculative
 * Sampling", 2023), with the draft model on the device and the target model
 * on a server:
 *
 * 1. The prompt goes up and the server prefills it, sampling the first token,
 *    which comes back (the same TTFT as without speculation); meanwhile the
 *    device prefills the prompt with its draft model.
 * 2. Then rounds, until the output is complete: the device drafts n tokens
 *    one after another at the draft model's decode speed (busy at active
 *    power), sends them up, the server verifies them in one forward pass (a
 *    batcher job of n prompt tokens and one output: the verification samples
 *    the correction or bonus token), and the verdict comes back. Each drafted
 *    token is accepted with probability `acceptance` until the first
 *    rejection (Leviathan et al.'s i.i.d. model, Section 3.3), so a round
 *    gives k + 1 tokens, k the accepted drafts: (1 - a^(n+1)) / (1 - a) on
 *    average. Every round pays the uplink, the RTT and the downlink.
 *
 * Simplifications, stated: the server's batcher sees a verification as n
 * prompt tokens, not the KV of the sequence's whole context, which the server
 * keeps between rounds (that KV counts neither against the budget nor in the
 * verification's memory traffic; for an 8B model at 1,000 tokens of context
 * it is 3% of the weights read); the last round drafts no more than the
 * tokens still missing, less one.
 */
import type { RandomStream } from '../../engine/random.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Fleet } from '../../fleet/fleet.js';
import { DOWN, type Transfers, UP } from '../../network/transfer.js';
import type { ContinuousBatcher } from './batcher.js';
import { type RequestLog, Status } from './log.js';
import type { PlacedModel, ResolvedServer } from './resolve.js';

/** What a speculating run needs. */
export interface SpeculationContext {
  readonly sim: Simulation;
  readonly fleet: Fleet;
  readonly transfers: Transfers;
  readonly log: RequestLog;
  readonly servers: readonly ResolvedServer[];
  readonly batchers: readonly ContinuousBatcher[];
  readonly draftOf: (d: number) => PlacedModel | null;
  readonly acceptanceStream: (d: number) => RandomStream;
  readonly bitsPerToken: number;
  readonly draftTokens: number;
  readonly acceptance: number;
  readonly finish: (r: number, status: number) => void;
}

/** Per speculating request: tokens the device has, and the round's drafted count. */
interface Round {
  server: number;
  /** Tokens the device holds: the first (from the prefill) and every accepted or corrected one. */
  have: number;
  drafted: number;
  /** Both the first token and the draft prefill are needed before the first round. */
  ready: number;
}

export class Speculation {
  private readonly rounds = new Map<number, Round>();
  /** The speculating requests of each device (so a device going down finds its own). */
  private readonly ofDevice = new Map<number, Set<number>>();
  private readonly busy: Int32Array;
  /** Bumped when a device goes down: computations it had under way are void. */
  private readonly generation: Uint32Array;
  /** Rounds run and drafted tokens accepted, for the summary. */
  roundsRun = 0;
  acceptedTokens = 0;
  draftedTokens = 0;

  constructor(private readonly c: SpeculationContext) {
    this.busy = new Int32Array(c.fleet.count);
    this.generation = new Uint32Array(c.fleet.count);
  }

  /** Device `d` went down: its drafting stops (the fleet has powered it off) and its requests fail. */
  deviceDown(d: number): void {
    this.busy[d] = 0;
    this.generation[d]!++;
    for (const r of [...(this.ofDevice.get(d) ?? [])]) this.end(r, Status.failed);
  }

  /** True while request `r` speculates (its batcher jobs are rounds, not plain requests). */
  has(r: number): boolean {
    return this.rounds.has(r);
  }

  /** Starts request `r` of device `d` on server `k` with speculation (the prompt is already uploaded). */
  begin(r: number, k: number): void {
    const { log } = this.c;
    const d = log.device[r]!;
    this.rounds.set(r, { server: k, have: 0, drafted: 0, ready: 0 });
    const mine = this.ofDevice.get(d);
    if (mine === undefined) this.ofDevice.set(d, new Set([r]));
    else mine.add(r);
    this.c.batchers[k]!.submit({ id: r, promptTokens: log.prompt[r]!, outputTokens: 1 });
    this.compute(d, this.c.draftOf(d)!.timing.prefillS(log.prompt[r]!), () => this.ready(r));
  }

  /** The device computes for `seconds` (scaled by its throughput factor), then `then`. */
  private compute(d: number, seconds: number, then: () => void): void {
    const { fleet, sim } = this.c;
    const generation = this.generation[d]!;
    if (this.busy[d]!++ === 0) fleet.setBusy(d, true);
    sim.schedule(seconds / fleet.throughputFactor[d]!, () => {
      if (this.generation[d] !== generation) return;
      if (--this.busy[d]! === 0) fleet.setBusy(d, false);
      then();
    });
  }

  /** A batcher job of request `r` is done: its first token, or a round's verdict. */
  served(r: number): void {
    const round = this.rounds.get(r);
    if (round === undefined) return; // failed meanwhile (its device went down)
    const { log, sim } = this.c;
    const server = this.c.servers[round.server]!;
    const first = round.have === 0;
    const gained = first ? 1 : this.verdict(r, round.drafted) + 1;
    sim.schedule(server.spec.rtt / 2, () => {
      const d = log.device[r]!;
      if (log.status[r] !== Status.pending) return;
      if (!this.c.fleet.isOnline(d)) return this.end(r, Status.failed);
      this.c.transfers.start(
        d,
        DOWN,
        gained * this.c.bitsPerToken,
        () => {
          if (first) log.firstS[r] = sim.now;
          round.have = Math.min(log.output[r]!, round.have + gained);
          if (first) this.ready(r);
          else this.next(r);
        },
        r,
      );
    });
  }

  /** Accepted drafts of a round of `n`: leading successes of Bernoulli(acceptance). */
  private verdict(r: number, n: number): number {
    const stream = this.c.acceptanceStream(this.c.log.device[r]!);
    let k = 0;
    while (k < n && stream.uniform(0, 1) < this.c.acceptance) k++;
    this.roundsRun++;
    this.draftedTokens += n;
    this.acceptedTokens += k;
    return k;
  }

  /** One of the two things the first round waits for has happened. */
  private ready(r: number): void {
    const round = this.rounds.get(r);
    if (round === undefined) return;
    if (++round.ready === 2) this.next(r);
  }

  /** The device has its tokens so far: done, or draft the next round. */
  private next(r: number): void {
    const { log, sim } = this.c;
    const round = this.rounds.get(r);
    if (round === undefined) return;
    if (round.have >= log.output[r]!) {
      log.lastS[r] = sim.now;
      this.end(r, Status.done);
      return;
    }
    const d = log.device[r]!;
    const n = Math.min(this.c.draftTokens, log.output[r]! - round.have - 1);
    round.drafted = n;
    const timing = this.c.draftOf(d)!.timing;
    const context = log.prompt[r]! + round.have;
    let draftS = 0;
    for (let j = 0; j < n; j++) draftS += timing.decodeS(context + j);
    this.compute(d, draftS, () => {
      if (log.status[r] !== Status.pending) return;
      const server = this.c.servers[round.server]!;
      this.c.transfers.start(
        d,
        UP,
        Math.max(n, 1) * this.c.bitsPerToken,
        () => {
          sim.schedule(server.spec.rtt / 2, () => {
            this.c.batchers[round.server]!.submit({
              id: r,
              promptTokens: Math.max(n, 1),
              outputTokens: 1,
            });
          });
        },
        r,
      );
    });
  }

  private end(r: number, status: number): void {
    this.rounds.delete(r);
    this.ofDevice.get(this.c.log.device[r]!)?.delete(r);
    this.c.finish(r, status);
  }
}
