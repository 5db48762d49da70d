import { RADIO_MODELS } from '../../energy/radio.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { Cell } from '../../network/cells.js';
import type { BatchingServer } from './batching-server.js';
import type { ResolvedScenario } from './resolve.js';

/** What a placement policy may look at: the current state of devices, links and servers. */
export interface PlacementView {
  resolved: ResolvedScenario;
  fleet: Fleet;
  cells: Cell[];
  cellOf: Uint32Array;
  servers: BatchingServer[];
  /** On-device inference time of device d (its spread applied), or undefined if it cannot run the model. */
  localTimeS(d: number): number | undefined;
  /** Requests in service or waiting on device d's own processor. */
  localBacklog(d: number): number;
  uploadBits: number;
  downloadBits: number;
  /** The one server a fixed policy (edge or cloud) can choose, when there is exactly one. */
  onlyServer?: number;
}

/** The server index a fixed `edge` or `cloud` policy always picks, if its tier has exactly one server. */
export function onlyCandidate(resolved: ResolvedScenario): number | undefined {
  const policy = resolved.scenario.workload.inference.placement.policy;
  if (policy !== 'edge' && policy !== 'cloud') return undefined;
  const candidates = resolved.servers.flatMap((s, i) => (s.tier === policy ? [i] : []));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** The placement index for "run on the device itself". */
export const ON_DEVICE = -1;

/**
 * Chooses where device d's request runs: ON_DEVICE or a server index.
 * `device`, `edge` and `cloud` are fixed (among several servers of the tier,
 * the one with the lowest expected latency); `adaptive` compares every
 * candidate by expected latency or by the device's marginal energy, from the
 * present queue lengths and link loads. Deterministic: ties go to the
 * device, then to the first server.
 */
export function choosePlacement(view: PlacementView, d: number): number {
  const { policy, objective } = view.resolved.scenario.workload.inference.placement;
  if (policy === 'device') return ON_DEVICE;
  if (view.onlyServer !== undefined) return view.onlyServer;
  const score =
    objective === 'energy'
      ? (s: number) => expectedDeviceEnergyJ(view, d, s)
      : (s: number) => expectedLatencyS(view, d, s);
  let best = ON_DEVICE;
  let bestScore = Number.POSITIVE_INFINITY;
  if (policy === 'adaptive' && view.localTimeS(d) !== undefined) bestScore = score(ON_DEVICE);
  view.resolved.servers.forEach((server, s) => {
    if (policy !== 'adaptive' && server.tier !== policy) return;
    const value = score(s);
    if (value < bestScore) {
      best = s;
      bestScore = value;
    }
  });
  return best;
}

/** Expected latency (s) of a request from device d placed at s, from the current state. */
export function expectedLatencyS(view: PlacementView, d: number, s: number): number {
  if (s === ON_DEVICE) return (view.localBacklog(d) + 1) * view.localTimeS(d)!;
  const cell = view.cells[view.cellOf[d]!]!;
  const resolved = view.resolved.servers[s]!;
  const server = view.servers[s]!;
  const serviceS = resolved.batchTimeS[1]!;
  const backlog = server.queueLength + server.busyWorkers;
  const waitS = (Math.max(0, backlog - server.workers + 1) * serviceS) / server.workers;
  return (
    transferS(view.uploadBits * cell.airBitsPerBit, cell.uplink.capacity, cell.uplink.activeFlows) +
    cell.rttS +
    resolved.spec.rtt +
    waitS +
    serviceS +
    transferS(
      view.downloadBits * cell.airBitsPerBit,
      cell.downlink.capacity,
      cell.downlink.activeFlows,
    )
  );
}

/**
 * Expected energy (J) device d spends beyond its idle draw: active minus idle
 * power for on-device inference; for offloading, the radio's per-bit and
 * transfer-time energy plus one tail.
 */
export function expectedDeviceEnergyJ(view: PlacementView, d: number, s: number): number {
  const group = view.resolved.groups[view.fleet.groupOf[d]!]!;
  if (s === ON_DEVICE) return (group.profile.activeW - group.profile.idleW) * view.localTimeS(d)!;
  const cell = view.cells[view.cellOf[d]!]!;
  const radio = RADIO_MODELS[cell.technology];
  const upS = transferS(
    view.uploadBits * cell.airBitsPerBit,
    cell.uplink.capacity,
    cell.uplink.activeFlows,
  );
  const downS = transferS(
    view.downloadBits * cell.airBitsPerBit,
    cell.downlink.capacity,
    cell.downlink.activeFlows,
  );
  return (
    radio.alphaUpJPerBit * view.uploadBits +
    radio.alphaDownJPerBit * view.downloadBits +
    radio.betaW * (upS + downS) +
    radio.tailW * radio.tailS
  );
}

/** Time to move `bits` on a processor-sharing link if it joins `active` flows now. */
function transferS(bits: number, capacityBps: number, active: number): number {
  return (bits * (active + 1)) / capacityBps;
}
