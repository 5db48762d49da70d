import { ON_DEVICE, type PlacementObjective, type PlacementView } from './policy.js';

/** Expected cost of a request from device d placed at target s, from the current state. */
export type TargetScore = (view: PlacementView, d: number, s: number) => number;

/** The score an objective minimises: {@link expectedLatencyS} or {@link expectedDeviceEnergyJ}. */
export function scoreOf(objective: PlacementObjective): TargetScore {
  return objective === 'energy' ? expectedDeviceEnergyJ : expectedLatencyS;
}

/**
 * The target among `candidates` (server indices, in order) with the lowest
 * score below `bestScore`, the first among equals; `best` if none scores
 * lower (an unreachable server scores Infinity).
 */
export function lowestScore(
  view: PlacementView,
  d: number,
  score: TargetScore,
  candidates: readonly number[],
  best: number,
  bestScore: number,
): number {
  for (let i = 0; i < candidates.length; i++) {
    const s = candidates[i]!;
    const value = score(view, d, s);
    if (value < bestScore) {
      best = s;
      bestScore = value;
    }
  }
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
  const radio = view.resolved.radio[cell.technology];
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
