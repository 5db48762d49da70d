import type { Command } from 'commander';
import { scenarioJsonSchema } from '../index.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editor completion and checks)')
    .action(() => {
      console.log(JSON.stringify(scenarioJsonSchema(), null, 2));
    });
}
