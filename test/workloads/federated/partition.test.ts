import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import {
  dirichletPartition,
  dirichletVariate,
  gammaVariate,
  iidPartition,
  PARTITIONERS,
  type PartitionSpec,
  partition,
  quantitySkewPartition,
  shardPartition,
} from '../../../src/workloads/federated/index.js';
import { partitionSpec } from '../../../src/workloads/federated/partitioners/registry.js';

/** n samples over `classes` classes, balanced: label i mod classes. */
function balancedLabels(n: number, classes: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i % classes);
}

const stream = (seed = 1) => new RandomStreams(seed).stream('partition');

/** Half the L1 distance between a client's label distribution and the uniform one, averaged over non-empty clients. */
function meanDistanceFromUniform(parts: Int32Array[], labels: Int32Array, classes: number): number {
  const distances = parts
    .filter((samples) => samples.length > 0)
    .map((samples) => {
      const histogram = new Array<number>(classes).fill(0);
      for (const i of samples) histogram[labels[i]!]!++;
      return histogram.reduce((sum, h) => sum + Math.abs(h / samples.length - 1 / classes), 0) / 2;
    });
  return distances.reduce((a, b) => a + b, 0) / distances.length;
}

function coefficientOfVariation(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / mean;
}

const SPECS: PartitionSpec[] = [
  { kind: 'iid' },
  { kind: 'dirichlet', alpha: 0.3 },
  { kind: 'shards', shardsPerClient: 3 },
  { kind: 'quantity', alpha: 0.5 },
];

describe.each(SPECS)('the $kind partition', (spec) => {
  const labels = balancedLabels(997, 10);

  it('assigns every sample to exactly one client, in ascending lists', () => {
    const parts = partition(spec, labels, 13, 10, stream());
    expect(parts).toHaveLength(13);
    for (const samples of parts) expect([...samples]).toEqual([...samples].sort((a, b) => a - b));
    const all = parts.flatMap((samples) => [...samples]).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 997 }, (_, i) => i));
  });

  it('is the same for the same stream and differs for another seed', () => {
    const first = partition(spec, labels, 13, 10, stream(1));
    expect(partition(spec, labels, 13, 10, stream(1))).toEqual(first);
    expect(partition(spec, labels, 13, 10, stream(2))).not.toEqual(first);
  });

  it('rejects more clients than samples', () => {
    expect(() => partition(spec, balancedLabels(5, 2), 6, 2, stream())).toThrow(
      'numClients(=6) must be <= the number of samples(=5)',
    );
  });

  it('rejects a label outside [0, numClasses)', () => {
    expect(() => partition(spec, Int32Array.of(0, 1, 2, 3), 2, 3, stream())).toThrow(
      'labels[3](=3) must be in [0, numClasses(=3))',
    );
  });
});

describe('iidPartition', () => {
  it('deals equal shares with the remainder to the first clients', () => {
    // 103 = 10·10 + 3: clients 0–2 get 11 samples, the other seven 10.
    const sizes = iidPartition(balancedLabels(103, 2), 10, 2, stream()).map((p) => p.length);
    expect(sizes).toEqual([11, 11, 11, 10, 10, 10, 10, 10, 10, 10]);
  });
});

describe('dirichletPartition', () => {
  // 10,000 balanced samples of 10 classes over 10 clients; for IID clients each
  // label distribution would be uniform (distance 0).
  const labels = balancedLabels(10_000, 10);

  it('gives near-IID label distributions when alpha is large', () => {
    // Dir(1000) proportions have sd ≈ √(0.1·0.9/10001) ≈ 0.003 around 0.1, so a
    // client's ~100 samples per class vary by a few; measured distance ≈ 0.012.
    const parts = dirichletPartition(labels, 10, 10, stream(), 1000);
    expect(meanDistanceFromUniform(parts, labels, 10)).toBeLessThan(0.05);
  });

  it('gives skewed label distributions when alpha = 0.1', () => {
    // Dir(0.1) puts most of each class on one or two clients; measured distance ≈ 0.6–0.75.
    const parts = dirichletPartition(labels, 10, 10, stream(), 0.1);
    expect(meanDistanceFromUniform(parts, labels, 10)).toBeGreaterThan(0.4);
  });

  it('rejects a non-positive alpha', () => {
    expect(() => dirichletPartition(labels, 10, 10, stream(), 0)).toThrow('alpha(=0) must be > 0');
  });
});

