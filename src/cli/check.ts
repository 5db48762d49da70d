import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { forTerminal } from '../terminal.js';
import { parseSeed } from './options.js';

function parseWorkers(value: string): number {
  const workers = Number(value);
  if (!/^\d+$/.test(value) || workers < 1)
    throw new UsageError(`--workers: expected an integer >= 1, got "${value}"`);
  return workers;
}

function parseFailOn(value: string): 'violated' | 'inconclusive' {
  if (value === 'violated' || value === 'inconclusive') return value;
  throw new UsageError(`--fail-on: expected violated or inconclusive, got "${value}"`);
}

/** Colour in tables only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function useColour(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      "run a scenario's replications and judge its expectations on confidence intervals (exit 1 on a violation)",
    )
    .argument('<scenario>', 'scenario file (with an expect: block, or give --expect)')
    .option('--expect <file>', "expectations file (default: the scenario's expect: block)")
    .option(
      '--fail-on <verdict>',
      'violated (default): fail only on violations; inconclusive: also on inconclusive ones',
      parseFailOn,
    )
    .option('--json', 'print the report as JSON (schema edgesim-check/1, see docs/ci.md)')
    .option('--junit <file>', 'write a JUnit XML report (one test case per expectation)')
    .option('--seed <n>', 'base seed (overrides the scenario)', parseSeed)
    .option('--out <dir>', 'where the runs are cached (default: results/<scenario name>-check)')
    .option('--workers <n>', 'threads running the runs (default: number of cores)', parseWorkers)
    .option('--force', 'run past the events or memory limits, and more workers than cores')
    .option('--force-replace', 'write into --out even if it holds files edgesim did not write')
    .action(async (file: string, options) => {
      const { checkCommand } = await import('../api/check.js');
      const outcome = await checkCommand(file, { ...options, colour: useColour() });
      console.log(options.json ? outcome.text : forTerminal(outcome.text));
      process.exitCode = outcome.exitCode;
    });
}
