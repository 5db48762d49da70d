/**
 * `split`: split computing (Neurosurgeon: Kang et al., "Neurosurgeon:
 * Collaborative Intelligence Between the Cloud and Mobile Edge", ASPLOS
 * 2017). Each request runs layers `[0, k)` on its device and `[k, L)` on a
 * server, with k chosen per request, with the server, to minimise the
 * expected latency or device energy (`objective`) from the present state:
 *
 *   latency(k, s) = wait_d + prefix_k / f_d + bits_k x tau + rtt + wait_s
 *                   + suffix_{s,k} + download
 *   energy(k, s)  = (P_active - P_idle) x prefix_k / f_d
 *                   + alpha_u x bits_k + beta x (bits_k x tau + download) + tail
 *
 * with wait_d the compute queued on the device (none at k = 0), f_d its
 * throughput factor, tau the seconds per bit on its cell's uplink if it
 * joined the flows there now (as estimates.ts), wait_s the server's queue at
 * its whole-model time, and at k = L (all on the device) only the device's
 * terms. With an early exit after layer `at - 1` of probability p (Edgent:
 * Li, Zhou, Chen, "Edge Intelligence: On-Demand Deep Learning Model
 * Co-Inference with Device-Edge Synergy", MECOMM 2018) the cost is the
 * expectation: (1 - p) x the full cost + p x the cost of stopping at `at`
 * (on the device if k >= at, else on the server after `[k, at)`).
 *
 * Every cost is a_k / f_d + b_k x tau + c_{k,s} + d_k x wait_d + e_k x F_s
 * with coefficients worked out per device group when the run starts and F_s
 * the part that depends on the server (RTT, queue, download). A point whose
 * coefficients are no better than another's for every device of the group
 * can never win and is dropped then; a request scans the rest, in ascending
 * k, the lowest cost winning (ties to the lower k, then the lower server).
 */
import type { ResolvedSplit } from '../split/plan.js';
import {
  type ChooseTarget,
  ON_DEVICE,
  type PlacementObjective,
  type PlacementPolicy,
  type PlacementView,
} from './policy.js';

/** The placement view, plus what split computing needs to know of each device's queue. */
export interface SplitView extends PlacementView {
  /** Seconds of compute running or waiting on device d's own processor (its spread applied). */
  localWorkS(d: number): number;
}

/** One device group's candidates and their cost coefficients (see the file header). */
interface GroupCosts {
  k: Int32Array;
  a: Float64Array;
  b: Float64Array;
  /** By candidate x server. */
  c: Float64Array;
  d: Float64Array;
  e: Float64Array;
}

/**
 * The per-request decision of split placement: {@link choose} sets `k` and
 * `target` (ON_DEVICE when k = L, else a server index). Made once per run;
 * allocates nothing per request.
 */
export class SplitRouter {
  /** The split point chosen last. */
  k = 0;
  /** The target chosen last: ON_DEVICE (k = L) or a server index. */
  target = 0;
  private readonly groups: GroupCosts[];
  private readonly serverPart: Float64Array;
  private readonly energy: boolean;

  constructor(
    private readonly view: SplitView,
    objective: PlacementObjective,
    private readonly plan: ResolvedSplit,
  ) {
    this.energy = objective === 'energy';
    this.serverPart = new Float64Array(view.servers.length);
    this.groups = view.resolved.groups.map((_, g) => prune(this.costs(g), factorRange(view, g)));
  }

  /** The candidate split points of group g after pruning, ascending. */
  candidates(g: number): Int32Array {
    return this.groups[g]!.k;
  }

  /** Chooses the split point and server of a request of device d arriving now. */
  choose(d: number): void {
    const view = this.view;
    const costs = this.groups[view.fleet.groupOf[d]!]!;
    const local = view.localTimeS(d) !== undefined;
    const invF = 1 / view.fleet.throughputFactor[d]!;
    const cell = view.cells[view.cellOf[d]!]!;
    const tau = (cell.airBitsPerBit * (cell.uplink.activeFlows + 1)) / cell.uplink.capacity;
    const downS =
      (view.downloadBits * cell.airBitsPerBit * (cell.downlink.activeFlows + 1)) /
      cell.downlink.capacity;
    const servers = this.serverPart.length;
    let wait = 0;
    if (this.energy) {
      const radio = view.resolved.radio[cell.technology];
      this.serverPart.fill(
        radio.alphaDownJPerBit * view.downloadBits +
          radio.betaW * downS +
          radio.tailW * radio.tailS,
      );
    } else {
      wait = view.localWorkS(d);
      for (let s = 0; s < servers; s++) this.serverPart[s] = cell.rttS + serverS(view, s) + downS;
    }
    let bestK = 0;
    let bestTarget = 0;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < costs.k.length; i++) {
      const k = costs.k[i]!;
      if (k > 0 && !local) continue;
      const b = costs.b[i]!;
      const base = costs.a[i]! * invF + (b === 0 ? 0 : b * tau) + costs.d[i]! * wait;
      const e = costs.e[i]!;
      if (e === 0) {
        if (base < best) {
          best = base;
          bestK = k;
          bestTarget = ON_DEVICE;
        }
        continue;
      }
      for (let s = 0; s < servers; s++) {
        const cost = base + costs.c[i * servers + s]! + e * this.serverPart[s]!;
        if (cost < best) {
          best = cost;
          bestK = k;
          bestTarget = s;
        }
      }
    }
    this.k = bestK;
    this.target = bestTarget;
  }

  /** Group g's cost coefficients at every allowed split point. */
  private costs(g: number): GroupCosts {
    const { plan, view } = this;
    const L = plan.layers;
    const servers = view.servers.length;
    const prefixS = plan.groups[g]!.prefixS;
    const ks = prefixS === undefined ? plan.allowed.filter((k) => k === 0) : plan.allowed;
    const n = ks.length;
    const costs: GroupCosts = {
      k: Int32Array.from(ks),
      a: new Float64Array(n),
      b: new Float64Array(n),
      c: new Float64Array(n * servers),
      d: new Float64Array(n),
      e: new Float64Array(n),
    };
    const group = view.resolved.groups[g]!;
    const busyW = group.profile.activeW - group.profile.idleW;
    const radio = view.resolved.radio[group.spec.network.technology];
    const p = plan.exit?.probability ?? 0;
    const at = plan.exit?.at ?? L + 1;
    ks.forEach((k, i) => {
      const prefix = prefixS?.[k] ?? 0;
      // Weight of the path to the server, and the device's expected compute.
      const w = k === L ? 0 : k < at ? 1 : 1 - p;
      const deviceS = k < at ? prefix : (1 - p) * prefix + p * prefixS![at]!;
      const bits = plan.upBytes[k]! * 8 * w;
      costs.a[i] = this.energy ? busyW * deviceS : deviceS;
      costs.b[i] = this.energy ? radio.betaW * bits : bits;
      costs.d[i] = this.energy || k === 0 ? 0 : 1;
      costs.e[i] = w;
      for (let s = 0; s < servers; s++) {
        const server = plan.servers[s]!;
        const exitS = server.exitSuffixS;
        const computeS =
          k === L
            ? 0
            : exitS === undefined
              ? server.suffixS[k]!
              : k < at
                ? (1 - p) * server.suffixS[k]! + p * exitS[k]!
                : (1 - p) * server.suffixS[k]!;
        costs.c[i * servers + s] = this.energy ? radio.alphaUpJPerBit * bits : computeS;
      }
    });
    return costs;
  }
}

