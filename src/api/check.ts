/**
 * Entry point of `edgesim check` and `edgesim compare`: the part of the
 * public API (src/index.ts) they need, loaded by the CLI only when one runs.
 */

export type { CommandOutcome, CommandReportOptions } from '../check/command.js';
export { checkCommand, compareCommand } from '../check/command.js';
export type { CompareFailOn, CompareOptions } from '../check/compare.js';
export { compareDirs } from '../check/compare.js';
export type { CheckResult } from '../check/judge.js';
export type {
  CheckReport,
  CompareReport,
  ExpectationResult,
  MetricComparison,
} from '../check/report-schema.js';
export {
  checkReportJsonSchema,
  checkReportSchema,
  compareReportJsonSchema,
  compareReportSchema,
} from '../check/report-schema.js';
export type { CheckedExpectations, CheckOptions } from '../check/run-check.js';
export { checkExpectations, runCheckFile } from '../check/run-check.js';
