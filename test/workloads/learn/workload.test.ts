/**
 * The learn workload through the path the CLI takes (`edgesim run`:
 * prepareScenario, then runPrepared; tables written by tableToCsv): the
 * tables and their columns, repeatability, and input refused with the file
 * and the field.
 *
 * The runs learn test/fixtures/learn/three-tasks.csv: 120 rows of 4
 * features, tasks a {0, 1}, b {2, 3}, c {4, 5} of 40 rows each (20 per
 * class); class c is centred on the c-th of the points (3,0,0,0),
 * (0,3,0,0), (0,0,3,0), (0,0,0,3), (3,3,0,0), (0,0,3,3), with normal noise
 * of sd 0.5 (Python's random.seed(21), rounded to 3 decimals). A logistic
 * model learns each task for 1 epoch, so a run takes well under a second.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableToCsv } from '../../../src/results/csv.js';
import type { Table, TableValue } from '../../../src/results/table.js';
import { prepareScenario, runPrepared } from '../../../src/run.js';
import { expectInputError, expectInputErrorAsync } from '../../helpers/input-error.js';

const TASKS_CSV = join(__dirname, '../../fixtures/learn/three-tasks.csv');

const PIS = [
  { name: 'pis', profile: 'raspberry-pi-4', count: 3, network: { technology: 'wifi5' } },
];

const CSV_LEARN = {
  tasks: { kind: 'csv', file: TASKS_CSV, taskColumn: 'task' },
  model: { zoo: 'logistic' },
  settings: ['task-incremental', 'class-incremental'],
  methods: ['finetune', { method: 'replay', buffer: 20 }],
  local: { optimizer: 'sgd', learningRate: 0.1, epochs: 1, batchSize: 8 },
  every: '1 h',
  horizon: '1 h',
};

/** Writes a learn scenario (as JSON, which YAML reads) to a fresh temporary file; its path. */
function scenarioFile(fields: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-learn-')), 'scenario.yaml');
  const scenario = { name: 'learn-test', seed: 1, fleet: PIS, learn: CSV_LEARN, ...fields };
  writeFileSync(file, JSON.stringify(scenario, null, 2));
  return file;
}

/** Validates, resolves and runs `file` as `edgesim run` does; its tables. */
async function runFile(file: string, seed = 1): Promise<Record<string, Table>> {
  const { prepared } = prepareScenario(file);
  expect(prepared.kind).toBe('learn');
  return (await runPrepared(prepared, seed)).tables;
}

function records(table: Table): Record<string, TableValue>[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]!])));
}

const csvOf = (tables: Record<string, Table>) =>
  Object.fromEntries(Object.entries(tables).map(([name, t]) => [name, tableToCsv(t)]));

