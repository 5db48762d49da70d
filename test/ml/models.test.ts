import { copyFile, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputError } from '../../src/errors.js';
import { handleOf, probabilitiesOf } from '../../src/ml/models/handle.js';
import { glorotLimit } from '../../src/ml/models/init.js';
import { loadModelFromDisk } from '../../src/ml/models/load.js';
import { saveModelToDisk } from '../../src/ml/models/save.js';
import { getFlatWeights, setFlatWeights, weightLayout } from '../../src/ml/models/weights.js';
import { buildModel, ZOO_MODEL_NAMES } from '../../src/ml/models/zoo.js';
import { initBackend, tf } from '../../src/ml/runtime.js';
import { expectInputErrorAsync } from '../helpers/input-error.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'models', 'tiny-softmax', 'model.json');
const MNIST = { inputShape: [28, 28, 1], numClasses: 10, seed: 1 } as const;

let scratch = '';

beforeAll(async () => {
  await initBackend('wasm');
  scratch = await mkdtemp(join(tmpdir(), 'edgesim-models-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('buildModel', () => {
  it('gives each zoo model its parameter count worked out by hand', () => {
    // logistic: 784*10 + 10. 2nn: 784*200+200 + 200*200+200 + 200*10+10.
    // cnn: 5*5*1*32+32 + 5*5*32*64+64 + 3136*512+512 + 512*10+10 (FedAvg paper: 1,663,370).
    // ds-cnn: conv 3*3*1*16+16, dw 3*3*16+16, pw 16*32+32, dw 3*3*32+32, pw 32*64+64, fc 64*10+10.
    const expected = {
      logistic: 7_850,
      '2nn': 199_210,
      cnn: 1_663_370,
      'ds-cnn': 160 + 160 + 544 + 320 + 2_112 + 650,
    };
    for (const name of ZOO_MODEL_NAMES) {
      const model = buildModel(name, MNIST);
      expect([name, model.countParams()]).toEqual([name, expected[name]]);
      model.dispose();
    }
  });

  it('outputs one logit per class, with no softmax in the last layer', () => {
    for (const name of ZOO_MODEL_NAMES) {
      const model = buildModel(name, { ...MNIST, numClasses: 7 });
      expect(model.outputs[0]?.shape).toEqual([null, 7]);
      expect(handleOf(model).outputs).toBe('logits');
      model.dispose();
    }
  });

  it('takes flat inputs for the dense models', () => {
    const model = buildModel('2nn', { inputShape: [60], numClasses: 10, seed: 1 });
    // 60*200+200 + 200*200+200 + 200*10+10, and no flatten layer.
    expect(model.countParams()).toBe(12_200 + 40_200 + 2_010);
    expect(model.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense', 'Dense']);
    model.dispose();
  });

  it('rejects a convolutional model on flat inputs, naming the shape', () => {
    expect(() => buildModel('cnn', { inputShape: [784], numClasses: 10, seed: 1 })).toThrow(
      /cnn needs an image inputShape.*\[784\]/,
    );
  });

  it('rejects fewer than two classes', () => {
    expect(() => buildModel('logistic', { ...MNIST, numClasses: 1 })).toThrow(
      'numClasses(=1) must be an integer >= 2',
    );
  });
});

describe('seeded initialisation', () => {
  it('gives bit-identical weights for the same seed', () => {
    const a = buildModel('ds-cnn', MNIST);
    const b = buildModel('ds-cnn', MNIST);
    expect(getFlatWeights(a)).toEqual(getFlatWeights(b));
    a.dispose();
    b.dispose();
  });

  it('gives different weights for different seeds', () => {
    const a = buildModel('logistic', MNIST);
    const b = buildModel('logistic', { ...MNIST, seed: 2 });
    expect(getFlatWeights(a)).not.toEqual(getFlatWeights(b));
    a.dispose();
    b.dispose();
  });

  it('draws Glorot-uniform kernels and zero biases', () => {
    const model = buildModel('2nn', MNIST);
    const flat = getFlatWeights(model);
    const [kernel, bias] = weightLayout(model).entries;
    if (kernel === undefined || bias === undefined) throw new Error('no fc1 weights');
    const w = flat.subarray(kernel.offset, kernel.offset + kernel.length);
    // U(-l, l) with l = sqrt(6 / (784 + 200)); its variance is l^2 / 3.
    const limit = Math.sqrt(6 / 984);
    expect(glorotLimit(kernel.shape)).toBeCloseTo(limit, 12);
    const mean = w.reduce((a, v) => a + v, 0) / w.length;
    const variance = w.reduce((a, v) => a + (v - mean) ** 2, 0) / w.length;
    // Stored as float32, so bounded by the float32 nearest the limit.
    expect(w.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThanOrEqual(Math.fround(limit));
    // 156,800 draws: the mean's standard error is l/sqrt(3*156800) = 1.5e-4 * l.
    expect(Math.abs(mean)).toBeLessThan(0.01 * limit);
    expect(variance / ((limit * limit) / 3)).toBeCloseTo(1, 1);
    expect(flat.subarray(bias.offset, bias.offset + bias.length).every((v) => v === 0)).toBe(true);
    model.dispose();
  });
});

describe('flat weights', () => {
  it('lays out the 2NN layer by layer, kernel before bias', () => {
    const model = buildModel('2nn', MNIST);
    const layout = weightLayout(model);
    // Offsets are running sums of the lengths: 156800, +200, +40000, +200, +2000.
    expect(layout.entries.map((e) => [e.name, e.role, e.shape, e.offset, e.length])).toEqual([
      ['fc1/kernel', 'kernel', [784, 200], 0, 156_800],
      ['fc1/bias', 'bias', [200], 156_800, 200],
      ['fc2/kernel', 'kernel', [200, 200], 157_000, 40_000],
      ['fc2/bias', 'bias', [200], 197_000, 200],
      ['fc3/kernel', 'kernel', [200, 10], 197_200, 2_000],
      ['fc3/bias', 'bias', [10], 199_200, 10],
    ]);
    expect(layout.length).toBe(199_210);
    model.dispose();
  });

  it('reads back what was written', () => {
    const model = buildModel('ds-cnn', MNIST);
    const flat = Float32Array.from({ length: weightLayout(model).length }, (_, i) => i / 1000);
    setFlatWeights(model, flat);
    expect(getFlatWeights(model)).toEqual(flat);
    model.dispose();
  });

  it('drives the model: all-zero weights give zero logits, so uniform probabilities', () => {
    const model = buildModel('2nn', MNIST);
    setFlatWeights(model, new Float32Array(199_210));
    const p = probabilitiesOf(handleOf(model), tf.ones([1, 28, 28, 1]));
    // softmax of ten equal logits is 1/10 each.
    expect(Array.from(p.dataSync())).toEqual(Array(10).fill(0.1).map(Math.fround));
    p.dispose();
    model.dispose();
  });

  it('rejects a vector of the wrong length, naming both lengths', () => {
    const model = buildModel('logistic', MNIST);
    expect(() => setFlatWeights(model, new Float32Array(3))).toThrow(
      'flat weights length(=3) must equal the model',
    );
    model.dispose();
  });

  it('frees the tensors it makes', () => {
    const model = buildModel('logistic', MNIST);
    const before = tf.memory().numTensors;
    setFlatWeights(model, getFlatWeights(model));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('loading a model from disk', () => {
  it('loads the fixture and detects that it ends in a softmax', async () => {
    const handle = await loadModelFromDisk(FIXTURE);
    expect(handle.outputs).toBe('probabilities');
    // Weights written by hand: hidden = identity, out = [[1,0,0],[0,1,0]], zero biases.
    expect(Array.from(getFlatWeights(handle.model))).toEqual([
      1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0,
    ]);
    handle.model.dispose();
  });

  it('computes what the fixture model computes by hand', async () => {
    const handle = await loadModelFromDisk(FIXTURE);
    // x = [ln 2, 0]: relu keeps it; logits [ln 2, 0, 0]; softmax = [2, 1, 1] / 4.
    // x = [-5, ln 3]: relu gives [0, ln 3]; logits [0, ln 3, 0]; softmax = [1, 3, 1] / 5.
    const p = probabilitiesOf(
      handle,
      tf.tensor2d([
        [Math.LN2, 0],
        [-5, Math.log(3)],
      ]),
    );
    const values = Array.from(p.dataSync());
    [0.5, 0.25, 0.25, 0.2, 0.6, 0.2].forEach((expected, i) => {
      expect(values[i]).toBeCloseTo(expected, 6);
    });
    p.dispose();
    handle.model.dispose();
  });

  it('round-trips a zoo model through saveModelToDisk', async () => {
    const model = buildModel('ds-cnn', MNIST);
    const dir = join(scratch, 'round-trip');
    const saved = await saveModelToDisk(handleOf(model), dir);
    // 3,946 float32 weights.
    expect(saved.weightsBytes).toBe(3_946 * 4);
    const loaded = await loadModelFromDisk(saved.modelJsonPath);
    expect(loaded.outputs).toBe('logits');
    expect(getFlatWeights(loaded.model)).toEqual(getFlatWeights(model));
    expect(weightLayout(loaded.model).entries.map((e) => e.name)).toEqual(
      weightLayout(model).entries.map((e) => e.name),
    );
    model.dispose();
    loaded.model.dispose();
  });

  it('reports a missing model.json', async () => {
    const file = join(scratch, 'nowhere', 'model.json');
    const error = await loadError(file);
    expect(error.file).toBe(file);
    expect(error.message).toMatch(/cannot read model.json/);
  });

  it('reports malformed JSON', async () => {
    const dir = await copyFixture('malformed');
    await writeFile(join(dir, 'model.json'), '{"modelTopology": ');
    expect((await loadError(join(dir, 'model.json'))).message).toMatch(/malformed JSON/);
  });

  it('names a missing weight shard', async () => {
    const dir = await copyFixture('no-shard');
    await rm(join(dir, 'weights.bin'));
    const error = await loadError(join(dir, 'model.json'));
    expect(error.problems[0]).toMatchObject({
      path: 'weightsManifest[0].paths[0]',
      value: 'weights.bin',
    });
    expect(error.message).toContain(join(dir, 'weights.bin'));
  });

  it('reports a shard whose size differs from the manifest', async () => {
    const dir = await copyFixture('short-shard');
    // The manifest needs 15 float32 weights = 60 bytes.
    await truncate(join(dir, 'weights.bin'), 56);
    const error = await loadError(join(dir, 'model.json'));
    expect(error.message).toMatch(/hold 56 bytes but the manifest's weights need 60/);
  });

  it('names an unsupported layer class and where it is', async () => {
    const dir = await copyFixture('unknown-layer');
    const file = join(dir, 'model.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    json.modelTopology.config.layers[1].class_name = 'FancyAttention';
    await writeFile(file, JSON.stringify(json));
    const error = await loadError(file);
    expect(error.problems[0]).toMatchObject({
      path: 'modelTopology.config.layers[1]',
      value: 'FancyAttention',
    });
  });

  it('refuses a graph model', async () => {
    const dir = await copyFixture('graph');
    const file = join(dir, 'model.json');
    await writeFile(file, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] } }));
    expect((await loadError(file)).message).toMatch(/graph model; only Layers models/);
  });
});

/** A copy of the fixture folder to damage. */
async function copyFixture(name: string): Promise<string> {
  const dir = join(scratch, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const source = join(import.meta.dirname, '..', 'fixtures', 'models', 'tiny-softmax');
  await copyFile(join(source, 'model.json'), join(dir, 'model.json'));
  await copyFile(join(source, 'weights.bin'), join(dir, 'weights.bin'));
  return dir;
}

async function loadError(file: string): Promise<InputError> {
  return await expectInputErrorAsync(() => loadModelFromDisk(file));
}
