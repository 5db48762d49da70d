import { resolve } from 'node:path';
import { loadCsvDataset } from './csv.js';
import type { Dataset, Split } from './dataset.js';
import { loadMnist } from './mnist.js';
import { splitDataset } from './split.js';
import { syntheticFedProx } from './synthetic.js';

/** A dataset as a scenario names it (the `dataset` field of compress and federated sections). */
export type DatasetDescription = { readonly testFraction: number } & (
  | { readonly kind: 'mnist' }
  | {
      readonly kind: 'synthetic';
      readonly alpha: number;
      readonly beta: number;
      readonly devices: number;
      readonly iid: boolean;
    }
  | { readonly kind: 'csv'; readonly file: string; readonly labelColumn?: string | undefined }
);

/**
 * The dataset a scenario names, split into train and held-out test by the
 * seeded stratified split. CSV paths are relative to `baseDir`; the synthetic
 * generator draws from `seed`.
 */
export function loadSplit(spec: DatasetDescription, baseDir: string, seed: number): Split {
  return splitDataset(loadDataset(spec, baseDir, seed), { testFraction: spec.testFraction, seed });
}

function loadDataset(spec: DatasetDescription, baseDir: string, seed: number): Dataset {
  switch (spec.kind) {
    case 'mnist':
      return loadMnist();
    case 'synthetic': {
      const { alpha, beta, devices, iid } = spec;
      return syntheticFedProx({ alpha, beta, devices, iid, seed }).dataset;
    }
    case 'csv':
      return loadCsvDataset(
        resolve(baseDir, spec.file),
        spec.labelColumn === undefined ? {} : { labelColumn: spec.labelColumn },
      );
  }
}
