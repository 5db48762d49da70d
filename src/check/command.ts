/**
 * The commands `edgesim check` and `edgesim compare` as library calls: run
 * or compare, write the JUnit file when asked, and return what to print
 * (the table, or the JSON report) with the exit code (0 pass, 1 fail; bad
 * input throws an InputError or UsageError, exit 2).
 */
import { writeAtomically } from '../sweep/run-sweep.js';
import { type CompareFailOn, type CompareOptions, compareDirs } from './compare.js';
import { type CheckFailOn, checkReport } from './judge.js';
import { checkJunit, checkTable, compareJunit, compareTable } from './output.js';
import { type CheckOptions, runCheckFile } from './run-check.js';

/** How a command reports: JSON on stdout or a table; a JUnit file; colour in the table. */
export interface CommandReportOptions {
  json?: boolean;
  junit?: string;
  colour?: boolean;
}

/** What a command prints on stdout, and its exit code. */
export interface CommandOutcome {
  text: string;
  exitCode: 0 | 1;
}

/** `edgesim check`: see run-check.ts. */
export async function checkCommand(
  file: string,
  options: CheckOptions & CommandReportOptions & { failOn?: CheckFailOn },
): Promise<CommandOutcome> {
  const failOn = options.failOn ?? 'violated';
  const report = checkReport(await runCheckFile(file, options), failOn);
  if (options.junit !== undefined)
    writeAtomically(options.junit, checkJunit(report, failOn === 'inconclusive'));
  const text = options.json
    ? JSON.stringify(report, null, 2)
    : checkTable(report, options.colour === true);
  return { text, exitCode: report.outcome === 'pass' ? 0 : 1 };
}

/** `edgesim compare`: see compare.ts. */
export function compareCommand(
  baseline: string,
  candidate: string,
  options: CompareOptions & CommandReportOptions & { failOn?: CompareFailOn; all?: boolean },
): CommandOutcome {
  const report = compareDirs(baseline, candidate, options);
  if (options.junit !== undefined)
    writeAtomically(options.junit, compareJunit(report, options.failOn === 'changed'));
  const text = options.json
    ? JSON.stringify(report, null, 2)
    : compareTable(report, options.colour === true, options.all === true);
  return { text, exitCode: report.outcome === 'pass' ? 0 : 1 };
}