/**
 * Expected time at server s beyond the cell: its RTT, its queue (the
 * requests waiting or in service past one per worker, each at the whole
 * model's batch-1 time, as estimates.ts has it) and nothing of the request's
 * own compute (that is c_{k,s}).
 */
function serverS(view: PlacementView, s: number): number {
  const resolved = view.resolved.servers[s]!;
  const server = view.servers[s]!;
  const backlog = server.queueLength + server.busyWorkers;
  const waitS =
    (Math.max(0, backlog - server.workers + 1) * resolved.batchTimeS[1]!) / server.workers;
  return resolved.spec.rtt + waitS;
}

/** The smallest and largest throughput factor of group g's devices. */
function factorRange(view: PlacementView, g: number): [number, number] {
  const group = view.resolved.groups[g]!;
  let low = Number.POSITIVE_INFINITY;
  let high = 0;
  for (let d = group.first; d < group.first + group.spec.count; d++) {
    const f = view.fleet.throughputFactor[d]!;
    if (f < low) low = f;
    if (f > high) high = f;
  }
  return [low, high];
}

/**
 * Drops the candidates another candidate beats (or equals, from a lower k)
 * for every device of the group: b, d and e no larger, and a / f + c_s no
 * larger at both ends of the group's throughput factors for every server.
 * Split point 0 stays: a device without the model can take no other.
 */
function prune(costs: GroupCosts, [fLow, fHigh]: [number, number]): GroupCosts {
  const n = costs.k.length;
  const servers = n > 0 ? costs.c.length / n : 0;
  const keep: number[] = [];
  const noWorse = (j: number, i: number): boolean => {
    if (costs.b[j]! > costs.b[i]! || costs.d[j]! > costs.d[i]! || costs.e[j]! > costs.e[i]!)
      return false;
    for (const f of [fLow, fHigh]) {
      for (let s = 0; s < servers; s++) {
        const cj = costs.a[j]! / f + costs.c[j * servers + s]!;
        const ci = costs.a[i]! / f + costs.c[i * servers + s]!;
        if (cj > ci) return false;
      }
    }
    return true;
  };
  for (let i = 0; i < n; i++) {
    if (costs.k[i] === 0) {
      keep.push(i);
      continue;
    }
    let dominated = false;
    for (let j = 0; j < n && !dominated; j++) {
      if (j === i) continue;
      // Equal costs: the lower k stays; otherwise j must be no worse and not equal.
      dominated = noWorse(j, i) && (j < i || !noWorse(i, j));
    }
    if (!dominated) keep.push(i);
  }
  const pick = <T extends Float64Array | Int32Array>(a: T, stride = 1): T => {
    const out = new (a.constructor as new (n: number) => T)(keep.length * stride);
    keep.forEach((i, at) => {
      for (let s = 0; s < stride; s++) out[at * stride + s] = a[i * stride + s]!;
    });
    return out;
  };
  return {
    k: pick(costs.k),
    a: pick(costs.a),
    b: pick(costs.b),
    c: pick(costs.c, servers),
    d: pick(costs.d),
    e: pick(costs.e),
  };
}

/** The registry's entry: requests split between their device and the server of lowest expected cost. */
export const splitPolicy: PlacementPolicy = {
  summary:
    'split (each request runs its first layers on its device and the rest on a server, split where it is expected to cost least; options in `split`)',
  runsOnDevice: 'sometimes',
  check: (servers) =>
    servers.length > 0 ? undefined : 'placement "split" needs a server in `servers`; there is none',
  chooser(view, objective): ChooseTarget {
    const plan = view.resolved.split;
    if (plan === undefined) throw new Error('placement "split" needs a resolved split plan');
    // Without the executor's queued work, the device's backlog at its whole-model time.
    const router = new SplitRouter(
      { ...view, localWorkS: (d) => view.localBacklog(d) * (view.localTimeS(d) ?? 0) },
      objective,
      plan,
    );
    return (d) => {
      router.choose(d);
      return router.target;
    };
  },
};
