/**
 * Warnings of a federated run: results that completed but deserve a look.
 * Each is one line, printed as run.ts prints its own (`edgesim: warning:
 * ...` on stderr), and kept in summary.csv's `warning` column.
 */

import { nearChance } from '../../ml/metrics.js';

/** Where a run's warnings go: one line each. */
export type WarningSink = (message: string) => void;

/** Prints a warning on stderr, as `edgesim run` prints its own. */
export const STDERR_WARNING: WarningSink = (message) => {
  process.stderr.write(`edgesim: warning: ${message}\n`);
};

/**
 * The warning for a final global model whose held-out accuracy is near
 * chance (`nearChance` in ml/metrics.ts), or null. Such a run learned little in
 * its rounds: more rounds, another local or server learning rate, or less
 * skewed data may be needed.
 */
export function nearChanceWarning(
  accuracy: number,
  numClasses: number,
  rounds: number,
): string | null {
  const chance = 1 / numClasses;
  if (!nearChance(accuracy, numClasses)) return null;
  return `the final global model's test accuracy ${significant(accuracy)} is near chance (1/${numClasses} = ${significant(chance)}): federated training learned little in ${rounds} rounds (more rounds, another learning rate or server learning rate?)`;
}

function significant(x: number): number {
  return Number(x.toPrecision(4));
}
