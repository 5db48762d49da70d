import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SweepPool } from '../../src/sweep/pool.js';
import type { RunReport, RunTask } from '../../src/sweep/task.js';
import type { ValidatedScenario } from '../../src/workloads/scenario.js';

/** Task 2 ends its worker's thread, task 4 throws out of it, the others succeed. */
const crashing = resolve('test/fixtures/sweeps/crashing-worker.mjs');

/** Tasks the stand-in worker tells apart by index alone. */
function tasks(count: number): RunTask[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    seed: 1,
    key: `key-${index}`,
    runsDir: '',
    run: { scenario: {} as ValidatedScenario, file: '' },
  }));
}

async function runOnWorkers(script: string, workers: number, count: number): Promise<RunReport[]> {
  const pool = new SweepPool(workers, false, script);
  const reports: RunReport[] = [];
  try {
    await pool.run(tasks(count), (report) => reports.push(report));
  } finally {
    await pool.close();
  }
  return reports.sort((a, b) => a.index - b.index);
}

describe('sweep pool', () => {
  it('a worker that exits fails only the task it was running; the others finish', async () => {
    const reports = await runOnWorkers(crashing, 2, 4);
    expect(reports.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(reports.filter((r) => !r.ok)).toEqual([
      { index: 2, ok: false, error: 'worker exited unexpectedly' },
    ]);
  });

  it('a worker that dies is replaced, and each death fails one task with its reason', async () => {
    const reports = await runOnWorkers(crashing, 1, 8);
    expect(reports.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(reports.filter((r) => !r.ok)).toEqual([
      { index: 2, ok: false, error: 'worker exited unexpectedly' },
      { index: 4, ok: false, error: 'worker crashed: boom' },
    ]);
  });

  it('when no worker can start, every task fails with the reason instead of waiting forever', async () => {
    const reports = await runOnWorkers(resolve('test/fixtures/sweeps/missing.mjs'), 2, 3);
    expect(reports.map((r) => r.index)).toEqual([0, 1, 2]);
    for (const report of reports) {
      expect(report).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^worker crashed: /),
      });
    }
  });
});
