/**
 * Output directories that never lose what edgesim did not write.
 *
 * edgesim writes into a directory only when it does not exist, is empty, or
 * holds an earlier edgesim result: a run's `manifest.json`, or a sweep's
 * `.edgesim-out` marker (written when the sweep starts, so an interrupted
 * sweep's directory is still recognised) or `sweep.json`. Anything else is
 * refused unless the user passes `--force-replace`; even then edgesim replaces
 * only the files it writes and leaves every other file alone. Some places are
 * never an output directory: `/`, the home directory, the current directory and
 * its ancestors, and a repository root.
 *
 * A result is published by rename: into place whole when the directory is new,
 * else file by file under a journal (`.edgesim-replace.json`) that the next
 * write rolls forward, so a crash never leaves half a result once that write
 * has run. Temporary directories are siblings named
 * `.edgesim-tmp-<name>-<pid>-<random>` (mkdtemp); those of dead processes are
 * removed by the next write to the same directory.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';

/** The marker a sweep leaves in its output directory before its first run. */
export const OUT_MARKER = '.edgesim-out';
/** The journal of a file-by-file replacement in progress. */
export const JOURNAL = '.edgesim-replace.json';

/** What kind of result a directory holds (written in the marker). */
export type OutputKind = 'run' | 'sweep';

export interface ClaimOptions {
  /** Write even into a directory holding files edgesim did not write (never the protected places). */
  forceReplace?: boolean;
  /** The current directory, for the protected places (default `process.cwd()`). */
  cwd?: string;
}

/** What {@link checkOutputDir} found. */
export type OutputState = 'missing' | 'empty' | 'edgesim' | 'foreign';

/**
 * Checks that `outDir` may receive a result, before any work starts. Throws a
 * UsageError (exit 2) that says why and what to do when it may not; returns
 * the directory's state otherwise.
 */
export function checkOutputDir(
  outDir: string,
  kind: OutputKind,
  options: ClaimOptions = {},
): OutputState {
  const shown = `--out ${outDir}`;
  refuseProtected(outDir, shown, options.cwd ?? process.cwd());
  const link = lstatOrNull(outDir);
  if (link === null) {
    refuseNonDirectoryAncestor(outDir, shown);
    return 'missing';
  }
  if (link.isSymbolicLink() && !existsSync(outDir)) {
    throw new UsageError(`${shown} is a symbolic link to nothing; choose a directory`);
  }
  if (!statSync(outDir).isDirectory()) {
    throw new UsageError(`${shown} is a file, not a directory; choose a directory`);
  }
  const entries = readdirSync(outDir);
  if (entries.length === 0) return 'empty';
  if (holdsEdgesimResult(outDir, kind)) return 'edgesim';
  if (!options.forceReplace) {
    throw new UsageError(
      `${shown} holds files edgesim did not write (${listSome(entries)}); choose another directory, or pass --force-replace to write edgesim's files beside them`,
    );
  }
  const clash = kind === 'sweep' ? entries.filter((e) => SWEEP_ENTRIES.includes(e)) : [];
  if (clash.length > 0) {
    throw new UsageError(
      `${shown} holds ${listSome(clash)}, which a sweep would replace, and edgesim did not write them; choose another directory`,
    );
  }
  return 'foreign';
}

/**
 * Removes the temporary files a killed sweep left in `dir`: those named
 * `.edgesim-tmp-<name>-<pid>-<random>` (sweep.csv, shard files) or
 * `.tmp-<key>-<pid>-<random>` (cache entries) for a process that no longer runs.
 */
function removeDeadWritersTemps(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const writer = /^\.(?:edgesim-)?tmp-.+-(\d+)-[A-Za-z0-9]+$/.exec(entry);
    if (writer && !isAlive(Number(writer[1]))) rmSync(join(dir, entry), { recursive: true, force: true });
  }
}

/** True when process `pid` runs (on this machine). */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What a sweep writes at the top of its directory (its report/ is rewritten whole). */
const SWEEP_ENTRIES = ['runs', 'shards', 'report', 'sweep.csv', 'sweep.json', 'curves.csv'];

/** True when `dir` holds a result an edgesim run or sweep wrote. */
export function holdsEdgesimResult(dir: string, kind: OutputKind): boolean {
  if (kind === 'run') return runManifestOutputs(dir) !== null;
  if (readJson(join(dir, OUT_MARKER))?.kind === 'sweep') return true;
  return typeof readJson(join(dir, 'sweep.json'))?.edgesim === 'string'; // before the marker
}

/** The files a run's `manifest.json` says it wrote (itself included), or null if it is not one. */
export function runManifestOutputs(dir: string): string[] | null {
  const manifest = readJson(join(dir, 'manifest.json'));
  const outputs = manifest?.outputs;
  if (typeof manifest?.edgesim !== 'string' || outputs === null || typeof outputs !== 'object') {
    return null;
  }
  return [...Object.keys(outputs as object), 'manifest.json'];
}

/**
 * Checks a sweep's output directory and marks it as edgesim's before its first
 * run, so that resuming an interrupted sweep finds it accepted.
 */
export function claimSweepDir(outDir: string, options: ClaimOptions = {}): void {
  checkOutputDir(outDir, 'sweep', options);
  mkdirSync(outDir, { recursive: true });
  for (const dir of [outDir, join(outDir, 'runs'), join(outDir, 'shards')]) removeDeadWritersTemps(dir);
  const marker = join(outDir, OUT_MARKER);
  if (!existsSync(marker)) writeFileSync(marker, `${JSON.stringify({ edgesim: true, kind: 'sweep' })}\n`);
}

function refuseProtected(outDir: string, shown: string, cwd: string): void {
  const target = canonical(resolve(cwd, outDir));
  const here = canonical(resolve(cwd));
  const why =
    target === canonical('/')
      ? 'the root directory'
      : target === canonical(homedir())
        ? 'your home directory'
        : target === here
          ? 'the current directory'
          : isAncestor(target, here)
            ? 'an ancestor of the current directory'
            : existsSync(join(target, '.git'))
              ? 'a repository root'
              : null;
  if (why !== null) {
    throw new UsageError(
      `${shown} is ${why}; edgesim never writes results there, even with --force-replace. Choose a directory of its own, such as results/<name>`,
    );
  }
}

/** A path with symbolic links resolved as far as it exists. */
function canonical(path: string): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    rest.unshift(basename(existing));
    existing = dirname(existing);
  }
  return join(realpathSync(existing), ...rest);
}

function isAncestor(ancestor: string, path: string): boolean {
  const rel = relative(ancestor, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
}

function refuseNonDirectoryAncestor(outDir: string, shown: string): void {
  let parent = dirname(resolve(outDir));
  while (lstatOrNull(parent) === null && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) {
    throw new UsageError(`${shown}: ${parent} is a file, not a directory`);
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    if (!statSync(file).isFile()) return null;
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function listSome(entries: readonly string[]): string {
  const shown = [...entries].sort().slice(0, 3).map((e) => JSON.stringify(e));
  return entries.length > 3 ? `${shown.join(', ')} and ${entries.length - 3} more` : shown.join(', ');
}
