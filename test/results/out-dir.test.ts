import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { EdgesimError } from '../../src/errors.js';
import { runScenarioFile } from '../../src/run.js';
import { edgesim } from '../helpers/cli.js';
import { BIN as bin } from '../helpers/cli.js';

const small = resolve('test/fixtures/scenarios/small.yaml');
const sweepFile = resolve('test/fixtures/sweeps/compare-placement.yaml');


function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'edgesim-out-'));
}

/** Every file under `dir` (relative path -> SHA-256), symbolic links as their target. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isSymbolicLink()) files[relative(dir, full)] = `-> ${readlinkSync(full)}`;
      else
        files[relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return files;
}

/** A directory with a user's files in it. */
function userDir(parent: string, name = 'mine'): string {
  const dir = join(parent, name);
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'notes.txt'), 'my notes\n');
  writeFileSync(join(dir, 'sub', 'thesis.tex'), '\\documentclass{article}\n');
  return dir;
}

/** True when every file a run's manifest lists is there with the hash it records. */
function isWholeResult(dir: string): boolean {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  return Object.entries(manifest.outputs as Record<string, string>).every(
    ([file, hash]) =>
      existsSync(join(dir, file)) &&
      createHash('sha256')
        .update(readFileSync(join(dir, file)))
        .digest('hex') === hash,
  );
}

const refusal = /edgesim: --out .* (holds files edgesim did not write|is )/;

/**
 * What the CLI's `run` would print to stderr and exit with, from the library
 * call it makes (`runScenarioFile`) in this process, with `cwd` as the current
 * directory: a CLI start costs about a second, the run a fraction of that. The
 * CLI's own handling of these errors (message, exit 2) is tested once each with
 * `edgesim(...)` beside these.
 */
async function runInProcess(
  out: string,
  options: { cwd: string; seed?: number; forceReplace?: boolean },
): Promise<{ code: number; stderr: string }> {
  const previous = process.cwd();
  process.chdir(options.cwd);
  try {
    const { cwd: _, ...rest } = options;
    await runScenarioFile(small, { out, ...rest, warn: () => {} });
    return { code: 0, stderr: '' };
  } catch (error) {
    // As the CLI's handler: edgesim's own errors are a message and their exit code;
    // anything else would be an internal error, so it fails the test.
    if (!(error instanceof EdgesimError)) throw error;
    return { code: error.exitCode, stderr: `edgesim: ${error.message}` };
  } finally {
    process.chdir(previous);
  }
}

