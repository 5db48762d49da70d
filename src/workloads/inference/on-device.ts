import type { EventId } from '../../engine/event-queue.js';
import { Priority, type Simulation } from '../../engine/simulation.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { ComputeEstimate } from '../../fleet/roofline.js';
import type { LiveRequests, Request } from './request.js';

/** Whether a device has the model it needs to run requests itself. */
export interface ModelGate {
  isReady(d: number): boolean;
}

/** A model rollout as a device's processor sees it (rollout-run.ts). */
export interface DeviceVersions {
  /** Roofline time of one inference of the version device d runs now, or undefined where its class cannot run it. */
  estimate(d: number): ComputeEstimate | undefined;
  /** Whether device d is installing an update: busy, its requests wait. */
  installing(d: number): boolean;
  /** A request starts on its device now: notes its version; false when the device's model has failed on it. */
  starting(request: Request): boolean;
}

/**
 * Each device's own processor: one request at a time in the roofline time
 * of its class divided by its throughput factor, the others waiting in a
 * FIFO queue of `queueCapacity` (a request finding it full fails with
 * `device-queue-full`). Until its model has arrived (see {@link waitForModel})
 * a device queues its requests without starting them. A device going down
 * fails the request it was running and those waiting.
 *
 * Under split computing a request runs only its part (`request.deviceS`);
 * one that `continues` is handed on (see {@link handOff}) instead of
 * completing here.
 */
export class OnDeviceExecutor {
  /** Waiting requests of each device that has had any. */
  private readonly queues = new Map<number, Request[]>();
  /** The request each device is running. */
  private readonly current: (Request | undefined)[];
  /** The event that ends it, to cancel if the device goes down. */
  private readonly finishing: (EventId | undefined)[];
  private models: ModelGate | undefined;
  private versions: DeviceVersions | undefined;
  /** Compute running or waiting on each device, s. */
  private readonly workS: Float64Array;
  private next: ((request: Request) => void) | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly fleet: Fleet,
    private readonly requests: LiveRequests,
    /** Roofline time of one inference on each group's class, or undefined where it cannot run the model. */
    private readonly groupTimeS: readonly (ComputeEstimate | undefined)[],
    /** Requests that may wait on a device. */
    private readonly queueCapacity: number,
  ) {
    this.current = new Array(fleet.count);
    this.finishing = new Array(fleet.count);
    this.workS = new Float64Array(fleet.count);
  }

  /** Requests that `continue` after their device's part go to `next` (split computing: the upload). */
  handOff(next: (request: Request) => void): void {
    this.next = next;
  }

  /** Seconds of compute running (whole) or waiting on device d. */
  localWorkS(d: number): number {
    return this.workS[d]!;
  }

  /** From now on devices start requests only once `models` says they have the model. */
  waitForModel(models: ModelGate): void {
    this.models = models;
  }

  /**
   * From now on each device runs the version `versions` says, in that
   * version's time; an installing device starts nothing (its requests
   * wait), and a request starting on a device whose model has failed fails
   * at once with `model-error`. A request already running when an install
   * begins runs to its end (the install writes storage meanwhile).
   */
  useVersions(versions: DeviceVersions): void {
    this.versions = versions;
  }

  /** Whether a request runs on device d now. */
  isRunning(d: number): boolean {
    return this.current[d] !== undefined;
  }

  /** On-device inference time of device d (its spread applied), s, or undefined if its class cannot run the model. */
  timeS(d: number): number | undefined {
    const estimate =
      this.versions === undefined
        ? this.groupTimeS[this.fleet.groupOf[d]!]
        : this.versions.estimate(d);
    return estimate === undefined ? undefined : estimate.timeS / this.fleet.throughputFactor[d]!;
  }

  /** Whether device d has the model (always, without model downloads). */
  hasModel(d: number): boolean {
    return this.models === undefined || this.models.isReady(d);
  }

  /** Requests in service or waiting on device d. */
  backlog(d: number): number {
    return (this.current[d] ? 1 : 0) + (this.queues.get(d)?.length ?? 0);
  }

  /** Whether device d may start a request: it has the model and is not installing one. */
  private canStart(d: number): boolean {
    return this.hasModel(d) && !(this.versions?.installing(d) ?? false);
  }

  /** Runs the request on its device now if it is idle and has the model, else queues it. */
  submit(request: Request): void {
    const d = request.device;
    if (this.current[d] === undefined && this.canStart(d)) {
      this.workS[d]! += this.serviceOf(request);
      this.start(d, request);
      return;
    }
    const queue = this.queues.get(d) ?? [];
    this.queues.set(d, queue);
    if (queue.length >= this.queueCapacity) {
      this.requests.finish(request, 'device-queue-full');
      return;
    }
    queue.push(request);
    this.workS[d]! += this.serviceOf(request);
  }

  /** Starts device d's next waiting request, if any (its processor is free and it has the model). */
  startNext(d: number): void {
    if (this.current[d] !== undefined || !this.canStart(d)) return;
    const queue = this.queues.get(d);
    for (let next = queue?.shift(); next !== undefined; next = queue!.shift()) {
      next.queueS = this.sim.now - next.arrivalS;
      if (this.start(d, next)) return;
    }
  }

  /** Device d is going down: its running and waiting requests fail with `device-offline`. */
  deviceDown(d: number): void {
    const running = this.current[d];
    if (running !== undefined) {
      this.sim.cancel(this.finishing[d]!);
      this.finishing[d] = undefined;
      this.current[d] = undefined;
      this.fleet.setBusy(d, false);
      this.requests.finish(running, 'device-offline');
    }
    for (const queued of this.queues.get(d) ?? []) this.requests.finish(queued, 'device-offline');
    this.queues.delete(d);
    this.workS[d] = 0;
  }

  /** The request's compute on its device: its split part, else the whole model, s. */
  private serviceOf(request: Request): number {
    return request.split < 0 ? this.timeS(request.device)! : request.deviceS;
  }

  /** Starts the request on device d; false when it failed at once (its model has failed). */
  private start(d: number, request: Request): boolean {
    if (this.versions !== undefined && !this.versions.starting(request)) {
      this.workS[d] = Math.max(0, this.workS[d]! - this.serviceOf(request));
      this.requests.finish(request, 'model-error');
      return false;
    }
    const serviceS = this.serviceOf(request);
    request.serviceS = serviceS;
    this.current[d] = request;
    this.fleet.setBusy(d, true);
    this.finishing[d] = this.sim.schedule(serviceS, this.finished, Priority.normal, d);
    return true;
  }

  private readonly finished = (d: number): void => {
    const request = this.current[d]!;
    this.finishing[d] = undefined;
    this.current[d] = undefined;
    // An install under way keeps the device busy.
    if (!(this.versions?.installing(d) ?? false)) this.fleet.setBusy(d, false);
    // Back to exactly 0 when nothing waits, so rounding never accumulates.
    const waiting = this.queues.get(d)?.length ?? 0;
    this.workS[d] = waiting === 0 ? 0 : Math.max(0, this.workS[d]! - request.serviceS);
    if (request.continues) this.next!(request);
    else this.requests.finish(request, 'completed');
    this.startNext(d);
  };
}
