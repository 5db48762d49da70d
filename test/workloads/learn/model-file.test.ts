/**
 * A learn run starting from a TF.js model on disk (`learn.model.file`): the
 * same weights as the seeded zoo model give the same bytes as starting from
 * the zoo, and a model whose output width does not fit a setting is refused
 * with the field and the setting named, before any training.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleOf } from '../../../src/ml/models/handle.js';
import { saveModelToDisk } from '../../../src/ml/models/save.js';
import { buildModel } from '../../../src/ml/models/zoo.js';
import { initBackend } from '../../../src/ml/runtime.js';
import { tableToCsv } from '../../../src/results/csv.js';
import { prepareScenario, runPrepared } from '../../../src/run.js';
import { expectInputErrorAsync } from '../../helpers/input-error.js';

// 4 features; tasks a {0,1}, b {2,3}, c {4,5} (see workload.test.ts).
const TASKS_CSV = join(__dirname, '../../fixtures/learn/three-tasks.csv');
const SEED = 1;

function scenarioFile(dir: string, model: Record<string, unknown>, settings: string[]): string {
  const file = join(
    dir,
    `scenario-${settings.join('-')}-${Object.values(model).join('')}.yaml`.replaceAll('/', '_'),
  );
  const scenario = {
    name: 'learn-model-file',
    seed: SEED,
    fleet: [{ name: 'pis', profile: 'raspberry-pi-4', count: 1, network: { technology: 'wifi5' } }],
    learn: {
      tasks: { kind: 'csv', file: TASKS_CSV, taskColumn: 'task' },
      model,
      settings,
      methods: ['finetune', { method: 'lwf', alpha: 0.5 }],
      local: { optimizer: 'sgd', learningRate: 0.1, epochs: 1, batchSize: 8 },
      horizon: '1 h',
    },
  };
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}

async function matrixCsv(file: string): Promise<string> {
  const { prepared } = prepareScenario(file);
  return tableToCsv((await runPrepared(prepared, SEED)).tables.matrix!);
}

describe('learn.model.file', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'edgesim-learn-model-'));
    // What the zoo builds for class-incremental learning of the CSV stream (6 classes).
    const six = buildModel('logistic', { inputShape: [4], numClasses: 6, seed: SEED });
    await saveModelToDisk(handleOf(six), join(dir, 'six'));
    const three = buildModel('logistic', { inputShape: [4], numClasses: 3, seed: SEED });
    await saveModelToDisk(handleOf(three), join(dir, 'three'));
  });

  it('starts from the file exactly as from the zoo model with the same weights', async () => {
    const fromFile = await matrixCsv(
      scenarioFile(dir, { file: join(dir, 'six', 'model.json') }, ['class-incremental']),
    );
    const fromZoo = await matrixCsv(scenarioFile(dir, { zoo: 'logistic' }, ['class-incremental']));
    expect(fromFile).toBe(fromZoo);
    expect(fromFile.split('\n').length).toBeGreaterThan(9); // 2 methods x 3 x 3 cells
  });

  it('refuses a model whose outputs do not fit a setting, naming the setting', async () => {
    const error = await expectInputErrorAsync(async () =>
      matrixCsv(
        scenarioFile(dir, { file: join(dir, 'three', 'model.json') }, ['class-incremental']),
      ),
    );
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.path).toBe('learn.model.file');
    expect(error.problems[0]!.message).toMatch(/class-incremental/);
  });

  it('refuses the 6-unit model for domain-incremental learning, which needs 2 units', async () => {
    const error = await expectInputErrorAsync(async () =>
      matrixCsv(
        scenarioFile(dir, { file: join(dir, 'six', 'model.json') }, ['domain-incremental']),
      ),
    );
    expect(error.problems[0]!.path).toBe('learn.model.file');
    expect(error.problems[0]!.message).toMatch(/domain-incremental/);
  });
});