describe('a learn run', () => {
  const file = scenarioFile({});
  let first: Record<string, Table>;
  beforeAll(async () => {
    first = await runFile(file);
  }, 60_000);

  it('writes matrix, tasks, groups and summary with the documented columns', () => {
    expect(Object.keys(first).sort()).toEqual(['groups', 'matrix', 'summary', 'tasks']);
    expect(first.matrix!.columns).toEqual(['method', 'setting', 'after_task', 'task', 'accuracy']);
    // 2 methods x 2 settings x 3 x 3 accuracies.
    expect(first.matrix!.rows).toHaveLength(2 * 2 * 9);
    expect(first.tasks!.columns).toEqual([
      'method',
      'setting',
      'task',
      'name',
      'on_device',
      'samples',
      'steps',
      'flops',
      'memory_bytes',
      'loss',
      'accuracy',
      'average_accuracy',
      'pis_compute_s',
      'pis_energy_j',
      'pis_learned',
    ]);
    expect(first.tasks!.rows).toHaveLength(2 * 2 * 3);
    expect(first.groups!.columns).toEqual([
      'method',
      'setting',
      'group',
      'profile',
      'devices',
      'memory_bytes',
      'memory_capacity_bytes',
      'learned_fraction',
      'compute_s',
      'compute_j',
      'idle_j',
      'radio_j',
      'energy_j',
      'restarts',
      'battery_empty_devices',
    ]);
    expect(first.groups!.rows).toHaveLength(2 * 2);
    const summary = first.summary!.columns;
    expect(summary.slice(0, 3)).toEqual(['stream', 'tasks', 'devices']);
    for (const key of ['finetune_task', 'finetune_class', 'replay_task', 'replay_class'])
      for (const metric of ['acc', 'forgetting', 'bwt', 'fwt', 'energy_j', 'learned'])
        expect(summary).toContain(`${key}_${metric}`);
  });

  it('names the tasks by the task column and counts the devices', () => {
    const tasks = records(first.tasks!).filter((r) => r.method === 'finetune');
    expect(tasks.map((r) => r.name)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    const [summary] = records(first.summary!);
    expect(summary!.tasks).toBe(3);
    expect(summary!.devices).toBe(3);
  });

  it('charges each task the FLOPs, memory, time and energy worked out by hand', () => {
    // Logistic on 4 features and 6 classes: 4 x 6 + 6 = 30 parameters, 2 x 4 x 6 = 48
    // forward FLOPs per sample; 16 of each class's 20 rows train, so 32 per task, 4 steps of 8.
    // finetune: 3 x 48 x 32 = 4,608 FLOPs; memory 4 x 30 (model) + 4 x 30 (gradients)
    // + 2 x 8 x (4 + 6) x 4 (activations) = 880 B. replay adds as many buffer draws
    // as the task has (64 samples, 8 steps, 9,216 FLOPs) and its 20-sample buffer,
    // 20 x (4 x 4 + 4) = 400 B (memory.ts, learner.ts).
    const rows = records(first.tasks!).filter((r) => r.setting === 'class-incremental');
    const expected = [
      ['finetune', 0, 32, 4, 4608, 880],
      ['finetune', 2, 32, 4, 4608, 880],
      ['replay', 0, 32, 4, 4608, 1280],
      ['replay', 2, 64, 8, 9216, 1280],
    ] as const;
    for (const [method, task, samples, steps, flops, memory] of expected) {
      const row = rows.find((r) => r.method === method && r.task === task)!;
      expect([row.samples, row.steps, row.flops, row.memory_bytes]).toEqual([
        samples,
        steps,
        flops,
        memory,
      ]);
      expect(row.pis_compute_s).toBeCloseTo(flops / 28.98e9, 20); // raspberry-pi-4.json fp32
      expect(row.pis_energy_j).toBeCloseTo((5 * flops) / 28.98e9, 20); // x 5.0 W active
      expect(row.pis_learned).toBe(3);
    }
    // Per device: 3 finetune tasks of 4,608 FLOPs busy, the rest of 2 h + 1 h horizon idle
    // at 1.6 W; the wifi5 radio idles at 0.02 W throughout (radio-models.ts).
    const group = records(first.groups!).find(
      (r) => r.method === 'finetune' && r.setting === 'class-incremental',
    )!;
    const busyS = (3 * 4608) / 28.98e9;
    // Busy time is measured on the simulation clock, whose steps near 7,200 s are ~1e-12 s.
    expect(Math.abs((group.compute_s as number) - busyS)).toBeLessThan(1e-11);
    expect(group.idle_j).toBeCloseTo((10_800 - busyS) * 1.6, 6);
    expect(group.radio_j).toBeCloseTo(0.02 * 10_800, 9);
    expect(group.learned_fraction).toBe(1);
    expect(group.restarts).toBe(0);
    expect(group.memory_bytes).toBe(880);
    expect(group.memory_capacity_bytes).toBe(8e9);
  });

  it('reports as <method>_class_acc the mean of the last row of that method’s class-incremental matrix', () => {
    const [summary] = records(first.summary!);
    for (const method of ['finetune', 'replay']) {
      const last = records(first.matrix!).filter(
        (r) => r.method === method && r.setting === 'class-incremental' && r.after_task === 2,
      );
      expect(last).toHaveLength(3);
      const mean = last.reduce((s, r) => s + (r.accuracy as number), 0) / 3;
      expect(summary![`${method}_class_acc`]).toBeCloseTo(mean, 12);
    }
  });

  it('gives byte-identical CSVs when run again with the same seed', async () => {
    const again = await runFile(file);
    expect(csvOf(again)).toEqual(csvOf(first));
  }, 60_000);

  it('changes the accuracy matrix with another seed', async () => {
    const other = await runFile(file, 2);
    expect(tableToCsv(other.matrix!)).not.toBe(tableToCsv(first.matrix!));
  }, 60_000);
});

describe('learn input is refused with the file and the field', () => {
  function problemsOf(fields: Record<string, unknown>) {
    const file = scenarioFile(fields);
    const error = expectInputError(() => prepareScenario(file));
    expect(error.file).toBe(file);
    expect(error.message).toContain(file);
    return error.problems;
  }
  const learn = (fields: Record<string, unknown>) => ({ learn: { ...CSV_LEARN, ...fields } });

  it('split-mnist groups that miss digits, naming them', () => {
    const groups = [
      [0, 1],
      [2, 3],
      [4, 5, 6],
    ];
    const [problem, ...rest] = problemsOf(learn({ tasks: { kind: 'split-mnist', groups } }));
    expect(rest).toEqual([]);
    expect(problem!.path).toBe('learn.tasks.groups');
    expect(problem!.message).toMatch(/do not cover digit\(s\) 7, 8, 9/);
  });

  it('a negative EWC lambda', () => {
    const methods = ['finetune', { method: 'ewc', lambda: -1 }];
    const [problem] = problemsOf(learn({ methods }));
    expect(problem!.path).toBe('learn.methods[1].lambda');
    expect(problem!.value).toBe(-1);
    expect(problem!.message).toMatch(/>=0/);
  });

  it('when: charging on a battery group with no charging window', () => {
    const fleet = [
      ...PIS,
      {
        name: 'nodes',
        profile: 'esp32-s3',
        count: 2,
        network: { technology: 'wifi5' },
        battery: {},
      },
    ];
    // The mains-powered Pis learn as tasks arrive; the battery group would never learn.
    const [problem, ...rest] = problemsOf({ fleet, ...learn({ when: 'charging' }) });
    expect(rest).toEqual([]);
    expect(problem!.path).toBe('fleet[1].battery.charging');
    expect(problem!.message).toMatch(/learn.when is charging .* no charging window/);
  });

  it('accepts when: charging on a mains-powered group', () => {
    const { prepared } = prepareScenario(scenarioFile(learn({ when: 'charging' })));
    expect(prepared.kind).toBe('learn');
  });

  it('two methods of the same name', () => {
    const methods = ['finetune', { method: 'finetune', layers: 'last' }];
    const [problem] = problemsOf(learn({ methods }));
    expect(problem!.path).toBe('learn.methods[1].name');
    expect(problem!.message).toMatch(/duplicate name "finetune"/);
  });

  it('a replay buffer the device cannot hold, when the run starts', async () => {
    // Split MNIST with the logistic model on an STM32H7 (1 MB: hardware-profiles/stm32h7.json).
    // The buffer alone holds 2000 x (784 x 4 + 4) bytes = 6.280 MB (memory.ts).
    const file = scenarioFile({
      fleet: [{ name: 'mcus', profile: 'stm32h7', count: 1, network: { technology: 'ethernet' } }],
      learn: {
        tasks: 'split-mnist',
        model: { zoo: 'logistic' },
        settings: ['class-incremental'],
        methods: ['finetune', { method: 'replay', buffer: 2000 }],
        local: { epochs: 1, batchSize: 64 },
      },
    });
    const { prepared } = prepareScenario(file);
    const error = await expectInputErrorAsync(() => runPrepared(prepared, 1));
    expect(error.file).toBe(file);
    expect(error.problems).toHaveLength(1);
    const [problem] = error.problems;
    expect(problem!.path).toBe('learn.methods[1]');
    expect(problem!.message).toMatch(
      /^replay needs \d+\.\d{3} MB to learn on stm32h7 \(fleet\[0\], mcus\), which has 1\.000 MB/,
    );
    expect(problem!.message).toContain('replay 6.280 MB');
  }, 60_000);
});
