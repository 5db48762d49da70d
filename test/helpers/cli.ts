import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built CLI, as the `edgesim` bin runs it (the `dist` test project builds it first). */
export const BIN = resolve('dist/cli/main.js');

/** What a CLI run returned, and the directory it ran in. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  cwd: string;
}

/** Runs the built CLI with `args` in `cwd` (default a fresh temporary directory) and waits for it. */
export function edgesim(
  args: readonly string[],
  cwd = mkdtempSync(join(tmpdir(), 'edgesim-test-')),
  env: NodeJS.ProcessEnv = process.env,
): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, cwd };
}
