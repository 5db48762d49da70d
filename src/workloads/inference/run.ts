import type { EventId } from '../../engine/event-queue.js';
import { ProcessorSharing } from '../../engine/processor-sharing.js';
import { RandomStreams } from '../../engine/random.js';
import { Priority, Simulation } from '../../engine/simulation.js';
import { deviceKey, Fleet } from '../../fleet/fleet.js';
import { buildCells } from '../../network/cells.js';
import { type Direction, DOWN, Transfers, UP } from '../../network/transfer.js';
import { formatClock, NO_PROGRESS, type ProgressReporter } from '../../progress.js';
import { type ArrivalProcess, arrivalProcess } from './arrivals.js';
import { BatchingServer } from './batching-server.js';
import { ModelDownloads } from './model-download.js';
import { ON_DEVICE, type PlacementView, placementPolicy } from './placement.js';
import { Request, SlotStack } from './request.js';
import { type Outcome, RequestLog } from './request-log.js';
import type { ResolvedScenario, ResolvedServer } from './resolve.js';
import { type InferenceTables, inferenceTables } from './tables.js';

interface ServerState {
  resolved: ResolvedServer;
  server: BatchingServer;
  ingress: ProcessorSharing | undefined;
}

/**
 * Runs a scenario's inference workload on its fleet. Each device draws
 * arrivals from its own stream; placement sends each request to the device
 * itself or to a server. Offloaded requests upload the model input over the
 * device's shared cell (after the radio's promotion), cross the server's RTT
 * and shared ingress, wait in the server's batching queue, are served in the
 * roofline time of their batch, and return over the shared downlink. Energy
 * of compute, radio and idle is metered per device; availability, failures
 * and batteries take devices down, failing what they were doing.
 *
 * A pure function of (resolved scenario, seed); `progress` hears of the
 * simulated time every {@link PROGRESS_EVENTS} events and changes nothing.
 */
