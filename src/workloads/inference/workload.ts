/**
 * The inference workload: devices of a fleet send requests that run on the
 * device, an edge server or the cloud. Needs no ML runtime: its run is
 * synchronous underneath (see {@link runInferenceTables}).
 */
import type { ProgressReporter } from '../../progress.js';
import type { Table } from '../../results/table.js';
import type { RunTables } from '../../vocabulary/run-result.js';
import type { Workload } from '../workload.js';
import { type ResolvedInference, resolveInference } from './resolve.js';
import { runInference } from './run.js';
import { checkInferenceScenario, type InferenceScenario, inferenceFields } from './scenario.js';

/** Runs a resolved inference scenario with a seed, synchronously; its tables by file stem. */
export function runInferenceTables(
  resolved: ResolvedInference,
  seed: number,
  progress?: ProgressReporter,
): RunTables {
  const tables: Record<string, Table> = {};
  for (const [name, table] of Object.entries(runInference(resolved, seed, progress))) {
    if (table !== undefined) tables[name] = table;
  }
  return tables;
}

export const inferenceWorkload: Workload<
  typeof inferenceFields,
  InferenceScenario,
  ResolvedInference
> = {
  name: 'inference',
  // The default kind: a file with no other kind's section is an inference scenario.
  schema: { marker: null, fields: inferenceFields, check: checkInferenceScenario },
  resolve: resolveInference,
  run: async (resolved, seed, progress) => ({
    tables: runInferenceTables(resolved, seed, progress),
    backend: null,
  }),
};
