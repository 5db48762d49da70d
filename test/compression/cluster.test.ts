import { describe, expect, it } from 'vitest';
import {
  clusteredValues,
  clusterWeights,
  kmeansPlusPlusCentroids,
  linearCentroids,
} from '../../src/compression/index.js';
import { RandomStreams } from '../../src/engine/random.js';

// Two obvious groups, chosen so every mean is exact in float32: means 1 and 5.
const twoGroups = Float32Array.of(0.75, 5, 1, 4.75, 1.25, 5.25);

describe('linearCentroids', () => {
  it('spaces k centroids evenly from min to max, like tf.linspace', () => {
    // [0.75, 5.25], k = 4: step 1.5 -> 0.75, 2.25, 3.75, 5.25
    expect(Array.from(linearCentroids(twoGroups, 4))).toEqual([0.75, 2.25, 3.75, 5.25]);
    expect(Array.from(linearCentroids(twoGroups, 1))).toEqual([0.75]);
  });
});

describe('clusterWeights', () => {
  it('finds two obvious clusters from linear initialisation', () => {
    // init 0.75, 5.25 -> midpoint 3 splits the groups; means 1 and 5; the next pass changes nothing
    const result = clusterWeights(twoGroups, { clusters: 2 });
    expect(Array.from(result.centroids)).toEqual([1, 5]);
    expect(Array.from(result.assignments)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(result).toMatchObject({ iterations: 1, converged: true });
  });

  it('with k = 1 puts the single centroid at the mean', () => {
    // (1 + 2 + 3 + 6) / 4 = 3
    const result = clusterWeights(Float32Array.of(1, 2, 3, 6), { clusters: 1 });
    expect(Array.from(result.centroids)).toEqual([3]);
  });

  it('with k above the number of distinct values reproduces the weights exactly', () => {
    // {0, 1} with k = 3: centroids 0, 0.5, 1; 0.5 gets no weight and stays put
    const w = Float32Array.of(0, 1, 1, 0);
    const result = clusterWeights(w, { clusters: 3 });
    expect(Array.from(result.centroids)).toEqual([0, 0.5, 1]);
    expect(clusteredValues(result)).toEqual(w);
  });

  it('sends a weight exactly halfway between two centroids to the lower one', () => {
    // centroids 0 and 2 (fixed by iterations: 0); 1 is halfway
    const result = clusterWeights(Float32Array.of(0, 1, 2), { clusters: 2, iterations: 0 });
    expect(Array.from(result.assignments)).toEqual([0, 0, 1]);
  });

  it('stops at the iteration cap', () => {
    const rng = new RandomStreams(1).stream('cap');
    const w = Float32Array.from({ length: 1000 }, () => rng.normal(0, 1));
    const result = clusterWeights(w, { clusters: 16, iterations: 2 });
    expect(result.iterations).toBe(2);
  });

  it('uses Uint16 indices beyond 256 clusters', () => {
    const w = Float32Array.from({ length: 600 }, (_, i) => i);
    const result = clusterWeights(w, { clusters: 300 });
    expect(result.assignments).toBeInstanceOf(Uint16Array);
    expect(clusteredValues(result).every((v, i) => Math.abs(v - i) <= 1)).toBe(true);
  });

  it('rejects bad k and kmeans++ without a stream', () => {
    expect(() => clusterWeights(twoGroups, { clusters: 0 })).toThrow(
      'clusters(=0) must be an integer in [1, 65536]',
    );
    expect(() => clusterWeights(twoGroups, { clusters: 2, init: 'kmeans++' })).toThrow(
      /needs a stream/,
    );
  });
});

describe('k-means++', () => {
  it('never seeds on a weight that already is a centroid', () => {
    // Duplicates only: after the first pick, the other value has all the D^2 weight.
    const w = Float32Array.of(0, 0, 0, 10, 10, 10);
    for (const seed of [1, 2, 3, 4]) {
      const centroids = kmeansPlusPlusCentroids(w, 2, new RandomStreams(seed).stream('kpp'));
      expect(Array.from(centroids)).toEqual([0, 10]);
    }
  });

  it('gives the same clustering for the same stream', () => {
    const rng = new RandomStreams(9).stream('data');
    const w = Float32Array.from({ length: 2000 }, () => rng.normal(0, 1));
    const run = () =>
      clusterWeights(w, {
        clusters: 8,
        init: 'kmeans++',
        stream: new RandomStreams(3).stream('kpp'),
      });
    expect(run().centroids).toEqual(run().centroids);
  });
});
