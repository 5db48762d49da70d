import type { EventId } from '../../engine/event-queue.js';
import { type Flow, ProcessorSharing } from '../../engine/processor-sharing.js';
import { RandomStreams } from '../../engine/random.js';
import { Priority, Simulation } from '../../engine/simulation.js';
import { deviceKey, Fleet } from '../../fleet/fleet.js';
import { buildCells, type Cell } from '../../network/cells.js';
import { type ArrivalProcess, arrivalProcess } from './arrivals.js';
import { BatchingServer } from './batching-server.js';
import { ModelDownloads } from './model-download.js';
import { choosePlacement, onlyCandidate, type PlacementView } from './placement.js';
import { type Outcome, RequestLog } from './request-log.js';
import type { ResolvedScenario, ResolvedServer } from './resolve.js';
import { type InferenceTables, inferenceTables } from './tables.js';

/** A request on its way; `target` is -1 for on-device, else a server index. */
interface Request {
  readonly device: number;
  readonly arrivalS: number;
  target: number;
  uploadS: number;
  queueS: number;
  serviceS: number;
  downloadS: number;
  batch: number;
}

/** An upload or download of a device in progress, so it can be aborted when the device goes down. */
interface Transfer {
  request: Request;
  flow: Flow | undefined;
  /** The event that starts the flow once the radio is promoted (or, on a duty-cycled uplink, that starts or ends it). */
  pendingStart: EventId | undefined;
  /** Whether the radio has been asked to transfer (so an abort must end it). */
  radioBegun: boolean;
  upBits: number;
  downBits: number;
}

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
 * A pure function of (resolved scenario, seed).
 */
