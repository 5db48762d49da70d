/**
 * Load balancers by name: what `placement.balancer` (or its `policy`) may
 * say. The scenario schema's list of balancers is this table's keys, so
 * registering one here is all it takes to use it in a scenario.
 */
import { UsageError } from '../../../errors.js';
import type { Balancer } from './balancer.js';
import { leastOutstandingBalancer } from './least-outstanding.js';
import { nearestBalancer } from './nearest.js';
import { oracleBalancer } from './oracle.js';
import { powerOfDBalancer } from './power-of-d.js';
import { randomBalancer } from './random.js';
import { roundRobinBalancer } from './round-robin.js';
import { weightedBalancer } from './weighted.js';

/** Name -> balancer. The order is the order the schema lists them in. */
export const BALANCERS = {
  oracle: oracleBalancer,
  'round-robin': roundRobinBalancer,
  random: randomBalancer,
  'least-outstanding': leastOutstandingBalancer,
  'power-of-d': powerOfDBalancer,
  weighted: weightedBalancer,
  nearest: nearestBalancer,
} as const satisfies Record<string, Balancer>;

/** A registered balancer's name. */
export type BalancerName = keyof typeof BALANCERS;

/** The registered names, in registry order (for the schema's enum). */
export const BALANCER_NAMES = Object.keys(BALANCERS) as [BalancerName, ...BalancerName[]];

/** The balancer every tier uses when the scenario names none. */
export const DEFAULT_BALANCER: BalancerName = 'oracle';

/** Whether `name` is a registered balancer. */
export function isBalancerName(name: string): name is BalancerName {
  return Object.hasOwn(BALANCERS, name);
}

/**
 * The balancer registered as `name`. A scenario's balancer is checked by its
 * schema; for any other name this throws a UsageError listing the known ones.
 */
export function balancer(name: string): Balancer {
  if (!isBalancerName(name))
    throw new UsageError(
      `unknown balancer "${name}"; known balancers: ${BALANCER_NAMES.join(', ')}`,
    );
  return BALANCERS[name];
}

/** One line per balancer for the schema's description of `balancer`. */
export function balancersText(): string {
  return Object.values(BALANCERS)
    .map((b: Balancer) => b.summary)
    .join(', ');
}
