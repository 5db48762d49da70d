/**
 * Entry point of `edgesim bench`: the part of the public API it needs,
 * loaded by the CLI only when it runs.
 */

export type { BenchOptions } from '../perf/command.js';
export { benchCommand, benchJunit, benchTable } from '../perf/command.js';
export type { Benchmark, BenchReport, Comparison, Verdict } from '../perf/report.js';
export { benchReportJsonSchema, benchReportSchema } from '../perf/report.js';
