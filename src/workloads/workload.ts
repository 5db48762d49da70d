/**
 * A workload: what a fleet does in a run (serve inference requests, compress
 * a model, train one federatedly). Each is a folder of src/workloads/ whose
 * index.ts exports one `Workload`, registered in registry.ts; the scenario
 * schema is assembled from the registered workloads (workloads/scenario.ts),
 * and a run dispatches through the registry (src/run.ts).
 *
 * A workload imports nothing above its layer: it returns its tables and, for
 * a report, chart requests as data (vocabulary/workload-report.ts); report/
 * draws them. Workloads that need TensorFlow.js load it inside `run` (a
 * dynamic import), so a fleet run never pays for it.
 */
import type { z } from 'zod';
import type { ProfileLibrary } from '../fleet/profiles.js';
import type { ProgressReporter } from '../progress.js';
import type { Table } from '../results/table.js';
import type { RunResult, RunTables } from '../vocabulary/run-result.js';
import type { WorkloadReport } from '../vocabulary/workload-report.js';

/** A workload's part of the scenario format. */
export interface WorkloadSchema<Fields extends z.ZodRawShape = z.ZodRawShape> {
  /**
   * The top-level field that marks a file as this kind (`compress`), or null
   * for the default kind (a file with no other kind's marker).
   */
  readonly marker: string | null;
  /** The workload's top-level fields, beside the header every scenario has (name, seed, ...). */
  readonly fields: Fields;
  /** Checks across fields (names unique across lists), run once the fields are valid. */
  readonly check?: (scenario: z.output<z.ZodObject<Fields>>, ctx: z.RefinementCtx) => void;
}

/**
 * One kind of run. `Scenario` is the validated scenario it reads (header and
 * its fields), `Resolved` what `resolve` makes of it.
 */
export interface Workload<
  Fields extends z.ZodRawShape = z.ZodRawShape,
  Scenario = unknown,
  Resolved = unknown,
> {
  /** The kind's name, as results and messages say it (`inference`). */
  readonly name: string;
  readonly schema: WorkloadSchema<Fields>;
  /**
   * Reads what the scenario names (profiles, cards, data and trace files);
   * throws an InputError naming `file` and listing every problem.
   */
  resolve(scenario: Scenario, file: string, library: ProfileLibrary): Resolved;
  /**
   * Runs with a seed: a pure function of (resolved, seed), and for ML runs of
   * the TF.js backend, which the result names. `progress` hears how far it got.
   */
  run(resolved: Resolved, seed: number, progress: ProgressReporter): Promise<RunResult>;
  /** The charts of the run's report, from its tables; absent or null: no report. */
  report?(resolved: Resolved, tables: RunTables): WorkloadReport | null;
  /**
   * The run's curve, which a sweep keeps beside its summary and charts
   * across configurations (`curves.csv`): numeric columns, `time_s` and
   * `accuracy` among them, a few hundred rows at most; absent or null: none.
   */
  curve?(tables: RunTables): Table | null;
}