export function runInference(
  resolved: ResolvedScenario,
  seed: number,
  progress: ProgressReporter = NO_PROGRESS,
): InferenceTables {
  const { scenario } = resolved;
  const inference = scenario.workload.inference;
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const fleet = new Fleet(sim, streams, resolved.groups, { baseDir: resolved.baseDir });
  const { cells, cellOf } = buildCells(sim, scenario, resolved.baseDir);
  const log = new RequestLog(
    fleet.count,
    resolved.groups.length,
    resolved.servers.length,
    scenario.outputs.requests,
  );
  const servers: ServerState[] = resolved.servers.map((r) => ({
    resolved: r,
    server: new BatchingServer(sim, {
      workers: r.spec.workers,
      queueCapacity: r.spec.queueCapacity ?? Number.POSITIVE_INFINITY,
      maxBatch: r.spec.batching?.maxBatch ?? 1,
      maxWaitS: r.spec.batching?.maxWait ?? 0,
      serviceTimeS: (b) => r.batchTimeS[b]!,
    }),
    ingress: r.spec.ingress === undefined ? undefined : new ProcessorSharing(sim, r.spec.ingress),
  }));
  const uploadBits = inference.input * 8;
  const downloadBits = inference.output * 8;

  // Requests under way by slot, so events can carry them as numbers.
  const live: (Request | undefined)[] = [];
  const freeSlots = new SlotStack();

  // Per-device state of its own processor.
  const localQueue = new Map<number, Request[]>();
  const localCurrent: (Request | undefined)[] = new Array(fleet.count);
  const localDone = new Float64Array(fleet.count).fill(-1);
  // Every byte a device sends or receives, its own requests' and its model's.
  const transfers = new Transfers(sim, fleet, cells, cellOf);

  const localTimeS = (d: number): number | undefined => {
    const estimate = resolved.deviceTimeS[fleet.groupOf[d]!];
    return estimate === undefined ? undefined : estimate.timeS / fleet.throughputFactor[d]!;
  };

  const deadlineS = inference.deadline ?? Number.POSITIVE_INFINITY;
  let inFlight = 0;
  const finish = (request: Request, outcome: Outcome): void => {
    inFlight--;
    live[request.slot] = undefined;
    freeSlots.push(request.slot);
    const late = outcome === 'completed' && sim.now - request.arrivalS > deadlineS;
    log.record(
      request,
      fleet.groupOf[request.device]!,
      sim.now,
      late ? 'deadline-missed' : outcome,
    );
  };

  // --- on-device inference -------------------------------------------------
  const startLocal = (d: number, request: Request): void => {
    const serviceS = localTimeS(d)!;
    request.serviceS = serviceS;
    localCurrent[d] = request;
    fleet.setBusy(d, true);
    localDone[d] = sim.schedule(serviceS, localFinished, Priority.normal, d);
  };

  const localFinished = (d: number): void => {
    const request = localCurrent[d]!;
    localDone[d] = -1;
    localCurrent[d] = undefined;
    fleet.setBusy(d, false);
    finish(request, 'completed');
    startNextLocal(d);
  };

  const startNextLocal = (d: number): void => {
    const next = localQueue.get(d)?.shift();
    if (next === undefined) return;
    next.queueS = sim.now - next.arrivalS;
    startLocal(d, next);
  };

  const runLocal = (d: number, request: Request): void => {
    if (localCurrent[d] === undefined && hasModel(d)) {
      startLocal(d, request);
      return;
    }
    const queue = localQueue.get(d) ?? [];
    localQueue.set(d, queue);
    if (queue.length >= inference.deviceQueue) finish(request, 'device-queue-full');
    else queue.push(request);
  };

  // --- the model's download, before a device can run it ---------------------
  const policy = placementPolicy(inference.placement.policy);
  const downloads = inference.modelDownload
    ? new ModelDownloads({
        sim,
        fleet,
        transfers,
        bytes: resolved.modelBytes,
        // The device asks a server behind its cell for the model: one round trip before the first byte.
        leadS: (d) => cells[cellOf[d]!]!.rttS,
        wants: (d) => policy.runsOnDevice !== 'never' && localTimeS(d) !== undefined,
        onReady: (d) => startNextLocal(d),
      })
    : undefined;
  const hasModel = (d: number): boolean => downloads === undefined || downloads.isReady(d);

  // --- transfers over the device's cell ------------------------------------
  /** Starts the request's upload or download; {@link uploaded} or {@link downloaded} follows. */
  const transfer = (request: Request, direction: Direction): void => {
    request.transferStartS = sim.now;
    const up = direction === UP;
    transfers.start(
      request.device,
      direction,
      up ? uploadBits : downloadBits,
      up ? uploaded : downloaded,
      request.slot,
    );
  };

  const uploaded = (slot: number): void => {
    const request = live[slot]!;
    request.uploadS = sim.now - request.transferStartS;
    sim.schedule(request.oneWayS, atServer, Priority.normal, slot);
  };

  const downloaded = (slot: number): void => {
    const request = live[slot]!;
    request.downloadS = sim.now - request.transferStartS;
    log.moved(request.target, 'out', inference.output);
    finish(request, 'completed');
  };

  // --- offloading to a server ---------------------------------------------
  const offload = (request: Request): void => {
    const d = request.device;
    request.oneWayS = (cells[cellOf[d]!]!.rttS + servers[request.target]!.resolved.spec.rtt) / 2;
    transfer(request, UP);
  };

  const atServer = (slot: number): void => {
    const request = live[slot]!;
    const state = servers[request.target]!;
    log.moved(request.target, 'in', inference.input);
    if (state.ingress === undefined) enqueue(slot);
    else state.ingress.start(uploadBits, enqueue, slot);
  };

  const enqueue = (slot: number): void => {
    const request = live[slot]!;
    if (!servers[request.target]!.server.submit(request)) finish(request, 'queue-full');
  };

  const served = (request: Request, waitS: number, batchSize: number): void => {
    request.queueS = waitS;
    request.serviceS = servers[request.target]!.resolved.batchTimeS[batchSize]!;
    request.batch = batchSize;
    sim.schedule(request.oneWayS, backAtDevice, Priority.normal, request.slot);
  };

  const backAtDevice = (slot: number): void => {
    const request = live[slot]!;
    if (!fleet.isOnline(request.device)) finish(request, 'device-offline');
    else transfer(request, DOWN);
  };

  // --- devices going down fail what they were doing -------------------------
  fleet.listen({
    deviceDown: (d) => {
      const current = localCurrent[d];
      if (current !== undefined) {
        sim.cancel(localDone[d]! as EventId);
        localDone[d] = -1;
        localCurrent[d] = undefined;
        fleet.setBusy(d, false);
        finish(current, 'device-offline');
      }
      for (const queued of localQueue.get(d) ?? []) finish(queued, 'device-offline');
      localQueue.delete(d);
      downloads?.abort(d);
      transfers.abortAll(d, (slot) => finish(live[slot]!, 'device-offline'));
    },
    deviceUp: (d) => downloads?.start(d),
  });

  // --- arrivals ------------------------------------------------------------
  const view: PlacementView = {
    resolved,
    fleet,
    cells,
    cellOf,
    servers: servers.map((s) => s.server),
    // Until its model has arrived a device is no candidate for its own requests.
    localTimeS: (d) => (hasModel(d) ? localTimeS(d) : undefined),
    localBacklog: (d) => (localCurrent[d] ? 1 : 0) + (localQueue.get(d)?.length ?? 0),
    uploadBits,
    downloadBits,
  };
  const choose = policy.chooser(view, inference.placement.objective);
  const arrive = (d: number): void => {
    inFlight++;
    const slot = freeSlots.size > 0 ? freeSlots.pop() : live.length;
    const request = new Request(slot, d, sim.now, served);
    live[slot] = request;
    if (!fleet.isOnline(d)) {
      finish(request, 'device-offline');
      return;
    }
    request.target = choose(d);
    if (request.target === ON_DEVICE) runLocal(d, request);
    else offload(request);
  };
  // One handler for every device's arrivals (the device is the event's argument).
  const arrivals = new Array<ArrivalProcess>(fleet.count);
  const scheduleArrival = (d: number): void => {
    const atS = arrivals[d]!.next();
    if (atS < scenario.duration) sim.scheduleAt(atS, onArrival, Priority.normal, d);
  };
  const onArrival = (d: number): void => {
    arrive(d);
    scheduleArrival(d);
  };
  for (const group of resolved.groups) {
    for (let i = 0; i < group.spec.count; i++) {
      const d = group.first + i;
      const stream = streams.stream('arrivals', deviceKey(group, i));
      arrivals[d] = arrivalProcess(group.spec.arrivals, stream, { baseDir: resolved.baseDir });
      scheduleArrival(d);
    }
  }

  // Devices keep changing state forever; stop once arrivals have ended and the last request is done.
  runReporting(sim, scenario.duration, () => inFlight === 0, progress);
  fleet.finish();
  return inferenceTables(
    resolved,
    fleet,
    log,
    servers.map((s) => s.server),
    downloads,
    sim.now,
  );
}

/** Events between two progress updates: often enough for the eye, rare enough to cost nothing. */
const PROGRESS_EVENTS = 10_000;

/**
 * `sim.run({ untilS: durationS })`, then on until `done()`, in slices of
 * {@link PROGRESS_EVENTS} events with a progress update between slices. The
 * events fire in the same order as in one call (a slice only stops the loop).
 */
function runReporting(
  sim: Simulation,
  durationS: number,
  done: () => boolean,
  progress: ProgressReporter,
): void {
  const total = formatClock(durationS);
  const slice = { untilS: durationS, maxEvents: PROGRESS_EVENTS };
  while (sim.run(slice) === 'max-events')
    progress.update(sim.now / durationS, `simulated ${formatClock(sim.now, durationS)}/${total}`);
  progress.update(1, `simulated ${total}/${total}`);
  const drain = { stopWhen: done, maxEvents: PROGRESS_EVENTS };
  while (!done() && sim.run(drain) === 'max-events')
    progress.update(1, `simulated ${total}, finishing requests under way`);
}
