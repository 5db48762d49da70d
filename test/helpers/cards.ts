import type { CostCard } from '../../src/ml/cost/index.js';

/** The layer of `card` named `name`; throws (failing the test) when there is none. */
export function layer(card: CostCard, name: string) {
  const found = card.layers.find((l) => l.name === name);
  if (found === undefined) throw new Error(`no layer ${name} in ${card.name}`);
  return found;
}

export const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
