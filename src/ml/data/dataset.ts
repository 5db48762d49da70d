/**
 * A labelled dataset held in flat typed arrays: sample i's features are
 * `features.subarray(i * featureCount, (i + 1) * featureCount)` (images
 * flattened in HWC order), its class is `labels[i]` in [0, numClasses).
 */
export interface Dataset {
  /** Where it came from, e.g. `mnist`, `synthetic(0.5,0.5)`, `data/iris.csv`. */
  readonly name: string;
  readonly features: Float32Array;
  readonly labels: Int32Array;
  /** Number of samples. */
  readonly count: number;
  /** Shape of one sample, e.g. `[28, 28, 1]` or `[60]`. */
  readonly sampleShape: readonly number[];
  readonly numClasses: number;
}

/** Elements in one sample: the product of `sampleShape`. */
export function featureCount(dataset: Pick<Dataset, 'sampleShape'>): number {
  return dataset.sampleShape.reduce((a, b) => a * b, 1);
}

/** A train/test split. */
export interface Split {
  readonly train: Dataset;
  readonly test: Dataset;
}
