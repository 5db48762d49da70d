import { ProfileLibrary } from '../fleet/profiles.js';
import { formatCell } from '../results/csv.js';
import type { Table } from '../results/table.js';
import { type PreparedRun, prepareRun, runPrepared } from '../run.js';
import { workloadOf } from '../workloads/registry.js';
import type { ValidatedScenario } from '../workloads/scenario.js';
import { writeCachedRun } from './cache.js';

/**
 * One run of a sweep, to run on any of its threads and cache. A fleet run
 * comes prepared (the main thread prepared every run to validate the sweep,
 * and a prepared fleet run is plain data); a compression or federated run is
 * prepared where it runs, since preparing it may load a data set.
 */
export interface RunTask {
  index: number;
  seed: number;
  key: string;
  runsDir: string;
  run: { prepared: PreparedRun } | { scenario: ValidatedScenario; file: string };
}

/**
 * How a task ended: the run finished (and is cached) with this summary row
 * and took `wallS` seconds of wall time to run (for benchmarks; never
 * written to a result), or why it failed.
 */
export type RunReport =
  | {
      index: number;
      ok: true;
      summary: Record<string, string>;
      /** The run's curve as its cached CSV holds it (workload.ts `curve`), if it has one. */
      curve?: Record<string, string>[];
      wallS: number;
    }
  | { index: number; ok: false; error: string };

/** Profiles are read once per thread, and only by threads that prepare runs. */
let library: ProfileLibrary | undefined;

function prepareHere(run: { scenario: ValidatedScenario; file: string }): PreparedRun {
  library ??= new ProfileLibrary();
  return prepareRun(run.scenario, run.file, library);
}

/** Runs one task in this thread and caches its summary; failures are data, not exceptions. */
export async function executeTask(task: RunTask): Promise<RunReport> {
  try {
    const prepared = 'prepared' in task.run ? task.run.prepared : prepareHere(task.run);
    const started = performance.now(); // wall: benchmark only
    const { tables } = await runPrepared(prepared, task.seed);
    const wallS = (performance.now() - started) / 1000; // wall: benchmark only
    const summary = tables.summary!;
    const curve = workloadOf(prepared.kind).curve?.(tables) ?? null;
    writeCachedRun(task.runsDir, task.key, summary, curve);
    const records = (table: Table) =>
      table.rows.map((row) =>
        Object.fromEntries(table.columns.map((c, i) => [c, formatCell(row[i]!)])),
      );
    return {
      index: task.index,
      ok: true,
      summary: records(summary)[0]!,
      ...(curve !== null ? { curve: records(curve) } : {}),
      wallS,
    };
  } catch (error) {
    return { index: task.index, ok: false, error: (error as Error).message ?? String(error) };
  }
}
