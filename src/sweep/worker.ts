import { parentPort } from 'node:worker_threads';
import { runScenario } from '../run.js';
import { validateScenario } from '../scenario/load.js';
import { resolveScenario } from '../workloads/inference/resolve.js';
import { writeCachedRun } from './cache.js';

/** What the pool asks a worker to do: run one expanded scenario and cache it. */
export interface RunTask {
  index: number;
  file: string;
  scenario: unknown;
  seed: number;
  key: string;
  runsDir: string;
}

/** What a worker reports: the run finished (and is cached), or why it failed. */
export type RunReport = { index: number; ok: true } | { index: number; ok: false; error: string };

/** Runs one task in this thread; failures are data, not exceptions. */
export function executeTask(task: RunTask): RunReport {
  try {
    const scenario = validateScenario(task.scenario, task.file);
    const tables = runScenario(resolveScenario(scenario, task.file), task.seed);
    writeCachedRun(task.runsDir, task.key, tables);
    return { index: task.index, ok: true };
  } catch (error) {
    return { index: task.index, ok: false, error: (error as Error).message ?? String(error) };
  }
}

parentPort?.on('message', (task: RunTask) => {
  parentPort!.postMessage(executeTask(task));
});
