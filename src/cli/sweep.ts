import type { Command } from 'commander';
import { parseShard } from '../api/shard.js';
import { UsageError } from '../errors.js';
import { forTerminal } from '../terminal.js';
import { parseSeed } from './options.js';

function parseWorkers(value: string): number {
  const workers = Number(value);
  if (!/^\d+$/.test(value) || workers < 1)
    throw new UsageError(`--workers: expected an integer >= 1, got "${value}"`);
  return workers;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description(
      "run every point of a scenario's sweep block (resumable; finished runs are cached)",
    )
    .argument('<scenario>', 'scenario file with a sweep: block')
    .option('--seed <n>', 'base seed (overrides the scenario)', parseSeed)
    .option('--out <dir>', 'output directory (default: results/<scenario name>-sweep)')
    .option(
      '--workers <n>',
      'threads running the runs, this one included for fleet sweeps (default: number of cores)',
      parseWorkers,
    )
    .option('--shard <i/N>', 'run only shard i of N (for a cluster job array)', parseShard)
    .option(
      '--force',
      'run points estimated past the events or memory limits, and more workers than cores',
    )
    .option(
      '--force-replace',
      "write into --out even if it holds files edgesim did not write (they are kept; edgesim's own are replaced)",
    )
    .action(async (file: string, options) => {
      const { runSweepFile } = await import('../api/sweep.js');
      const outcome = await runSweepFile(file, options);
      console.log(
        forTerminal(
          `edgesim: ${outcome.runs} runs (${outcome.ran} ran, ${outcome.cached} cached); wrote ${outcome.csvFile}`,
        ),
      );
    });
  program
    .command('merge')
    .description('join the shard CSVs of one sweep into sweep.csv and its report')
    .argument('<shards...>', 'shard CSV files, or directories holding them')
    .requiredOption('--out <dir>', 'output directory')
    .option(
      '--force-replace',
      "write into --out even if it holds files edgesim did not write (they are kept; edgesim's own are replaced)",
    )
    .action(async (inputs: string[], options: { out: string; forceReplace?: boolean }) => {
      const { mergeShards } = await import('../api/sweep.js');
      const { csvFile, runs } = await mergeShards(inputs, options.out, {
        forceReplace: options.forceReplace === true,
      });
      console.log(forTerminal(`edgesim: merged ${runs} runs into ${csvFile}`));
    });
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("render a sweep's report again from its sweep.csv")
    .argument('<dir>', 'a sweep output directory (holding sweep.csv and sweep.json)')
    .action(async (dir: string) => {
      const { renderSweepReport } = await import('../api/sweep.js');
      const files = await renderSweepReport(dir);
      console.log(forTerminal(`edgesim: wrote ${files[0]} and ${files.length - 1} chart files`));
    });
}
