import type { Command } from 'commander';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editor completion and checks)')
    .action(async () => {
      const { scenarioJsonSchema } = await import('../api/schema.js');
      console.log(JSON.stringify(scenarioJsonSchema(), null, 2));
    });
}
