/**
 * The validation split of a compression run and the warnings its results
 * raise. Settings (calibration data, schedules, temperatures) are to be
 * chosen on the validation split, carved out of the training split; the test
 * split is scored once, after every pipeline has run.
 */
import { createHash } from 'node:crypto';
import type { Dataset } from '../../ml/data/dataset.js';
import { splitDataset } from '../../ml/data/split.js';
import { nearChance } from '../../ml/metrics.js';

/** The training split divided: what trains, and what validates. */
export interface TrainValidation {
  readonly train: Dataset;
  readonly validation: Dataset;
}

/**
 * Holds out `fraction` of each class of `train` for validation (stratified,
 * rounding as `splitDataset` does), with a seed derived from the run seed
 * and the purpose, so the held-out samples do not repeat the train/test
 * split's draws. The same seed always gives the same split.
 */
export function validationSplit(train: Dataset, fraction: number, seed: number): TrainValidation {
  const split = splitDataset(train, { testFraction: fraction, seed: purposeSeed(seed) });
  return { train: split.train, validation: split.test };
}

/**
 * The warning for a trained model whose accuracy stays near chance
 * (`nearChance` in ml/metrics.ts), or null. Such a model learned little in its
 * budget: more epochs, another learning rate or a larger model may be needed.
 */
export function nearChanceWarning(
  variant: string,
  accuracy: number,
  numClasses: number,
): string | null {
  const chance = 1 / numClasses;
  if (!nearChance(accuracy, numClasses)) return null;
  return `compress variant "${variant}" ends at test accuracy ${round(accuracy)}, near chance (1/${numClasses} = ${round(chance)}): it learned little in its budget (more epochs, another learning rate or a larger model?)`;
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}

/** A seed for the validation split: the first 4 bytes of SHA-256 of the run seed and the purpose. */
function purposeSeed(seed: number): number {
  return createHash('sha256')
    .update(`edgesim/compress/${seed}/validation`)
    .digest()
    .readUInt32BE(0);
}
