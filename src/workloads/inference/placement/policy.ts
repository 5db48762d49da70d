import type { RandomStreams } from '../../../engine/random.js';
import type { Simulation } from '../../../engine/simulation.js';
import type { Fleet } from '../../../fleet/fleet.js';
import type { Cell } from '../../../network/cells.js';
import type { BatchingServer } from '../batching-server.js';
import type { ResolvedInference, ResolvedServer } from '../resolve.js';

/** The placement target "run on the device itself"; any other target is a server index. */
export const ON_DEVICE = -1;

/** What `workload.inference.placement.objective` asks a policy that compares targets to minimise. */
export type PlacementObjective = 'latency' | 'energy';

/** What a placement policy may look at: the current state of devices, links and servers. */
export interface PlacementView {
  /** The run's simulation: its clock, and events a policy may schedule (a balancer's state refresh). */
  readonly sim: Simulation;
  /** The run's random streams: a policy that draws takes its own named stream. */
  readonly streams: RandomStreams;
  readonly resolved: ResolvedInference;
  readonly fleet: Fleet;
  readonly cells: readonly Cell[];
  readonly cellOf: Uint32Array;
  /** The servers, indexed like `resolved.servers`. */
  readonly servers: readonly BatchingServer[];
  /** On-device inference time of device d (its spread applied), s, or undefined if it cannot run the model now. */
  localTimeS(d: number): number | undefined;
  /** Requests in service or waiting on device d's own processor. */
  localBacklog(d: number): number;
  /** Payload bits of a request's upload (the model input) and of its response. */
  readonly uploadBits: number;
  readonly downloadBits: number;
}

/** Where device d's request runs now: {@link ON_DEVICE} or a server index. */
export type ChooseTarget = (d: number) => number;

/**
 * A placement policy: decides, for each request as it arrives, whether it
 * runs on its device or on which server. One module per policy, registered
 * by name in `registry.ts`; the name is what `workload.inference.placement`
 * takes.
 */
export interface PlacementPolicy {
  /** One line for the scenario schema: where this policy sends requests. */
  readonly summary: string;
  /**
   * Whether the policy may place a request on its device: `always` makes
   * every device class prove it can run the model; `never` spares devices the
   * model download (`modelDownload: true`).
   */
  readonly runsOnDevice: 'never' | 'sometimes' | 'always';
  /** Why the scenario's servers leave this policy nowhere to send requests, or undefined. */
  check?(servers: readonly ResolvedServer[]): string | undefined;
  /**
   * This run's chooser, made once before the first request (so it may work
   * out its candidate servers up front). It is called on the hot path, once
   * per request: it should allocate nothing and must be deterministic.
   */
  chooser(view: PlacementView, objective: PlacementObjective): ChooseTarget;
}
