/** The datasets of the ML layer: MNIST, FedProx Synthetic, CSV, and splitting and batching. */

export type { Batch } from './batches.js';
export { batches, shuffledOrder } from './batches.js';
export type { CsvDataset, CsvDatasetOptions } from './csv.js';
export { loadCsvDataset } from './csv.js';
export type { Dataset, Split } from './dataset.js';
export { featureCount } from './dataset.js';
export { loadMnist } from './mnist.js';
export type { SplitOptions } from './split.js';
export { indicesByClass, shuffleDataset, splitDataset, subset } from './split.js';
export type { SyntheticData, SyntheticOptions } from './synthetic.js';
export { SYNTHETIC_CLASSES, SYNTHETIC_FEATURES, syntheticFedProx } from './synthetic.js';
