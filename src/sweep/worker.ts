import { parentPort } from 'node:worker_threads';
import { ProfileLibrary } from '../fleet/profiles.js';
import { formatCell } from '../results/csv.js';
import { prepareRun, runPrepared } from '../run.js';
import type { ValidatedScenario } from '../scenario/schema.js';
import { writeCachedRun } from './cache.js';

/** What the pool asks a worker to do: run one expanded scenario (already validated) and cache it. */
export interface RunTask {
  index: number;
  file: string;
  scenario: ValidatedScenario;
  seed: number;
  key: string;
  runsDir: string;
}

/** What a worker reports: the run finished (and is cached) with this summary row, or why it failed. */
export type RunReport =
  | { index: number; ok: true; summary: Record<string, string> }
  | { index: number; ok: false; error: string };

/** Profiles are read once per worker, not once per run. */
let library: ProfileLibrary | undefined;

/** Runs one task in this thread; failures are data, not exceptions. */
export async function executeTask(task: RunTask): Promise<RunReport> {
  try {
    library ??= new ProfileLibrary();
    const { tables } = await runPrepared(prepareRun(task.scenario, task.file, library), task.seed);
    const summary = tables.summary!;
    writeCachedRun(task.runsDir, task.key, summary);
    const row = summary.rows[0]!;
    return {
      index: task.index,
      ok: true,
      summary: Object.fromEntries(summary.columns.map((c, i) => [c, formatCell(row[i]!)])),
    };
  } catch (error) {
    return { index: task.index, ok: false, error: (error as Error).message ?? String(error) };
  }
}

parentPort?.on('message', async (task: RunTask) => {
  parentPort!.postMessage(await executeTask(task));
});
