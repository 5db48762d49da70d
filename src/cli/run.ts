import type { Command } from 'commander';
import type { RunOutcome } from '../api/run.js';
import { withTerminalProgress } from '../progress.js';
import { formatNumber } from '../results/csv.js';
import { forTerminal } from '../terminal.js';
import { parseEventLimit, parseSeed } from './options.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run one scenario and write its CSVs and manifest.json')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--seed <n>', "base seed (overrides the scenario's)", parseSeed)
    .option('--out <dir>', 'output directory (default: results/<scenario name>)')
    .option('--force', 'run even when the estimated events or memory pass the limits')
    .option(
      '--max-events <n>',
      'refuse a run estimated above n events (default 2e9): bounds how long a run may take',
      parseEventLimit,
    )
    .option(
      '--force-replace',
      "write into --out even if it holds files edgesim did not write (they are kept; edgesim's own are replaced)",
    )
    .action(
      async (
        file: string,
        options: {
          seed?: number;
          out?: string;
          forceReplace?: boolean;
          force?: boolean;
          maxEvents?: number;
        },
      ) => {
        const { runScenarioFile } = await import('../api/run.js');
        printOutcome(
          await withTerminalProgress('run', (progress) =>
            runScenarioFile(file, { ...options, progress }),
          ),
        );
      },
    );
}

/** Prints what a run wrote and its summary row. */
export function printOutcome(outcome: RunOutcome): void {
  const summary = outcome.tables.summary!;
  const written = Object.keys(outcome.tables).map((t) => `${t}.csv`);
  console.log(
    forTerminal(
      `edgesim: wrote ${written.join(', ')} and manifest.json to ${outcome.outDir}/ (seed ${outcome.seed}, ${outcome.wallTimeS.toFixed(2)} s)`,
    ),
  );
  summary.columns.forEach((column, i) => {
    const value = summary.rows[0]![i]!;
    console.log(
      forTerminal(
        `  ${column.padEnd(22)} ${typeof value === 'number' ? formatNumber(value) : String(value)}`,
      ),
    );
  });
}
