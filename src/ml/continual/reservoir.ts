/**
 * A replay buffer filled by reservoir sampling (Vitter, "Random Sampling
 * with a Reservoir", ACM TOMS 11(1), 1985, Algorithm R): the first M samples
 * fill the buffer; the sample of 0-based index n >= M draws j uniform in
 * [0, n] and replaces slot j if j < M. After n >= M offers every
 * offered sample is in the buffer with probability M / n. Draws come from a
 * seeded stream, so the same seed and the same offers give the same buffer.
 * Used by experience replay (e.g. Chaudhry et al., "On Tiny Episodic
 * Memories in Continual Learning", 2019, which fills its memory this way).
 */
import type { RandomStream } from '../../engine/random.js';
import type { Dataset } from '../data/dataset.js';

/** Bytes the buffer holds: capacity x (features x bytesPerElement + labelBytes). */
export interface ReplayMemoryOptions {
  /** Bytes per stored feature (4 for float32, 1 for uint8 images); default 4. */
  readonly bytesPerElement?: number;
  /** Bytes per stored label; default 4 (int32). */
  readonly labelBytes?: number;
}

/**
 * Memory of a replay buffer of `capacity` samples of `featureCount` elements,
 * in bytes: capacity * (featureCount * bytesPerElement + labelBytes). The
 * buffer is allocated whole, so this is its footprint from the first offer.
 */
export function replayMemoryBytes(
  capacity: number,
  featureCount: number,
  options: ReplayMemoryOptions = {},
): number {
  const { bytesPerElement = 4, labelBytes = 4 } = options;
  nonNegativeInteger('capacity', capacity);
  nonNegativeInteger('featureCount', featureCount);
  nonNegativeInteger('bytesPerElement', bytesPerElement);
  nonNegativeInteger('labelBytes', labelBytes);
  return capacity * (featureCount * bytesPerElement + labelBytes);
}

/** A reservoir of at most `capacity` labelled samples. */
export class ReservoirBuffer {
  private readonly features: Float32Array;
  private readonly labels: Int32Array;
  private readonly origins: Int32Array;
  private offered = 0;

  /** Throws a RangeError for a capacity or feature count that is not an integer >= 0 (M < 0 included). */
  constructor(
    readonly capacity: number,
    readonly featureCount: number,
    private readonly stream: Pick<RandomStream, 'integer'>,
  ) {
    nonNegativeInteger('capacity', capacity);
    nonNegativeInteger('featureCount', featureCount);
    this.features = new Float32Array(capacity * featureCount);
    this.labels = new Int32Array(capacity);
    this.origins = new Int32Array(capacity);
  }

  /** Samples offered so far. */
  get seen(): number {
    return this.offered;
  }

  /** Samples held: min(seen, capacity). */
  get size(): number {
    return Math.min(this.offered, this.capacity);
  }

  /**
   * Offers one sample (its `featureCount` features and label); returns the slot
   * it now occupies, or -1 if it was not kept. Draws one number once the buffer is full.
   */
  offer(features: ArrayLike<number>, label: number): number {
    if (features.length !== this.featureCount) {
      throw new RangeError(
        `sample has ${features.length} features; the buffer holds ${this.featureCount}`,
      );
    }
    const n = this.offered++;
    const slot = n < this.capacity ? n : this.stream.integer(n + 1);
    if (slot >= this.capacity) return -1;
    this.features.set(features, slot * this.featureCount);
    this.labels[slot] = label;
    this.origins[slot] = n;
    return slot;
  }

  /** Offers every sample of `data` in index order. */
  offerAll(data: Pick<Dataset, 'features' | 'labels' | 'count'>): void {
    const f = this.featureCount;
    for (let i = 0; i < data.count; i++) {
      this.offer(data.features.subarray(i * f, (i + 1) * f), data.labels[i]!);
    }
  }

  /** For each held slot, the 0-based offer index of the sample in it. */
  offerIndices(): Int32Array {
    return this.origins.slice(0, this.size);
  }

  /** The held samples as a dataset (copies), in slot order. */
  toDataset(template: Pick<Dataset, 'sampleShape' | 'numClasses'>, name = 'replay'): Dataset {
    const size = this.size;
    return {
      name,
      features: this.features.slice(0, size * this.featureCount),
      labels: this.labels.slice(0, size),
      count: size,
      sampleShape: template.sampleShape,
      numClasses: template.numClasses,
    };
  }

  /** The buffer's footprint in bytes (see {@link replayMemoryBytes}). */
  memoryBytes(options: ReplayMemoryOptions = {}): number {
    return replayMemoryBytes(this.capacity, this.featureCount, options);
  }
}

function nonNegativeInteger(name: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) {
    throw new RangeError(`${name}(=${value}) must be an integer >= 0`);
  }
}
