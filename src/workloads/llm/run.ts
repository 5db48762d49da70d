/**
 * Runs an llm scenario. Each device sends chat requests (its arrival
 * process; prompt and output lengths drawn from its own stream). A request
 * runs where the placement sends it:
 *
 * - on the device: one request at a time (FIFO), the prefill then the
 *   decode of each token at the device model's speed (fleet/llm-timing.ts);
 *   the device is busy (active power) throughout; it fails if the device goes
 *   down;
 * - on a server: the prompt is uploaded over the device's cell (its bytes =
 *   tokens x bytesPerToken), crosses half the server's RTT, joins the
 *   server's continuous batcher (batcher.ts); the first token crosses back
 *   (half the RTT, then the cell's downlink), and when the last token is
 *   produced the last chunk of `streamChunk` tokens does the same. The chunks
 *   between are small (tokens/s x a few bytes) and are counted in bytes but
 *   not sent as transfers. A device that went down meanwhile loses the
 *   response.
 *
 * `adaptive` picks per request the place of least expected end-to-end
 * latency from the present loads: the device's backlog plus its own
 * prefill and decode, against each server's upload, RTT, a prefill and
 * the decode at its present batch (an estimate: it ignores what arrives
 * later). Devices whose memory cannot hold the device model always go to a
 * server.
 *
 * Arrivals stop at `duration`; the run continues until every request has
 * finished or failed, for at most as long again.
 */
import { radioModels } from '../../energy/radio.js';
import type { EventId } from '../../engine/event-queue.js';
import type { RandomStream } from '../../engine/random.js';
import { RandomStreams } from '../../engine/random.js';
import { Priority, Simulation } from '../../engine/simulation.js';
import { deviceKey, Fleet } from '../../fleet/fleet.js';
import { buildCells } from '../../network/cells.js';
import { DOWN, Transfers, UP } from '../../network/transfer.js';
import { formatClock, NO_PROGRESS, type ProgressReporter } from '../../progress.js';
import type { RunResult } from '../../vocabulary/run-result.js';
import { arrivalProcess } from '../arrivals.js';
import { ContinuousBatcher } from './batcher.js';
import { ON_DEVICE, RequestLog, SERVER_BASE, Status } from './log.js';
import type { ResolvedLlm } from './resolve.js';
import { Speculation } from './speculative.js';
import { llmTables } from './tables.js';

export async function runLlm(
  resolved: ResolvedLlm,
  seed: number,
  progress: ProgressReporter = NO_PROGRESS,
): Promise<RunResult> {
  return { tables: simulateLlm(resolved, seed, progress).tables, backend: null };
}

