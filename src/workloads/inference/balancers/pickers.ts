import { lowestScore, scoreOf } from '../placement/estimates.js';
import type { PlacementObjective, PlacementView } from '../placement/policy.js';
import type { ResolvedInference } from '../resolve.js';
import type { DeviceGroup } from '../scenario.js';
import type { BalancerContext, BalancerSpec, PickServer } from './balancer.js';
import { LoadBoard } from './load-board.js';
import { balancer, DEFAULT_BALANCER } from './registry.js';
import { defaultSpec, type Tier } from './spec.js';

/** The indices of the servers of tier `tier`, in order. */
export function tierServers(resolved: ResolvedInference, tier: Tier): number[] {
  return resolved.servers.flatMap((s, i) => (s.tier === tier ? [i] : []));
}

/** Whether the scenario names a balancer anywhere: on its placement or on a device group. */
export function namesBalancer(resolved: ResolvedInference): boolean {
  return (
    resolved.scenario.workload.inference.placement.balancer !== undefined ||
    resolved.groups.some((g) => g.spec.balancer !== undefined)
  );
}

/** The name device groups' `network.cell` defaults to and `servers[i].near` lists: the group's cell before any `#k` split. */
export function baseCellOf(group: DeviceGroup): string {
  return group.network.cell ?? group.name;
}

/**
 * The picker of a server of tier `tier` for each device: its group's
 * balancer for that tier if it names one, else the placement's, else the
 * oracle. Groups that use the placement's balancer share one (one cursor,
 * one stream `balancer`/`<tier>`, one board); a group naming its own gets its
 * own (stream `balancer`/`<tier>/<group name>`). Made once before the first
 * request; the tier must have a server. With one, every request goes
 * there and no balancer is made.
 */
export function tierPicker(
  view: PlacementView,
  objective: PlacementObjective,
  tier: Tier,
): PickServer {
  const { resolved } = view;
  const candidates = tierServers(resolved, tier);
  const first = candidates[0]!;
  // One server: every balancer would pick it.
  if (candidates.length === 1) return () => first;
  const score = scoreOf(objective);
  const serviceRatePerS = Float64Array.from(resolved.servers, (s) => 1 / s.batchTimeS[1]!);
  const homes = resolved.groups.map((g) => {
    const cell = baseCellOf(g.spec);
    return candidates.filter((s) => resolved.servers[s]!.spec.near?.includes(cell) === true);
  });
  const groupOf = view.fleet.groupOf;
  const context = (spec: BalancerSpec, key: string): BalancerContext => {
    const board = new LoadBoard(view.servers, balancer(spec.policy).readsLoad ? spec.staleness : 0);
    board.start(view.sim, resolved.scenario.duration);
    return {
      servers: view.servers,
      candidates,
      board,
      stream: () => view.streams.stream('balancer', key),
      serviceRatePerS,
      homesOf: (d) => homes[groupOf[d]!]!,
      oracle: (d) => lowestScore(view, d, score, candidates, first, Number.POSITIVE_INFINITY),
    };
  };
  const make = (spec: BalancerSpec, key: string) =>
    balancer(spec.policy).picker(context(spec, key), spec);

  const placementSpec =
    resolved.scenario.workload.inference.placement.balancer?.[tier] ??
    defaultSpec(DEFAULT_BALANCER);
  let shared: PickServer | undefined;
  const pickers = resolved.groups.map((g) => {
    const own = g.spec.balancer?.[tier];
    if (own !== undefined) return make(own, `${tier}/${g.spec.name}`);
    shared ??= make(placementSpec, tier);
    return shared;
  });
  const only = pickers[0] ?? make(placementSpec, tier);
  if (pickers.every((p) => p === only)) return only;
  return (d) => pickers[groupOf[d]!]!(d);
}
