import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/random.js';
import { InputError } from '../../src/errors.js';
import {
  batches,
  type Dataset,
  loadCsvDataset,
  loadMnist,
  shuffledOrder,
  splitDataset,
  subset,
  syntheticFedProx,
} from '../../src/ml/data/index.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'datasets');

/** A one-feature dataset whose feature is the sample's index; `perClass[c]` samples of class c. */
function indexed(perClass: readonly number[]): Dataset {
  const labels = Int32Array.from(perClass.flatMap((n, c) => Array<number>(n).fill(c)));
  const features = Float32Array.from(labels, (_, i) => i);
  return {
    name: 'indexed',
    features,
    labels,
    count: labels.length,
    sampleShape: [1],
    numClasses: perClass.length,
  };
}

function classCounts(dataset: Dataset): number[] {
  const counts = Array<number>(dataset.numClasses).fill(0);
  for (const label of dataset.labels) counts[label]!++;
  return counts;
}

describe('loadMnist', () => {
  const MNIST_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

  it('holds the 10,000 samples of the mnist package, digit by digit', () => {
    const mnist = loadMnist();
    expect(mnist.count).toBe(10_000);
    expect(classCounts(mnist)).toEqual(MNIST_COUNTS);
    // Digit 0's samples come first, then digit 1's: labels never decrease.
    expect(mnist.labels.every((l, i) => i === 0 || l >= mnist.labels[i - 1]!)).toBe(true);
    expect(mnist).toMatchObject({ name: 'mnist', sampleShape: [28, 28, 1], numClasses: 10 });
  });

  it('holds 784 pixels per sample, all in [0, 1]', () => {
    const { features, count } = loadMnist();
    expect(features.length).toBe(count * 784);
    expect(features.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('reads the same numbers as JSON.parse of the package files (first and last sample)', () => {
    const require = createRequire(import.meta.url);
    const digits = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
    const pixelsOf = (d: number) =>
      Float32Array.from(JSON.parse(readFileSync(join(digits, `${d}.json`), 'utf8')).data);
    const { features } = loadMnist();
    expect(features.subarray(0, 784)).toEqual(pixelsOf(0).subarray(0, 784));
    expect(features.subarray(features.length - 784)).toEqual(pixelsOf(9).subarray(-784));
  });

  it('loads once per process and then returns the same dataset', () => {
    expect(loadMnist()).toBe(loadMnist());
  });
});

describe('splitDataset', () => {
  it('puts round(n_c × testFraction) of each class in the test set, halves rounding up', () => {
    // 10 × 0.25 = 2.5 -> 3, 20 × 0.25 = 5, 30 × 0.25 = 7.5 -> 8.
    const { train, test } = splitDataset(indexed([10, 20, 30]), { testFraction: 0.25, seed: 1 });
    expect(classCounts(test)).toEqual([3, 5, 8]);
    expect(classCounts(train)).toEqual([7, 15, 22]);
  });

  it('keeps MNIST balanced: each digit gives 10% of its samples to the test set', () => {
    const { test } = splitDataset(loadMnist(), { testFraction: 0.1, seed: 7 });
    // round(0.1 × [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978])
    expect(classCounts(test)).toEqual([100, 113, 99, 103, 98, 86, 101, 107, 94, 98]);
  });

  it('puts every sample in exactly one of train and test', () => {
    const dataset = indexed([13, 7, 21]);
    const { train, test } = splitDataset(dataset, { testFraction: 0.3, seed: 3 });
    const trainIds = new Set(train.features);
    expect([...test.features].filter((id) => trainIds.has(id))).toEqual([]);
    expect([...train.features, ...test.features].sort((a, b) => a - b)).toEqual([
      ...dataset.features,
    ]);
  });

  it('gives the same split for the same seed and a different one for another seed', () => {
    const dataset = indexed([40, 40]);
    const testIds = (seed: number) =>
      splitDataset(dataset, { testFraction: 0.5, seed }).test.features;
    expect(testIds(5)).toEqual(testIds(5));
    expect(testIds(5)).not.toEqual(testIds(6));
  });

  it('rejects a test fraction outside (0, 1)', () => {
    expect(() => splitDataset(indexed([4]), { testFraction: 1, seed: 1 })).toThrow(
      'testFraction(=1) must be in (0, 1)',
    );
  });
});

describe('subset', () => {
  it('copies the chosen samples in the given order, repeats allowed', () => {
    const dataset = indexed([2, 3]);
    const picked = subset(dataset, [4, 0, 4]);
    expect([...picked.features]).toEqual([4, 0, 4]);
    expect([...picked.labels]).toEqual([1, 0, 1]);
    picked.features[0] = -1;
    expect(dataset.features[4]).toBe(4);
  });

  it('rejects an index outside the dataset', () => {
    expect(() => subset(indexed([2]), [0, 2])).toThrow(
      'indices[1](=2) must be an integer in [0, 2)',
    );
  });
});

describe('shuffledOrder', () => {
  it('is a permutation that depends only on the stream key', () => {
    const order = shuffledOrder(50, new RandomStreams(1).stream('shuffle'));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffledOrder(50, new RandomStreams(1).stream('shuffle'))).toEqual(order);
  });

  it('draws each of the 6 orders of 3 items equally often', () => {
    // 60,000 shuffles: each order 10,000 ± 91 (binomial sd). A biased shuffle
    // (swapping with any position) would give 8,889 or 11,111 for some orders.
    const stream = new RandomStreams(2).stream('shuffle');
    const counts = new Map<string, number>();
    for (let i = 0; i < 60_000; i++) {
      const key = shuffledOrder(3, stream).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });
});

describe('batches', () => {
  it('cuts the samples into full batches and keeps the last partial one', () => {
    const sizes = [...batches(indexed([10]), 4)].map((b) => b.size);
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('visits the samples in the given order, rows and labels together', () => {
    const dataset = indexed([3, 2]);
    const [first, second] = [...batches(dataset, 3, [4, 0, 3, 1])];
    expect([...first!.features]).toEqual([4, 0, 3]);
    expect([...first!.labels]).toEqual([1, 0, 1]);
    expect([...second!.features]).toEqual([1]);
  });

  it('gives each batch fresh arrays, so changing one changes neither the dataset nor another batch', () => {
    const dataset = indexed([4]);
    const all = [...batches(dataset, 2)];
    all[0]!.features[0] = 99;
    expect(dataset.features[0]).toBe(0);
    expect([...batches(dataset, 2)][0]!.features[0]).toBe(0);
  });
});

describe('syntheticFedProx', () => {
  const base = { alpha: 0.5, beta: 0.5, devices: 3, seed: 11 };

  /** The rows of device k, as arrays of numbers. */
  function deviceRows(data: ReturnType<typeof syntheticFedProx>, k: number): number[][] {
    const rows: number[][] = [];
    data.deviceOf.forEach((d, i) => {
      if (d === k) rows.push([...data.dataset.features.subarray(i * 60, (i + 1) * 60)]);
    });
    return rows;
  }

  /** Per device, the mean of all its feature values. */
  function deviceMeans(data: ReturnType<typeof syntheticFedProx>, devices: number): number[] {
    return Array.from({ length: devices }, (_, k) => {
      const values = deviceRows(data, k).flat();
      return values.reduce((a, b) => a + b, 0) / values.length;
    });
  }

  function sd(values: readonly number[]): number {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  }

  it('gives the same data for the same options', () => {
    const a = syntheticFedProx(base);
    const b = syntheticFedProx(base);
    expect(b.dataset.features).toEqual(a.dataset.features);
    expect(b.dataset.labels).toEqual(a.dataset.labels);
  });

  it('leaves existing devices’ samples unchanged when devices are added', () => {
    const three = syntheticFedProx(base);
    const five = syntheticFedProx({ ...base, devices: 5 });
    const prefix = three.dataset.count;
    expect(five.dataset.features.subarray(0, prefix * 60)).toEqual(three.dataset.features);
    expect(five.dataset.labels.subarray(0, prefix)).toEqual(three.dataset.labels);
    expect(five.deviceOf.subarray(0, prefix)).toEqual(three.deviceOf);
  });

  it('has 60 features, labels in [0, 10) and device blocks of at least 50 samples', () => {
    const { dataset, deviceOf } = syntheticFedProx({ ...base, devices: 20 });
    expect(dataset).toMatchObject({ sampleShape: [60], numClasses: 10 });
    expect(dataset.features.length).toBe(dataset.count * 60);
    expect(dataset.labels.every((l) => l >= 0 && l < 10)).toBe(true);
    // floor(lognormal(4, 2)) + 50 >= 50 samples on each device, stored device by device.
    const sizes = Array<number>(20).fill(0);
    for (const d of deviceOf) sizes[d]!++;
    expect(deviceOf.every((d, i) => i === 0 || d >= deviceOf[i - 1]!)).toBe(true);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(50);
  });

  it('draws feature j with variance j^-1.2 around the device mean', () => {
    // 4,000 samples: the sample variance has a relative sd of sqrt(2/4000) = 2.2%;
    // allow 8% (3.6 sd). A wrong power (j^-0.6 or j^-2.4) is off by 2x or more at j = 10.
    const data = syntheticFedProx({ ...base, devices: 1, samplesPerDevice: 4000 });
    const rows = deviceRows(data, 0);
    for (const j of [1, 10, 60]) {
      const ratio = sd(rows.map((r) => r[j - 1]!)) ** 2 / j ** -1.2;
      expect(Math.abs(ratio - 1)).toBeLessThan(0.08);
    }
  });

  it('spreads device feature means by beta: sd ~1 at beta = 1, ~0.13 at beta = 0', () => {
    // A device's mean feature value is B_k + mean_j N(0, 1) ~ N(0, beta² + 1/60).
    const options = { devices: 30, seed: 4, samplesPerDevice: 50 };
    const homogeneous = sd(deviceMeans(syntheticFedProx({ alpha: 0, beta: 0, ...options }), 30));
    const heterogeneous = sd(deviceMeans(syntheticFedProx({ alpha: 1, beta: 1, ...options }), 30));
    expect(homogeneous).toBeLessThan(0.25);
    expect(heterogeneous).toBeGreaterThan(0.6);
  });

  it('centres every device at 0 in the IID variant with beta = 0', () => {
    // The device mean of 60 × 500 values of N(0, j^-1.2) has sd < 0.002.
    const data = syntheticFedProx({ ...base, beta: 0, iid: true, samplesPerDevice: 500 });
    for (const mean of deviceMeans(data, 3)) expect(Math.abs(mean)).toBeLessThan(0.01);
  });

  it('labels by one shared model in the IID variant and by per-device models otherwise', () => {
    // Total-variation distance of two devices' label histograms (2,000 samples
    // each). With one shared model it is sampling noise alone, about 0.035 for
    // these class shares; two independent random models label mostly apart.
    const histogramDistance = (iid: boolean) => {
      const options = { alpha: 0, beta: 0, devices: 2, seed: 9, iid, samplesPerDevice: 2000 };
      const { dataset, deviceOf } = syntheticFedProx(options);
      const share = [new Float64Array(10), new Float64Array(10)];
      dataset.labels.forEach((l, i) => {
        share[deviceOf[i]!]![l]! += 1 / 2000;
      });
      return share[0]!.reduce((a, p, c) => a + Math.abs(p - share[1]![c]!), 0) / 2;
    };
    expect(histogramDistance(true)).toBeLessThan(0.1);
    expect(histogramDistance(false)).toBeGreaterThan(0.3);
  });

  it('rejects a non-positive number of devices', () => {
    expect(() => syntheticFedProx({ ...base, devices: 0 })).toThrow('devices(=0) must be');
  });
});

describe('loadCsvDataset', () => {
  const fixture = (name: string) => join(fixtures, name);

  /** The problems of the InputError that `load` throws. */
  function problemsOf(load: () => unknown) {
    try {
      load();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as InputError).problems;
    }
    throw new Error('expected an InputError');
  }

  it('reads numeric features and numbers string labels in sorted order', () => {
    const iris = loadCsvDataset(fixture('iris-small.csv'));
    expect(iris.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect([...iris.labels]).toEqual([0, 1, 2, 0, 1]);
    expect(iris).toMatchObject({ count: 5, sampleShape: [4], numClasses: 3 });
    expect([...iris.features.subarray(4, 8)]).toEqual([7, 3.2, 4.7, 1.4].map(Math.fround));
  });

  it('uses integer labels as class indices, the last column by default', () => {
    const data = loadCsvDataset(fixture('integer-labels.csv'), { header: false });
    expect([...data.labels]).toEqual([2, 0, 1]);
    expect(data.classNames).toEqual(['0', '1', '2']);
    expect([...data.features]).toEqual([0.5, 1.5, -1e-3, 2, 3, 0.25].map(Math.fround));
  });

  it('takes the label and feature columns named in the options, in that order', () => {
    const options = { labelColumn: 'species', featureColumns: ['petal_width', 0] };
    const data = loadCsvDataset(fixture('iris-small.csv'), options);
    expect(data.sampleShape).toEqual([2]);
    expect([...data.features.subarray(0, 2)]).toEqual([0.2, 5.1].map(Math.fround));
  });

  it('reports a missing file', () => {
    expect(problemsOf(() => loadCsvDataset(fixture('absent.csv')))).toEqual([
      { path: '', message: 'no such file' },
    ]);
  });

  it('reports an empty file and a header without rows', () => {
    expect(problemsOf(() => loadCsvDataset(fixture('empty.csv')))[0]?.message).toBe(
      'the file is empty',
    );
    expect(problemsOf(() => loadCsvDataset(fixture('header-only.csv')))[0]?.message).toBe(
      'has a header but no data rows',
    );
  });

  it('reports a row with the wrong number of fields by its line number', () => {
    expect(problemsOf(() => loadCsvDataset(fixture('ragged.csv')))).toEqual([
      { path: 'row 7', message: 'has 5 fields, expected 6' },
    ]);
  });

  it('reports a non-numeric feature with its row, column and text', () => {
    const error = (() => {
      try {
        loadCsvDataset(fixture('non-numeric.csv'));
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(error?.problems).toEqual([
      { path: 'row 12, column "petal_width"', message: 'is not a number', value: 'abc' },
    ]);
    expect(error?.message).toContain(
      'non-numeric.csv: row 12, column "petal_width": is not a number (got "abc")',
    );
  });

  it('reports an unknown label or feature column, listing the columns', () => {
    const [label] = problemsOf(() =>
      loadCsvDataset(fixture('iris-small.csv'), { labelColumn: 'kind' }),
    );
    expect(label).toMatchObject({ path: 'labelColumn', value: 'kind' });
    expect(label?.message).toContain('"sepal_length" (0), "sepal_width" (1)');
    expect(label?.message).toContain('"species" (4)');
    const [feature] = problemsOf(() =>
      loadCsvDataset(fixture('integer-labels.csv'), { header: false, featureColumns: [0, 3] }),
    );
    expect(feature).toMatchObject({ path: 'featureColumns[1]', value: 3 });
    expect(feature?.message).toContain('the file has 3 columns, indices 0 to 2');
  });
});