describe('shardPartition', () => {
  it('gives each client shardsPerClient single-class shards when classes divide evenly', () => {
    // 1000 samples, 100 per class, cut into 10·2 = 20 shards of 50: every shard
    // lies inside one class, so a client sees at most 2 classes and holds 100 samples.
    const labels = balancedLabels(1000, 10);
    const parts = shardPartition(labels, 10, 10, stream(), 2);
    for (const samples of parts) {
      expect(samples).toHaveLength(100);
      expect(new Set(Array.from(samples, (i) => labels[i])).size).toBeLessThanOrEqual(2);
    }
  });

  it('rejects more shards than samples', () => {
    expect(() => shardPartition(balancedLabels(10, 2), 4, 2, stream(), 3)).toThrow(
      'numClients × shardsPerClient(=12) must be <= the number of samples(=10)',
    );
  });
});

describe('quantitySkewPartition', () => {
  // Dirichlet(α) client shares over K = 20 clients have a coefficient of
  // variation √((K − 1)/(Kα + 1)): 1.31 for α = 0.5 and 0.097 for α = 100.
  const labels = balancedLabels(10_000, 10);
  const sizes = (alpha: number) =>
    quantitySkewPartition(labels, 20, 10, stream(), alpha).map((p) => p.length);

  it('gives very unequal client sizes when alpha is small', () => {
    expect(coefficientOfVariation(sizes(0.5))).toBeGreaterThan(0.5);
  });

  it('gives nearly equal client sizes when alpha is large', () => {
    expect(coefficientOfVariation(sizes(100))).toBeLessThan(0.3);
  });
});

describe('gamma and Dirichlet variates', () => {
  it.each([0.3, 1, 4.5])('Gamma(%f) has mean and variance equal to its shape', (shape) => {
    // With 20,000 draws the sample mean's sd is √(shape/20000) ≤ 0.015 (allow 5 sd), and
    // the variance's relative sd is √((2 + 6/shape)/20000) ≤ 0.033 (allow 15%, 4.5 sd).
    const rng = stream();
    const draws = Array.from({ length: 20_000 }, () => gammaVariate(rng, shape));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((sum, x) => sum + (x - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / 20_000));
    expect(variance / shape).toBeGreaterThan(0.85);
    expect(variance / shape).toBeLessThan(1.15);
  });

  it('gives Dirichlet proportions that sum to 1 even for a tiny alpha', () => {
    // Gamma(0.01) draws underflow to 0 in float64; the log-space draw still normalises.
    const proportions = dirichletVariate(stream(), 0.01, 50);
    const sum = proportions.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 12);
    expect(proportions.every((p) => p >= 0 && Number.isFinite(p))).toBe(true);
  });
});

describe('the partitioner registry', () => {
  it('dispatches each kind to its partitioner with the same draws', () => {
    const labels = balancedLabels(997, 10);
    expect(partition({ kind: 'shards', shardsPerClient: 3 }, labels, 13, 10, stream())).toEqual(
      shardPartition(labels, 13, 10, stream(), 3),
    );
    expect(partition({ kind: 'dirichlet', alpha: 0.3 }, labels, 13, 10, stream())).toEqual(
      dirichletPartition(labels, 13, 10, stream(), 0.3),
    );
  });

  it("builds the scenario's partition block from the registered specs", () => {
    expect(Object.keys(PARTITIONERS)).toEqual(['iid', 'dirichlet', 'shards', 'quantity']);
    // Each registered kind parses under its own name, with its defaults.
    expect(partitionSpec.parse({ kind: 'shards' })).toEqual({ kind: 'shards', shardsPerClient: 2 });
    expect(partitionSpec.parse({ kind: 'quantity', alpha: 0.5 })).toEqual({
      kind: 'quantity',
      alpha: 0.5,
    });
    const unknown = partitionSpec.safeParse({ kind: 'pathological' });
    expect(unknown.error!.issues[0]!.path).toEqual(['kind']);
    // Strict: an option of another partitioner is refused.
    expect(partitionSpec.safeParse({ kind: 'iid', alpha: 1 }).success).toBe(false);
  });
});
