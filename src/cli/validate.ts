import type { Command } from 'commander';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check scenario files without running them')
    .argument('<scenario...>', 'scenario files (YAML or JSON)')
    .action(async (files: string[]) => {
      const { prepareScenario } = await import('../run.js');
      for (const file of files) {
        const { scenario, hash } = prepareScenario(file).loaded;
        console.log(`${file}: valid (scenario "${scenario.name}", sha256 ${hash.slice(0, 12)})`);
      }
    });
}
