import type { Command } from 'commander';
import { forTerminal } from '../terminal.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check scenario files (and their sweeps) as run and sweep would, without running')
    .argument('<scenario...>', 'scenario files (YAML or JSON)')
    .action(async (files: string[]) => {
      const { validateFile } = await import('../api/validate.js');
      for (const file of files) {
        const { name, hash, sweep } = validateFile(file);
        const runs =
          sweep === undefined
            ? ''
            : `; its sweep expands to ${plural(sweep.runs, 'run')} (${plural(sweep.points, 'point')} x ${plural(sweep.replications, 'replication')})`;
        console.log(
          `${forTerminal(file)}: valid (scenario "${forTerminal(name)}", sha256 ${hash.slice(0, 12)})${runs}`,
        );
      }
    });
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
