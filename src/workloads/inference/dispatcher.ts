import type { RandomStreams } from '../../engine/random.js';
import { Priority, type Simulation } from '../../engine/simulation.js';
import { deviceKey, type Fleet, type FleetGroup } from '../../fleet/fleet.js';
import { type ArrivalProcess, arrivalProcess } from '../arrivals.js';
import type { OffloadPath } from './offload.js';
import type { OnDeviceExecutor } from './on-device.js';
import { type ChooseTarget, ON_DEVICE } from './placement.js';
import type { LiveRequests } from './request.js';
import type { DeviceGroup } from './scenario.js';
import type { SplitRequests } from './split/route.js';

/** Where the dispatcher sends requests, and how it picks. */
export interface DispatchTargets {
  requests: LiveRequests;
  /** The placement policy's chooser for this run. */
  choose: ChooseTarget;
  device: OnDeviceExecutor;
  offload: OffloadPath;
  /** Split computing: sets each request's split point and target instead of `choose`. */
  split?: SplitRequests;
}

/**
 * Each device's stream of requests, drawn from its own arrival process until
 * the scenario's duration, and where each one goes: a device that is down
 * fails it at once (`device-offline`); otherwise the placement policy sends
 * it to the device's own processor or to a server. One handler serves every
 * device (the device is the event's argument).
 */
export class Dispatcher {
  private readonly arrivals: ArrivalProcess[];

  constructor(
    private readonly sim: Simulation,
    private readonly fleet: Fleet,
    private readonly targets: DispatchTargets,
    private readonly durationS: number,
  ) {
    this.arrivals = new Array<ArrivalProcess>(fleet.count);
  }

  /**
   * Schedules the first arrival of every device, group by group. Each
   * device's arrivals come from its own stream ("arrivals", device key), so
   * they do not change with the placement or the rest of the fleet.
   */
  start(groups: readonly FleetGroup<DeviceGroup>[], streams: RandomStreams, baseDir: string): void {
    for (const group of groups) {
      for (let i = 0; i < group.spec.count; i++) {
        const d = group.first + i;
        const stream = streams.stream('arrivals', deviceKey(group, i));
        this.arrivals[d] = arrivalProcess(group.spec.arrivals, stream, { baseDir });
        this.scheduleNext(d);
      }
    }
  }

  private scheduleNext(d: number): void {
    const atS = this.arrivals[d]!.next();
    if (atS < this.durationS) this.sim.scheduleAt(atS, this.arrived, Priority.normal, d);
  }

  private readonly arrived = (d: number): void => {
    this.dispatch(d);
    this.scheduleNext(d);
  };

  private dispatch(d: number): void {
    const { requests, choose, device, offload, split } = this.targets;
    const request = requests.open(d, offload.served);
    if (!this.fleet.isOnline(d)) {
      requests.finish(request, 'device-offline');
      return;
    }
    if (split !== undefined) {
      split.route(request);
      // Its device runs its first layers (all, or up to the exit), unless it split at 0.
      if (request.split > 0) device.submit(request);
      else offload.send(request);
      return;
    }
    request.target = choose(d);
    if (request.target === ON_DEVICE) device.submit(request);
    else offload.send(request);
  }
}