describe('run --out never destroys what edgesim did not write', () => {
  it('refuses a directory holding user files, and leaves them byte for byte', () => {
    const parent = scratch();
    const dir = userDir(parent);
    const before = snapshot(dir);
    const { code, stderr } = edgesim(['run', small, '--out', dir], parent);
    expect(code).toBe(2);
    expect(stderr).toMatch(/holds files edgesim did not write \("notes.txt", "sub"\)/);
    expect(stderr).toContain('--force-replace');
    expect(stderr).not.toContain('internal error');
    expect(snapshot(dir)).toEqual(before);
  });

  it('with --force-replace writes its files beside the user files, keeping them', () => {
    const parent = scratch();
    const dir = userDir(parent);
    const before = snapshot(dir);
    expect(edgesim(['run', small, '--out', dir, '--force-replace'], parent).code).toBe(0);
    const after = snapshot(dir);
    for (const [file, hash] of Object.entries(before)) expect(after[file]).toBe(hash);
    expect(isWholeResult(dir)).toBe(true);
    expect(readdirSync(parent)).toEqual(['mine']); // no temporary directory left
  });

  it('replaces its own earlier result and keeps a file the user added to it', async () => {
    const parent = scratch();
    expect((await runInProcess('r', { cwd: parent })).code).toBe(0);
    const dir = join(parent, 'r');
    writeFileSync(join(dir, 'notes.txt'), 'about this run\n');
    // An earlier result that wrote a file this one does not: it goes, as edgesim's own.
    writeFileSync(join(dir, 'old.csv'), 'a\n1\n');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    manifest.outputs['old.csv'] = 'x';
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    expect((await runInProcess('r', { cwd: parent, seed: 9 })).code).toBe(0);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('about this run\n');
    expect(existsSync(join(dir, 'old.csv'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).seed).toBe(9);
    expect(isWholeResult(dir)).toBe(true);
    expect(readdirSync(parent)).toEqual(['r']);
  });

  it('writes into an empty directory and keeps its mode', async () => {
    const parent = scratch();
    const dir = join(parent, 'empty');
    mkdirSync(dir, { mode: 0o1777 });
    const mode = statSync(dir).mode;
    expect((await runInProcess(dir, { cwd: parent })).code).toBe(0);
    expect(statSync(dir).mode).toBe(mode);
    expect(isWholeResult(dir)).toBe(true);
  });

  it.each([
    ['the current directory', '.', 'is the current directory'],
    ['its parent', '..', 'is an ancestor of the current directory'],
    ['the root directory', '/', 'is the root directory'],
  ])('refuses %s even with --force-replace', async (_what, out, message) => {
    const parent = scratch();
    const cwd = join(userDir(parent), 'sub');
    const before = snapshot(parent);
    // Without the flag in this process, with it through the CLI.
    const { code, stderr } = edgesim(['run', small, '--out', out, '--force-replace'], cwd);
    for (const result of [await runInProcess(out, { cwd }), { code, stderr }]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain('internal error');
    }
    expect(snapshot(parent)).toEqual(before);
  });

  it('refuses the home directory and a repository root even with --force-replace', async () => {
    const home = userDir(scratch(), 'home');
    const repo = userDir(scratch(), 'repo');
    mkdirSync(join(repo, '.git'));
    writeFileSync(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const before = [snapshot(home), snapshot(repo)];
    const env = { ...process.env, HOME: home };
    const cwd = scratch();
    const atHome = edgesim(['run', small, '--out', home, '--force-replace'], cwd, env);
    expect(atHome.code).toBe(2);
    expect(atHome.stderr).toContain('is your home directory');
    const atRepo = await runInProcess(repo, { cwd, forceReplace: true });
    expect(atRepo.code).toBe(2);
    expect(atRepo.stderr).toContain('is a repository root');
    expect([snapshot(home), snapshot(repo)]).toEqual(before);
  });

  it('refuses a regular file, and a symbolic link to a user directory, leaving both', async () => {
    const parent = scratch();
    const file = join(parent, 'data.txt');
    writeFileSync(file, 'precious\n');
    const target = userDir(parent);
    symlinkSync(target, join(parent, 'link'));
    symlinkSync(join(parent, 'nowhere'), join(parent, 'dangling'));
    const before = snapshot(parent);
    const cwd = parent;
    expect((await runInProcess(file, { cwd })).stderr).toMatch(/is a file/);
    expect((await runInProcess('link', { cwd })).stderr).toMatch(refusal);
    expect((await runInProcess('dangling', { cwd })).stderr).toMatch(/link to nothing/);
    expect(snapshot(parent)).toEqual(before);
  });

  it('removes a temporary directory a killed run left behind', async () => {
    const parent = scratch();
    const stale = join(parent, '.edgesim-tmp-r-999999-abcdef');
    mkdirSync(stale);
    writeFileSync(join(stale, 'summary.csv'), 'half\n');
    expect((await runInProcess('r', { cwd: parent })).code).toBe(0);
    expect(readdirSync(parent)).toEqual(['r']);
  });
});

describe('sweep --out never destroys what edgesim did not write', () => {
  it('refuses a directory holding user files', () => {
    const parent = scratch();
    const dir = userDir(parent);
    const before = snapshot(dir);
    const { code, stderr } = edgesim(['sweep', sweepFile, '--out', dir, '--workers', '1'], parent);
    expect(code).toBe(2);
    expect(stderr).toMatch(/holds files edgesim did not write/);
    expect(snapshot(dir)).toEqual(before);
  });

  it("refuses a user's report/ directory even with --force-replace", () => {
    const parent = scratch();
    const dir = userDir(parent);
    mkdirSync(join(dir, 'report'));
    writeFileSync(join(dir, 'report', 'draft.md'), '# draft\n');
    const before = snapshot(dir);
    const args = ['sweep', sweepFile, '--out', dir, '--workers', '1', '--force-replace'];
    const { code, stderr } = edgesim(args, parent);
    expect(code).toBe(2);
    expect(stderr).toContain('"report"');
    expect(snapshot(dir)).toEqual(before);
  });
});

/** Starts the CLI and kills it with SIGKILL after `delayMs`; resolves when it is gone. */
function killAfter(args: string[], cwd: string, delayMs: number): Promise<void> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', () => {
      clearTimeout(timer);
      done();
    });
  });
}

