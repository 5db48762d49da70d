import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { withTerminalProgress } from '../progress.js';
import { forTerminal } from '../terminal.js';
import { useColour } from './check.js';
import { parseCount, parseFraction, parseSeed } from './options.js';

function parseMeasure(value: string): 'cpu' | 'wall' {
  if (value === 'cpu' || value === 'wall') return value;
  throw new UsageError(`--measure: expected cpu or wall, got "${value}"`);
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'time scenarios in fresh processes, against a saved baseline or another build (exit 1 on a slowdown)',
    )
    .argument('[scenario...]', 'scenario files to time')
    .option('--runs <n>', 'timed runs of each scenario (default 10)', parseCount('--runs', 1))
    .option('--warmup <n>', 'runs discarded first (default 1)', parseCount('--warmup', 0))
    .option('--seed <n>', "seed of every run (default: each scenario's)", parseSeed)
    .option(
      '--measure <m>',
      'cpu (default): CPU seconds of the run, all threads; wall: its wall seconds',
      parseMeasure,
    )
    .option('--save <file>', 'write the report (timings included) as a baseline for --baseline')
    .option('--baseline <file>', 'compare with a report saved by --save (or printed by --json)')
    .option(
      '--against <dir>',
      'compare with another edgesim build (a checkout after npm ci), its runs alternating with these',
    )
    .option(
      '--fail-if-slower <p>',
      'exit 1 when a scenario is this much slower (such as 20%) beyond the noise',
      parseFraction('--fail-if-slower', 0, 10),
    )
    .option(
      '--confidence <p>',
      'family-wise confidence of the intervals (default 95%)',
      parseFraction('--confidence', 0.5, 1),
    )
    .option(
      '--noise <p>',
      'ratios within this of 1 are the same (default 2%)',
      parseFraction('--noise', 0, 1),
    )
    .option('--suite <names>', 'run built-in suites instead (comma-separated; see npm run bench)')
    .option('--json', 'print the report as JSON (schema edgesim-bench/1, see docs/ci.md)')
    .option('--junit <file>', 'write a JUnit XML report (one test case per scenario)')
    .action(async (files: string[], options) => {
      if (options.suite !== undefined) {
        if (files.length > 0) throw new UsageError('give scenario files or --suite, not both');
        const scenarioOnly = ['save', 'baseline', 'against', 'failIfSlower', 'junit', 'runs'];
        const given = scenarioOnly.filter((o) => options[o] !== undefined);
        if (given.length > 0)
          throw new UsageError(
            `--suite runs the built-in suites, which take only --json; ${given.map((o) => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} apply to scenario files`,
          );
        process.exitCode = runSuites(String(options.suite), options.json === true);
        return;
      }
      if (files.length === 0)
        throw new UsageError('bench: give at least one scenario file, or --suite <names>');
      const { benchCommand } = await import('../api/bench.js');
      const outcome = await withTerminalProgress('bench', (progress) =>
        benchCommand(files, { ...options, colour: useColour(), progress }),
      );
      console.log(options.json ? outcome.text : forTerminal(outcome.text));
      process.exitCode = outcome.exitCode;
    });
}

/**
 * The built-in suites (`npm run bench`), in a child process: they are
 * benchmarks of the public API, which the CLI does not load.
 */
function runSuites(names: string, json: boolean): number {
  const main = fileURLToPath(new URL('../bench/main.js', import.meta.url));
  const args = names
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', main, ...args, ...(json ? ['--json'] : [])],
    { stdio: 'inherit' },
  );
  return child.status ?? 1;
}
