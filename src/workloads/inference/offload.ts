import { ProcessorSharing } from '../../engine/processor-sharing.js';
import { Priority, type Simulation } from '../../engine/simulation.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { Cell } from '../../network/cells.js';
import { type Direction, DOWN, type Transfers, UP } from '../../network/transfer.js';
import { BatchingServer } from './batching-server.js';
import type { LiveRequests, Request } from './request.js';
import type { RequestLog } from './request-log.js';
import type { ResolvedServer } from './resolve.js';

/** A server as the offload path sees it: its batching queue and, if it has one, its shared ingress link. */
interface ServerSide {
  resolved: ResolvedServer;
  server: BatchingServer;
  ingress: ProcessorSharing | undefined;
  /** Batch time by request class and batch size, s (class 0: the whole model). */
  batchTimeS: readonly (Float64Array | undefined)[];
}

/** What the offload path moves per request, bytes. */
export interface OffloadSizes {
  /** The model input, uploaded. */
  inputBytes: number;
  /** The response, downloaded. */
  outputBytes: number;
}

/**
 * Requests run on a server. Each goes through, by its slot number:
 * 1. the upload of its input over its device's cell (network/transfer.ts:
 *    promotion, shared link, duty cycle, radio energy);
 * 2. the one-way trip, half the cell's RTT plus half the server's;
 * 3. the server's shared ingress link, if it has one (its time counts as
 *    the request's upload);
 * 4. the server's batching queue (a full queue fails it with `queue-full`)
 *    and the roofline time of its batch;
 * 5. the one-way trip back (a device that went down meanwhile fails it with
 *    `device-offline`);
 * 6. the download of the response over the cell.
 * Each stage is a handler made once; a request costs no closure.
 *
 * Under split computing a request uploads `request.upBytes` (its split
 * point's activations) and joins its server's queue in its class (the layers
 * it still needs); its queue and service times add to its device's.
 */
export class OffloadPath {
  /** The servers' batching queues, indexed like the scenario's servers. */
  readonly servers: BatchingServer[];
  private readonly sides: ServerSide[];
  private readonly downloadBits: number;

  constructor(
    private readonly sim: Simulation,
    private readonly fleet: Fleet,
    private readonly cells: readonly Cell[],
    private readonly cellOf: Uint32Array,
    private readonly transfers: Transfers,
    private readonly requests: LiveRequests,
    private readonly log: RequestLog,
    servers: readonly ResolvedServer[],
    private readonly sizes: OffloadSizes,
    /** Split computing: each server's batch times by request class; default the whole model only. */
    classTimesS?: readonly (readonly (Float64Array | undefined)[])[],
  ) {
    this.sides = servers.map((r, s) => {
      const batchTimeS = classTimesS?.[s] ?? [r.batchTimeS];
      return {
        resolved: r,
        server: new BatchingServer(sim, {
          workers: r.spec.workers,
          queueCapacity: r.spec.queueCapacity ?? Number.POSITIVE_INFINITY,
          maxBatch: r.spec.batching?.maxBatch ?? 1,
          maxWaitS: r.spec.batching?.maxWait ?? 0,
          serviceTimeS: (b, c) => batchTimeS[c]![b]!,
        }),
        ingress:
          r.spec.ingress === undefined ? undefined : new ProcessorSharing(sim, r.spec.ingress),
        batchTimeS,
      };
    });
    this.servers = this.sides.map((s) => s.server);
    this.downloadBits = sizes.outputBytes * 8;
  }

  /** Sends the request (its input, unless a split set `upBytes`) to server `request.target`: its upload starts now. */
  send(request: Request): void {
    const cell = this.cells[this.cellOf[request.device]!]!;
    request.oneWayS = (cell.rttS + this.sides[request.target]!.resolved.spec.rtt) / 2;
    if (request.split < 0) request.upBytes = this.sizes.inputBytes;
    this.transfer(request, UP);
  }

  /** Device d is going down: its requests' transfers stop and the requests fail with `device-offline`. */
  deviceDown(d: number): void {
    this.transfers.abortAll(d, this.transferAborted);
  }

  /** The request's batch is served: it heads back to its device. */
  readonly served = (request: Request, waitS: number, batchSize: number): void => {
    // Added to the device's part under split computing (0 otherwise).
    request.queueS += waitS;
    request.serviceS += this.sides[request.target]!.batchTimeS[request.serverClass]![batchSize]!;
    request.batch = batchSize;
    this.sim.schedule(request.oneWayS, this.backAtDevice, Priority.normal, request.slot);
  };

  private transfer(request: Request, direction: Direction): void {
    request.transferStartS = this.sim.now;
    const up = direction === UP;
    this.transfers.start(
      request.device,
      direction,
      up ? request.upBytes * 8 : this.downloadBits,
      up ? this.uploaded : this.downloaded,
      request.slot,
    );
  }

  private readonly uploaded = (slot: number): void => {
    const request = this.requests.get(slot);
    request.uploadS = this.sim.now - request.transferStartS;
    request.cellUpS = request.uploadS;
    this.log.overCell(request.device, request.upBytes);
    this.sim.schedule(request.oneWayS, this.atServer, Priority.normal, slot);
  };

  private readonly atServer = (slot: number): void => {
    const request = this.requests.get(slot);
    const side = this.sides[request.target]!;
    this.log.moved(request.target, 'in', request.upBytes);
    if (side.ingress === undefined) {
      this.enqueue(slot);
      return;
    }
    request.transferStartS = this.sim.now;
    side.ingress.start(request.upBytes * 8, this.throughIngress, slot);
  };

  /** Through the server's shared ingress: that time counts as upload. */
  private readonly throughIngress = (slot: number): void => {
    const request = this.requests.get(slot);
    request.uploadS += this.sim.now - request.transferStartS;
    this.enqueue(slot);
  };

  private readonly enqueue = (slot: number): void => {
    const request = this.requests.get(slot);
    if (!this.sides[request.target]!.server.submit(request, request.serverClass))
      this.requests.finish(request, 'queue-full');
  };

  private readonly backAtDevice = (slot: number): void => {
    const request = this.requests.get(slot);
    if (!this.fleet.isOnline(request.device)) this.requests.finish(request, 'device-offline');
    else this.transfer(request, DOWN);
  };

  private readonly downloaded = (slot: number): void => {
    const request = this.requests.get(slot);
    request.downloadS = this.sim.now - request.transferStartS;
    this.log.overCell(request.device, this.sizes.outputBytes);
    this.log.moved(request.target, 'out', this.sizes.outputBytes);
    this.requests.finish(request, 'completed');
  };

  private readonly transferAborted = (slot: number, movedBits: number): void => {
    const request = this.requests.get(slot);
    this.log.overCell(request.device, movedBits / 8);
    this.requests.finish(request, 'device-offline');
  };
}