/** Entries under `dir` that look like leftovers of an interrupted write. */
function leftovers(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (/^\.(edgesim-tmp-|edgesim-replace|tmp-)|\.tmp-/.test(entry.name)) found.push(entry.name);
      if (entry.isDirectory()) walk(join(path, entry.name));
    }
  };
  walk(dir);
  return found;
}

describe.concurrent('kill -9 at a random moment', () => {
  // Seeded moments spread over a run's life (start-up, simulation, writing).
  const moments = (seed: string, maxMs: number) => {
    const random = seedrandom(seed);
    return Array.from({ length: 10 }, () => Math.round(200 + random() * maxMs));
  };

  // The earlier result every killed run replaces: one CLI run, copied into each test.
  let earlier = '';
  beforeAll(() => {
    const { code, cwd } = edgesim(['run', small, '--out', 'r']);
    expect(code).toBe(0);
    earlier = join(cwd, 'r');
  });

  it.each(moments('run', 2500))(
    'of a run (%i ms) touches no user file and loses no result',
    async (delayMs) => {
      const parent = scratch();
      writeFileSync(join(parent, 'notes.txt'), 'mine\n');
      cpSync(earlier, join(parent, 'r'), { recursive: true });
      expect(isWholeResult(join(parent, 'r'))).toBe(true);
      writeFileSync(join(parent, 'r', 'notes.txt'), 'also mine\n');
      const previous = readFileSync(join(parent, 'r', 'summary.csv'), 'utf8');
      await killAfter(['run', small, '--out', 'r', '--seed', '9'], parent, delayMs);
      expect(readFileSync(join(parent, 'notes.txt'), 'utf8')).toBe('mine\n');
      expect(readFileSync(join(parent, 'r', 'notes.txt'), 'utf8')).toBe('also mine\n');
      // Either untouched, or mid-replacement under a journal that the next write completes.
      const journal = existsSync(join(parent, 'r', '.edgesim-replace.json'));
      if (!journal) expect(isWholeResult(join(parent, 'r'))).toBe(true);
      if (!journal && readFileSync(join(parent, 'r', 'summary.csv'), 'utf8') !== previous) {
        expect(JSON.parse(readFileSync(join(parent, 'r', 'manifest.json'), 'utf8')).seed).toBe(9);
      }
      expect(edgesim(['run', small, '--out', 'r', '--seed', '9'], parent).code).toBe(0);
      expect(isWholeResult(join(parent, 'r'))).toBe(true);
      expect(leftovers(parent)).toEqual([]);
      expect(readdirSync(parent).sort()).toEqual(['notes.txt', 'r']);
    },
  );

  it.each(moments('sweep', 4000))(
    'of a sweep (%i ms) touches no user file; the resumed sweep is whole',
    async (delayMs) => {
      const parent = scratch();
      writeFileSync(join(parent, 'notes.txt'), 'mine\n');
      const args = ['sweep', sweepFile, '--out', 's', '--workers', '1'];
      await killAfter(args, parent, delayMs);
      expect(readFileSync(join(parent, 'notes.txt'), 'utf8')).toBe('mine\n');
      expect(edgesim(args, parent).code).toBe(0);
      expect(leftovers(parent)).toEqual([]);
      expect(readdirSync(parent).sort()).toEqual(['notes.txt', 's']);
    },
    // A kill and a whole resumed sweep: ~10 s alone, several times that on a loaded machine.
    180_000,
  );
});
