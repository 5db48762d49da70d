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

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description(
      "search a scenario's plan: block for the best configuration meeting its constraints (resumable)",
    )
    .argument('<scenario>', 'scenario file with a plan: block')
    .option('--seed <n>', 'base seed (overrides the scenario)', parseSeed)
    .option('--out <dir>', 'output directory (default: results/<scenario name>-plan)')
    .option(
      '--workers <n>',
      'threads running the runs, this one included (default: number of cores)',
      parseWorkers,
    )
    .option(
      '--force',
      'run configurations past the events or memory limits, and more workers than cores',
    )
    .option(
      '--force-replace',
      "write into --out even if it holds files edgesim did not write (they are kept; edgesim's own are replaced)",
    )
    .action(async (file: string, options) => {
      const { runPlanFile } = await import('../api/plan.js');
      const outcome = await runPlanFile(file, options);
      const chosen = Object.entries(outcome.chosen?.values ?? {})
        .map(([path, value]) => `${path} = ${JSON.stringify(value)}`)
        .join(', ');
      const binding = outcome.chosen?.binding;
      console.log(
        forTerminal(
          [
            `edgesim: chose ${chosen}`,
            binding
              ? `  binding: ${binding.metric} ${binding.op} ${binding.bound} (mean ${binding.mean})`
              : '',
            `  ${outcome.evaluated} of ${outcome.gridConfigurations} configurations evaluated, ${outcome.runs} runs (${outcome.cached} cached); wrote ${outcome.outDir}/plan.csv and plan.json`,
          ]
            .filter((line) => line !== '')
            .join('\n'),
        ),
      );
    });
}
