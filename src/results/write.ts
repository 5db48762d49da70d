import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { tableToCsv } from './csv.js';
import {
  type ClaimOptions,
  checkOutputDir,
  isAlive,
  JOURNAL,
  runManifestOutputs,
} from './out-dir.js';
import type { Table } from './table.js';

/**
 * Writes `tables` as `<name>.csv`, `files` at their relative paths, and
 * `manifest.json` into `outDir`, never losing a file edgesim did not write
 * (see out-dir.ts for which directories are accepted). Everything is written
 * into a temporary sibling directory first; a new directory is then renamed
 * into place whole, and an existing one receives the files by rename under a
 * journal, after which the earlier result's files that this one does not
 * write are removed. A crash never leaves half a result once the next write
 * to the same directory has run. Returns the SHA-256 of each file, by name.
 */
export function writeResults(
  outDir: string,
  tables: Readonly<Record<string, Table>>,
  manifest: (csvHashes: Record<string, string>) => object,
  files: Readonly<Record<string, string | Uint8Array>> = {},
  options: ClaimOptions = {},
): Record<string, string> {
  recoverInterruptedWrite(outDir);
  const state = checkOutputDir(outDir, 'run', options);
  const parent = dirname(resolve(outDir));
  mkdirSync(parent, { recursive: true });
  removeStaleTemps(parent, basename(resolve(outDir)));
  const temp = mkdtempSync(join(parent, `${tempPrefix(basename(resolve(outDir)))}${process.pid}-`));
  try {
    const hashes: Record<string, string> = {};
    for (const [name, table] of Object.entries(tables)) {
      const csv = tableToCsv(table);
      writeFileSync(join(temp, `${name}.csv`), csv);
      hashes[`${name}.csv`] = createHash('sha256').update(csv).digest('hex');
    }
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(temp, name)), { recursive: true });
      writeFileSync(join(temp, name), content);
      hashes[name] = createHash('sha256').update(content).digest('hex');
    }
    writeFileSync(join(temp, 'manifest.json'), `${JSON.stringify(manifest(hashes), null, 2)}\n`);
    if (state === 'missing' && tryRename(temp, outDir)) return hashes;
    const written = [...Object.keys(hashes), 'manifest.json'];
    const earlier = state === 'edgesim' ? (runManifestOutputs(outDir) ?? []) : [];
    replaceFiles(outDir, {
      temp: basename(temp),
      files: written,
      remove: earlier.filter((f) => !written.includes(f)),
    });
    return hashes;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** A file-by-file replacement: the temp directory (a sibling of the output) and what moves. */
interface Journal {
  temp: string;
  /** Relative paths moved from `temp` into the output, `manifest.json` last. */
  files: string[];
  /** Relative paths of the earlier result's files to remove. */
  remove: string[];
}

function replaceFiles(outDir: string, journal: Journal): void {
  mkdirSync(outDir, { recursive: true });
  const journalFile = join(outDir, JOURNAL);
  const staged = `${journalFile}.${process.pid}`;
  writeFileSync(staged, JSON.stringify(journal));
  renameSync(staged, journalFile);
  rollForward(outDir, journal);
}

/** Completes a replacement from its journal; safe to repeat after a crash at any point. */
function rollForward(outDir: string, journal: Journal): void {
  const temp = join(dirname(resolve(outDir)), journal.temp);
  const ordered = [...journal.files.filter((f) => f !== 'manifest.json'), 'manifest.json'];
  for (const file of ordered) {
    const from = join(temp, file);
    if (!existsSync(from)) continue; // moved before the crash
    mkdirSync(dirname(join(outDir, file)), { recursive: true });
    renameSync(from, join(outDir, file));
  }
  for (const file of journal.remove) rmSync(join(outDir, file), { force: true });
  rmSync(temp, { recursive: true, force: true });
  rmSync(join(outDir, JOURNAL), { force: true });
}

/** Finishes a replacement that a killed process left half done. */
function recoverInterruptedWrite(outDir: string): void {
  const journalFile = join(outDir, JOURNAL);
  if (!existsSync(journalFile)) return;
  let journal: Journal;
  try {
    journal = JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
  } catch {
    // The journal is renamed into place whole; an unreadable one was never ours to act on.
    return;
  }
  if (isJournal(journal)) rollForward(outDir, journal);
}

function isJournal(value: Journal): boolean {
  const safe = (p: unknown) =>
    typeof p === 'string' && p !== '' && !p.startsWith('/') && !p.split(/[\\/]/).includes('..');
  return (
    safe(value.temp) &&
    value.temp.startsWith('.edgesim-tmp-') &&
    Array.isArray(value.files) &&
    value.files.every(safe) &&
    Array.isArray(value.remove) &&
    value.remove.every(safe)
  );
}

function tempPrefix(name: string): string {
  return `.edgesim-tmp-${name}-`;
}

/**
 * Removes temporary directories that killed writers to the same output left
 * in `parent`: those named for a process that no longer runs, and the
 * pid-less ones earlier versions wrote.
 */
function removeStaleTemps(parent: string, name: string): void {
  const prefix = tempPrefix(name);
  for (const entry of readdirSync(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const rest = entry.slice(prefix.length);
    const ours = /^(\d+)-[A-Za-z0-9]{6}$/.exec(rest);
    const legacy = /^[0-9a-f]{8}$/.test(rest);
    if ((ours && !isAlive(Number(ours[1]))) || legacy) {
      rmSync(join(parent, entry), { recursive: true, force: true });
    }
  }
}

function tryRename(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch {
    return false; // created meanwhile: replace file by file instead
  }
}