export function runInference(resolved: ResolvedScenario, seed: number): InferenceTables {
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

  // Per-device state of its own processor and its transfers.
  const localQueue = new Map<number, Request[]>();
  const localCurrent: (Request | undefined)[] = new Array(fleet.count);
  const localDone = new Float64Array(fleet.count).fill(-1);
  // Transfers in progress, kept only for devices that can go down (to abort them).
  const transfers: (Transfer[] | undefined)[] = new Array(fleet.count);
  const canGoDown = resolved.groups.map(
    (g) =>
      g.spec.availability.kind !== 'always' ||
      g.spec.failures !== undefined ||
      g.spec.battery !== undefined,
  );
  const nextUplinkS = new Float64Array(fleet.count);

  const localTimeS = (d: number): number | undefined => {
    const estimate = resolved.deviceTimeS[fleet.groupOf[d]!];
    return estimate === undefined ? undefined : estimate.timeS / fleet.throughputFactor[d]!;
  };

  const deadlineS = inference.deadline ?? Number.POSITIVE_INFINITY;
  let inFlight = 0;
  const finish = (request: Request, outcome: Outcome): void => {
    inFlight--;
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
    localDone[d] = sim.schedule(serviceS, () => {
      localDone[d] = -1;
      localCurrent[d] = undefined;
      fleet.setBusy(d, false);
      finish(request, 'completed');
      const next = localQueue.get(d)?.shift();
      if (next !== undefined) {
        next.queueS = sim.now - next.arrivalS;
        startLocal(d, next);
      }
    });
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
  const policy = inference.placement.policy;
  const downloads = inference.modelDownload
    ? new ModelDownloads({
        sim,
        fleet,
        cells,
        cellOf,
        bytes: resolved.modelBytes,
        wants: (d) => (policy === 'device' || policy === 'adaptive') && localTimeS(d) !== undefined,
        onReady: (d) => {
          const next = localQueue.get(d)?.shift();
          if (next === undefined) return;
          next.queueS = sim.now - next.arrivalS;
          startLocal(d, next);
        },
      })
    : undefined;
  const hasModel = (d: number): boolean => downloads === undefined || downloads.isReady(d);

  // --- transfers over the device's cell ------------------------------------
  const transfer = (
    d: number,
    request: Request,
    direction: 'up' | 'down',
    onDone: () => void,
  ): void => {
    const cell = cells[cellOf[d]!]!;
    const bits = direction === 'up' ? uploadBits : downloadBits;
    const link = direction === 'up' ? cell.uplink : cell.downlink;
    const state: Transfer = {
      request,
      flow: undefined,
      pendingStart: undefined,
      radioBegun: !(direction === 'up' && cell.dutyCycle < 1),
      upBits: direction === 'up' ? bits : 0,
      downBits: direction === 'down' ? bits : 0,
    };
    const tracked = canGoDown[fleet.groupOf[d]!]!;
    if (tracked) {
      const list = transfers[d] ?? [];
      list.push(state);
      transfers[d] = list;
    }
    const startedS = sim.now;
    const finished = (): void => {
      state.pendingStart = undefined;
      if (tracked) {
        const list = transfers[d]!;
        list.splice(list.indexOf(state), 1);
      }
      fleet.radio(d).endTransfer(sim.now, state.upBits, state.downBits);
      fleet.settleRadio(d);
      if (direction === 'up') request.uploadS = sim.now - startedS;
      else request.downloadS = sim.now - startedS;
      onDone();
    };
    if (direction === 'up' && cell.dutyCycle < 1) {
      dutyCycledUplink(d, cell, bits, state, finished);
      return;
    }
    const begin = (): void => {
      state.pendingStart = undefined;
      state.flow = link.start(bits * cell.airBitsPerBit, finished);
    };
    const waitS = fleet.radio(d).beginTransfer(sim.now);
    if (waitS > 0) state.pendingStart = sim.schedule(waitS, begin);
    else begin();
  };

  /**
   * A duty-cycled uplink (LoRaWAN) is not processor-shared: the device holds
   * its channel for the airtime t = bits / rate, then stays silent for
   * t (1/dutyCycle - 1) before it may send again; uplinks wait their turn.
   */
  const dutyCycledUplink = (
    d: number,
    cell: Cell,
    bits: number,
    state: Transfer,
    finished: () => void,
  ): void => {
    const airtimeS = (bits * cell.airBitsPerBit) / cell.uplink.capacity;
    const startS = Math.max(sim.now, nextUplinkS[d]!);
    nextUplinkS[d] = startS + airtimeS / cell.dutyCycle;
    state.pendingStart = sim.scheduleAt(startS, () => {
      state.radioBegun = true;
      state.pendingStart = sim.schedule(fleet.radio(d).beginTransfer(sim.now) + airtimeS, finished);
    });
  };

  // --- offloading to a server ---------------------------------------------
  const offload = (d: number, request: Request, s: number): void => {
    const state = servers[s]!;
    const oneWayS = (cells[cellOf[d]!]!.rttS + state.resolved.spec.rtt) / 2;
    transfer(d, request, 'up', () => {
      sim.schedule(oneWayS, () => {
        log.moved(s, 'in', inference.input);
        const enqueue = (): void => {
          const accepted = state.server.submit({
            done: (waitS, batchSize) => {
              request.queueS = waitS;
              request.serviceS = state.resolved.batchTimeS[batchSize]!;
              request.batch = batchSize;
              sim.schedule(oneWayS, () => {
                if (!fleet.isOnline(d)) return finish(request, 'device-offline');
                transfer(d, request, 'down', () => {
                  log.moved(s, 'out', inference.output);
                  finish(request, 'completed');
                });
              });
            },
          });
          if (!accepted) finish(request, 'queue-full');
        };
        if (state.ingress === undefined) enqueue();
        else state.ingress.start(uploadBits, enqueue);
      });
    });
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
      const active = transfers[d];
      if (active === undefined) return;
      transfers[d] = undefined;
      for (const t of active) {
        let movedBits = 0;
        if (t.pendingStart !== undefined) sim.cancel(t.pendingStart);
        else if (t.flow !== undefined)
          movedBits = t.flow.abort() / cells[cellOf[d]!]!.airBitsPerBit;
        const share = movedBits / (t.upBits + t.downBits);
        if (t.radioBegun) fleet.radio(d).endTransfer(sim.now, t.upBits * share, t.downBits * share);
        finish(t.request, 'device-offline');
      }
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
    onlyServer: onlyCandidate(resolved),
  };
  const arrive = (d: number): void => {
    inFlight++;
    const request: Request = {
      device: d,
      arrivalS: sim.now,
      target: -1,
      uploadS: 0,
      queueS: 0,
      serviceS: 0,
      downloadS: 0,
      batch: 0,
    };
    if (!fleet.isOnline(d)) {
      finish(request, 'device-offline');
      return;
    }
    request.target = choosePlacement(view, d);
    if (request.target < 0) runLocal(d, request);
    else offload(d, request, request.target);
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
  sim.run({ untilS: scenario.duration });
  if (inFlight > 0) sim.run({ stopWhen: () => inFlight === 0 });
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
