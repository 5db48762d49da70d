/**
 * A request's way under split computing, set when it arrives: the split
 * point k and server the router chooses, whether it leaves at the early exit
 * (drawn from its device's own stream, `early-exit`, so the draw does not
 * depend on the placement), and from these what its device computes, what
 * it uploads and which class it joins at the server:
 *
 * - k = L, or an exit at or before k: it ends on its device after its
 *   layers (all of them, or those up to the exit);
 * - k = 0: it goes straight to the server with the model input;
 * - otherwise its device runs `[0, k)`, then it uploads the activations and
 *   the server runs `[k, L)` (or `[k, at)` if it exits there).
 */
import type { RandomStream, RandomStreams } from '../../../engine/random.js';
import { deviceKey, type Fleet, type FleetGroup } from '../../../fleet/fleet.js';
import { ON_DEVICE } from '../placement/policy.js';
import type { SplitRouter } from '../placement/split.js';
import type { Request } from '../request.js';
import type { DeviceGroup } from '../scenario.js';
import { type ResolvedSplit, serverClass } from './plan.js';

export class SplitRequests {
  /** Each device's early-exit stream, made on its first request. */
  private readonly exitStreams: (RandomStream | undefined)[];

  constructor(
    private readonly router: SplitRouter,
    private readonly plan: ResolvedSplit,
    private readonly fleet: Fleet,
    private readonly groups: readonly FleetGroup<DeviceGroup>[],
    private readonly streams: RandomStreams,
  ) {
    this.exitStreams = new Array(fleet.count);
  }

  /** Sets the request's split point, target, device time, upload and server class. */
  route(request: Request): void {
    const { plan, router } = this;
    const d = request.device;
    const exit = plan.exit;
    const exits = exit !== undefined && this.exitStream(d).bernoulli(exit.probability);
    router.choose(d);
    const k = router.k;
    // The device ran the exit's layer: the request ends there.
    const exitsOnDevice = exits && k >= exit!.at;
    const deviceLayers = exitsOnDevice ? exit!.at : k;
    const onDevice = exitsOnDevice || k === plan.layers;
    const prefixS = plan.groups[this.fleet.groupOf[d]!]!.prefixS;
    request.split = k;
    request.exits = exits;
    request.deviceS =
      deviceLayers === 0 ? 0 : prefixS![deviceLayers]! / this.fleet.throughputFactor[d]!;
    request.target = onDevice ? ON_DEVICE : router.target;
    request.continues = !onDevice && k > 0;
    request.serverClass = serverClass(plan, k, exits);
    request.upBytes = onDevice ? 0 : plan.upBytes[k]!;
  }

  private exitStream(d: number): RandomStream {
    let stream = this.exitStreams[d];
    if (stream === undefined) {
      const group = this.groups[this.fleet.groupOf[d]!]!;
      stream = this.streams.stream('early-exit', deviceKey(group, d - group.first));
      this.exitStreams[d] = stream;
    }
    return stream;
  }
}
