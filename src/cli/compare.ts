import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { forTerminal } from '../terminal.js';
import { useColour } from './check.js';
import { parseFraction } from './options.js';

function parseFailOn(value: string): 'regressed' | 'changed' {
  if (value === 'regressed' || value === 'changed') return value;
  throw new UsageError(`--fail-on: expected regressed or changed, got "${value}"`);
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare two run or sweep directories metric by metric (exit 1 on a regression)')
    .argument('<baseline>', 'result directory of a run or sweep')
    .argument('<candidate>', 'result directory of a run or sweep')
    .option('--metrics <list>', 'compare only these summary columns (comma-separated)', (v) =>
      v.split(',').map((m) => m.trim()),
    )
    .option(
      '--confidence <p>',
      'family-wise confidence (default 95%)',
      parseFraction('--confidence', 0.5, 1),
    )
    .option(
      '--noise <p>',
      'relative changes within this are the same (default 1%)',
      parseFraction('--noise', 0, 1),
    )
    .option(
      '--fail-on <verdict>',
      'regressed (default): fail only on regressions; changed: also on changes without a direction',
      parseFailOn,
    )
    .option('--all', 'list every metric, the unchanged ones too')
    .option('--json', 'print the report as JSON (schema edgesim-compare/1, see docs/ci.md)')
    .option('--junit <file>', 'write a JUnit XML report (one test case per metric)')
    .action(async (baseline: string, candidate: string, options) => {
      const { compareCommand } = await import('../api/check.js');
      const outcome = compareCommand(baseline, candidate, { ...options, colour: useColour() });
      console.log(options.json ? outcome.text : forTerminal(outcome.text));
      process.exitCode = outcome.exitCode;
    });
}
