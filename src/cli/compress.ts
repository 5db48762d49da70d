import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { withTerminalProgress } from '../progress.js';
import { parseSeed } from './options.js';
import { printOutcome } from './run.js';

export function registerCompress(program: Command): void {
  program
    .command('compress')
    .description(
      'train a model, apply compression pipelines, and measure every variant (accuracy, encoded bytes, FLOPs, latency and energy per hardware profile)',
    )
    .argument('<scenario>', 'scenario file with a compress: section')
    .option('--seed <n>', "base seed (overrides the scenario's)", parseSeed)
    .option('--out <dir>', 'output directory (default: results/<scenario name>)')
    .option('--force', 'run even when the estimated events or memory pass the limits')
    .option(
      '--force-replace',
      "write into --out even if it holds files edgesim did not write (they are kept; edgesim's own are replaced)",
    )
    .action(
      async (
        file: string,
        options: { seed?: number; out?: string; forceReplace?: boolean; force?: boolean },
      ) => {
        const { isCompressScenario, loadScenario, runScenarioFile } = await import('../api/run.js');
        if (!isCompressScenario(loadScenario(file).scenario))
          throw new UsageError(`${file} has no compress: section; run it with 'edgesim run'`);
        printOutcome(
          await withTerminalProgress('compress', (progress) =>
            runScenarioFile(file, { ...options, progress }),
          ),
        );
      },
    );
}
