/**
 * Client selectors by name, for `federated.selection`. Adding one is a file
 * exporting a {@link SelectorFactory} and a line here; the scenario schema
 * takes its names from this table.
 */
import { oortSelector } from './oort.js';
import { poissonSelector } from './poisson.js';
import { powerOfChoiceSelector } from './power-of-choice.js';
import { randomSelector } from './random.js';
import type { Selector, SelectorFactory, SelectorInputs } from './selector.js';

/** Name → factory. */
export const SELECTORS = {
  random: randomSelector,
  'power-of-choice': powerOfChoiceSelector,
  oort: oortSelector,
  poisson: poissonSelector,
} as const satisfies Record<string, SelectorFactory>;

/** A registered selector's name. */
export type SelectorName = keyof typeof SELECTORS;

/** The registered names, in registry order (for the scenario schema). */
export const SELECTOR_NAMES = Object.keys(SELECTORS) as [SelectorName, ...SelectorName[]];

/** The selector registered as `name`, for a run with these inputs. */
export function createSelector(name: SelectorName, inputs: SelectorInputs): Selector {
  return SELECTORS[name](inputs);
}
