#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { EdgesimError } from '../errors.js';
import { forTerminal } from '../terminal.js';
import { VERSION } from '../version.js';
import { registerBench } from './bench.js';
import { registerCalibrate } from './calibrate.js';
import { registerCheck } from './check.js';
import { registerCompare } from './compare.js';
import { registerCompress } from './compress.js';
import { registerPlan } from './plan.js';
import { registerRun } from './run.js';
import { registerSchema } from './schema.js';
import { registerReport, registerSweep } from './sweep.js';
import { registerValidate } from './validate.js';

// A reader that stops early (`edgesim fidelity | head`) closes the pipe: stop
// quietly, as Unix tools do, rather than crash on the next write.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

const program = new Command('edgesim')
  .description('Seeded discrete-event simulator for AI models on fleets of edge devices')
  .version(VERSION, '-V, --version')
  .option('--verbose', 'print stack traces with errors')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    '\nEnvironment:\n  EDGESIM_PROFILES  directories of <name>.json hardware profiles (and their\n                    measurements/<name>.csv) to use beside the built-in ones,\n                    separated as in PATH; a name there replaces a built-in one',
  )
  .exitOverride();

registerRun(program);
registerCompress(program);
registerValidate(program);
registerSweep(program);
registerPlan(program);
registerCheck(program);
registerCompare(program);
registerBench(program);
registerReport(program);
registerSchema(program);
registerCalibrate(program);

try {
  await program.parseAsync(withoutHelpAfterUnknownCommand(process.argv.slice(2)), { from: 'user' });
} catch (error) {
  process.exitCode = report(error, program.opts<{ verbose?: boolean }>().verbose === true);
}

/** Prints an error for a person and returns the exit code. */
function report(error: unknown, verbose: boolean): number {
  if (error instanceof CommanderError) {
    // Commander has printed its message already; help and version exit 0.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof EdgesimError) {
    console.error(`edgesim: ${forTerminal(error.message)}`);
    if (verbose && error.stack) console.error(error.stack);
    return error.exitCode;
  }
  console.error(
    `edgesim: internal error (a bug; please report it): ${forTerminal(String((error as Error).message ?? error))}`,
  );
  console.error((error as Error).stack ?? '');
  return 1;
}

/**
 * Commander answers `edgesim nosuch --help` with the main help and exit 0;
 * without the help flag it reports the unknown command (exit 2). An unknown
 * command is an error either way, so its help flags are dropped.
 */
function withoutHelpAfterUnknownCommand(args: string[]): string[] {
  const name = args.find((arg) => !arg.startsWith('-'));
  if (name === undefined || name === 'help') return args;
  const known = program.commands.some((c) => c.name() === name || c.aliases().includes(name));
  return known ? args : args.filter((arg) => arg !== '--help' && arg !== '-h');
}
