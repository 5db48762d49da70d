/**
 * What the schema alone cannot check about balancers, because it depends on
 * several fields or on the servers' resolved tiers: that the placement uses
 * a balancer at all, that `d` fits the tier, that `nearest` has homes, and
 * that `servers[i].near` names the fleet's cells.
 */
import type { InputProblem } from '../../../errors.js';
import type { InferenceScenario } from '../scenario.js';
import { baseCellOf } from './pickers.js';
import type { BalancerChoice, Tier } from './spec.js';

/**
 * The tiers whose server each placement policy asks a balancer for; a policy
 * not listed sends nothing through one. A placement policy that comes to use
 * balancers adds a line here.
 */
export const BALANCED_TIERS: Readonly<Record<string, readonly Tier[]>> = {
  edge: ['edge'],
  cloud: ['cloud'],
  adaptive: ['edge', 'cloud'],
};

/**
 * Every problem with the scenario's balancers, each naming its path:
 * meant to run where the servers' tiers are resolved (`resolveInference`),
 * so that `edgesim validate` reports them.
 */
export function balancerProblems(
  scenario: InferenceScenario,
  servers: readonly {
    readonly tier: Tier;
    readonly spec: { readonly near?: readonly string[] | undefined };
  }[],
): InputProblem[] {
  const problems: InputProblem[] = [];
  const { policy, balancer } = scenario.workload.inference.placement;
  const sources: { path: string; choice: BalancerChoice }[] = [];
  if (balancer !== undefined)
    sources.push({ path: 'workload.inference.placement.balancer', choice: balancer });
  scenario.fleet.forEach((group, i) => {
    if (group.balancer !== undefined)
      sources.push({ path: `fleet[${i}].balancer`, choice: group.balancer });
  });
  const tiers = BALANCED_TIERS[policy] ?? [];
  if (tiers.length === 0) {
    for (const { path } of sources)
      problems.push({
        path,
        message: `placement "${policy}" picks no server through a balancer (edge, cloud and adaptive do)`,
      });
  }
  for (const { path, choice } of sources)
    for (const tier of tiers) problems.push(...tierProblems(choice, tier, servers, path));
  problems.push(...nearProblems(scenario));
  return problems;
}

function tierProblems(
  choice: BalancerChoice,
  tier: Tier,
  servers: Parameters<typeof balancerProblems>[1],
  path: string,
): InputProblem[] {
  const spec = choice[tier];
  const ofTier = servers.filter((s) => s.tier === tier);
  // With one server (or none) there is no choice to make, whatever the balancer.
  if (spec === undefined || ofTier.length < 2) return [];
  const at = choice.perTier ? `${path}.${tier}` : path;
  if (spec.policy === 'power-of-d' && spec.d !== undefined && spec.d > ofTier.length)
    return [
      {
        path: `${at}.d`,
        message: `d is more than the ${ofTier.length} servers of tier ${tier} it samples from`,
        value: spec.d,
      },
    ];
  if (spec.policy === 'nearest' && !ofTier.some((s) => (s.spec.near?.length ?? 0) > 0))
    return [
      {
        path: at,
        message: `balancer "nearest" needs a server of tier ${tier} with \`near\` (the cells it is home to); none has`,
      },
    ];
  return [];
}

/** `servers[i].near` names cells of the fleet: a group's `network.cell`, or its name. */
function nearProblems(scenario: InferenceScenario): InputProblem[] {
  const cells = [...new Set(scenario.fleet.map(baseCellOf))];
  const problems: InputProblem[] = [];
  scenario.servers.forEach((server, i) => {
    server.near?.forEach((cell, j) => {
      if (!cells.includes(cell))
        problems.push({
          path: `servers[${i}].near[${j}]`,
          message: `unknown cell; the fleet's cells are ${cells.join(', ')}`,
          value: cell,
        });
    });
  });
  return problems;
}