/** The run, with its state for tests. */
export function simulateLlm(resolved: ResolvedLlm, seed: number, progress = NO_PROGRESS) {
  const { scenario } = resolved;
  const section = scenario.llm;
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const fleet = new Fleet(sim, streams, resolved.groups, {
    baseDir: resolved.baseDir,
    radio: radioModels(scenario.radio),
  });
  const { cells, cellOf } = buildCells(sim, scenario, resolved.baseDir);
  const transfers = new Transfers(sim, fleet, cells, cellOf);
  const log = new RequestLog();
  const bitsPerToken = section.bytesPerToken * 8;
  const deliveries = new Map<number, number>(); // request -> server messages still to arrive
  let inFlight = 0;

  const finish = (r: number, status: number): void => {
    if (log.status[r] !== Status.pending) return;
    log.status[r] = status;
    deliveries.delete(r);
    inFlight--;
  };

  // --- servers -------------------------------------------------------------
  const batchers = resolved.servers.map((server) => {
    const half = server.spec.rtt / 2;
    const deliver = (r: number, tokens: number, first: boolean) => {
      sim.schedule(half, () => {
        const d = log.device[r]!;
        if (log.status[r] !== Status.pending) return;
        if (!fleet.isOnline(d)) return finish(r, Status.failed);
        transfers.start(
          d,
          DOWN,
          tokens * bitsPerToken,
          () => {
            if (first) log.firstS[r] = sim.now;
            else log.lastS[r] = sim.now;
            const left = deliveries.get(r)! - 1;
            deliveries.set(r, left);
            if (left === 0) {
              deliveries.delete(r);
              if (log.output[r] === 1) log.lastS[r] = log.firstS[r]!;
              else if (log.lastS[r]! < log.firstS[r]!) log.lastS[r] = log.firstS[r]!;
              finish(r, Status.done);
            }
          },
          r,
        );
      });
    };
    return new ContinuousBatcher(
      sim,
      {
        maxBatch: server.spec.maxBatch,
        maxBatchTokens: server.spec.maxBatchTokens,
        kvCapacityTokens: server.kvTokens,
        iterationS: server.timing.iterationS,
      },
      {
        firstToken: (r) => {
          if (!speculation?.has(r)) deliver(r, 1, true);
        },
        finished: (r) => {
          if (speculation?.has(r)) return speculation.served(r);
          const rest = log.output[r]! - 1;
          if (rest > 0) deliver(r, Math.min(section.streamChunk, rest), false);
        },
      },
    );
  });
  const acceptance = new Map<number, RandomStream>();
  const speculation =
    section.speculative === undefined
      ? undefined
      : new Speculation({
          sim,
          fleet,
          transfers,
          log,
          servers: resolved.servers,
          batchers,
          draftOf: (d) => modelOf(d),
          acceptanceStream: (d) => {
            let stream = acceptance.get(d);
            if (stream === undefined) {
              stream = streams.stream('speculative-acceptance', d);
              acceptance.set(d, stream);
            }
            return stream;
          },
          bitsPerToken,
          draftTokens: section.speculative.draftTokens,
          acceptance: section.speculative.acceptance,
          finish,
        });
  const sendToServer = (r: number, k: number): void => {
    const server = resolved.servers[k]!;
    const d = log.device[r]!;
    log.where[r] = SERVER_BASE + k;
    const speculate = speculation !== undefined && modelOf(d) !== null;
    if (!speculate) deliveries.set(r, log.output[r]! > 1 ? 2 : 1);
    const submit = () => {
      if (speculate) speculation.begin(r, k);
      else
        batchers[k]!.submit({ id: r, promptTokens: log.prompt[r]!, outputTokens: log.output[r]! });
    };
    transfers.start(
      d,
      UP,
      log.prompt[r]! * bitsPerToken,
      () => sim.schedule(server.spec.rtt / 2, submit),
      r,
    );
  };

  // --- devices -------------------------------------------------------------
  const n = fleet.count;
  const current = new Int32Array(n).fill(-1);
  const pending = new Float64Array(n).fill(-1);
  const busyUntilS = new Float64Array(n);
  const queues = new Map<number, number[]>();
  /** Seconds of work queued on each device, and each queued request's [prefill, decode] seconds. */
  const queuedS = new Float64Array(n);
  const work = new Map<number, [number, number]>();
  const modelOf = (d: number) => resolved.deviceModels[fleet.groupOf[d]!] ?? null;
  /** Request r's [prefill, decode] seconds on device d: reckoned once, when it is placed. */
  const deviceWorkS = (d: number, r: number): [number, number] => {
    const known = work.get(r);
    if (known !== undefined) return known;
    const timing = modelOf(d)!.timing;
    const p = log.prompt[r]!;
    let decodeS = 0;
    for (let i = 1; i < log.output[r]!; i++) decodeS += timing.decodeS(p + i);
    const factor = fleet.throughputFactor[d]!;
    const seconds: [number, number] = [timing.prefillS(p) / factor, decodeS / factor];
    work.set(r, seconds);
    return seconds;
  };
  const startOnDevice = (d: number): void => {
    const queue = queues.get(d);
    const r = queue?.shift();
    if (r === undefined) return;
    const [prefillS, decodeS] = deviceWorkS(d, r);
    work.delete(r);
    queuedS[d]! -= prefillS + decodeS;
    current[d] = r;
    fleet.setBusy(d, true);
    if (!fleet.isOnline(d)) return; // the battery emptied as it started
    busyUntilS[d] = sim.now + prefillS + decodeS;
    pending[d] = sim.schedule(prefillS, () => {
      log.firstS[r] = sim.now;
      pending[d] = sim.schedule(decodeS, () => {
        log.lastS[r] = sim.now;
        pending[d] = -1;
        current[d] = -1;
        fleet.setBusy(d, false);
        finish(r, Status.done);
        startOnDevice(d);
      });
    });
  };
  const runOnDevice = (d: number, r: number): void => {
    log.where[r] = ON_DEVICE;
    const [prefillS, decodeS] = deviceWorkS(d, r);
    queuedS[d]! += prefillS + decodeS;
    const queue = queues.get(d);
    if (queue === undefined) queues.set(d, [r]);
    else queue.push(r);
    if (current[d] === -1) startOnDevice(d);
  };
  fleet.listen({
    deviceDown(d) {
      speculation?.deviceDown(d);
      transfers.abortAll(d, (r) => finish(r, Status.failed));
      if (current[d]! >= 0) {
        sim.cancel(pending[d] as EventId);
        fleet.setBusy(d, false);
        finish(current[d]!, Status.failed);
        current[d] = -1;
      }
      for (const r of queues.get(d)?.splice(0) ?? []) {
        work.delete(r);
        finish(r, Status.failed);
      }
      queuedS[d] = 0;
    },
    deviceUp() {},
  });

  // --- placement -------------------------------------------------------------
  const expectedOnDevice = (d: number, r: number): number => {
    const [prefillS, decodeS] = deviceWorkS(d, r);
    const backlog = Math.max(0, busyUntilS[d]! - sim.now) + queuedS[d]!;
    return backlog + prefillS + decodeS;
  };
  const expectedOnServer = (d: number, r: number, k: number): number => {
    const server = resolved.servers[k]!;
    const batcher = batchers[k]!;
    const p = log.prompt[r]!;
    const o = log.output[r]!;
    const batch = Math.min(server.spec.maxBatch, batcher.running + 1);
    const context = p + o / 2;
    const uploadS = (p * bitsPerToken) / cells[cellOf[d]!]!.uplink.capacity;
    const waitS = batcher.waiting * server.timing.prefillS(Math.round(resolved.lengths.meanPrompt));
    return (
      uploadS +
      server.spec.rtt +
      waitS +
      server.timing.prefillS(p) +
      (o - 1) * server.timing.iterationS(0, batch, Math.round(batch * context))
    );
  };
  const tierServers = (tier: 'edge' | 'cloud') =>
    resolved.servers.flatMap((s, k) => (s.spec.tier === tier ? [k] : []));
  const candidates =
    section.placement === 'edge' || section.placement === 'cloud'
      ? tierServers(section.placement)
      : resolved.servers.map((_, k) => k);
  const place = (d: number, r: number): void => {
    const onDevice = modelOf(d) !== null;
    if (section.placement === 'device') {
      runOnDevice(d, r);
      return;
    }
    let best = -1;
    let bestS = onDevice && section.placement === 'adaptive' ? expectedOnDevice(d, r) : Infinity;
    for (const k of candidates) {
      const s = expectedOnServer(d, r, k);
      if (s < bestS) {
        bestS = s;
        best = k;
      }
    }
    if (best === -1) runOnDevice(d, r);
    else {
      work.delete(r); // reckoned for the estimate only
      sendToServer(r, best);
    }
  };

  // --- arrivals ----------------------------------------------------------------
  const durationS = scenario.duration;
  resolved.groups.forEach((group) => {
    for (let i = 0; i < group.spec.count; i++) {
      const d = group.first + i;
      const key = deviceKey(group, i);
      const arrivals = arrivalProcess(group.spec.arrivals, streams.stream('arrivals', key), {
        baseDir: resolved.baseDir,
      });
      const lengths = streams.stream('llm-lengths', key);
      const arrive = (): void => {
        const [p, o] = resolved.lengths.draw(lengths);
        const r = log.add(d, sim.now, p, o);
        inFlight++;
        if (!fleet.isOnline(d)) finish(r, Status.failed);
        else place(d, r);
        const next = arrivals.next();
        if (next < durationS) sim.scheduleAt(next, arrive, Priority.normal);
      };
      const first = arrivals.next();
      if (first < durationS) sim.scheduleAt(first, arrive, Priority.normal);
    }
  });
  const tick = Math.max(durationS / 100, 1);
  const report = (): void => {
    progress.update(Math.min(1, sim.now / durationS), `simulated ${formatClock(sim.now)}`);
    if (sim.now + tick < durationS) sim.schedule(tick, report, Priority.late);
  };
  sim.schedule(0, report, Priority.late);
  sim.run({ untilS: durationS });
  sim.run({ untilS: 2 * durationS, stopWhen: () => inFlight === 0 });
  for (let r = 0; r < log.count; r++)
    if (log.status[r] === Status.pending) log.status[r] = Status.failed;
  fleet.finish();
  const endS = sim.now;
  const state = { log, fleet, batchers, endS, speculation };
  return { ...state, tables: llmTables(resolved, state) };
}
