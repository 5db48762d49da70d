/**
 * Where hardware profiles come from: the built-in folder and the folders of
 * one's own that `EDGESIM_PROFILES` lists, and a digest of their files (what
 * a run's results depend on beside its scenario).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { PACKAGE_ROOT } from '../version.js';

/** The directory of built-in profiles. */
export const BUILTIN_PROFILE_DIR = join(PACKAGE_ROOT, 'hardware-profiles');

/** The environment variable that adds directories of profiles to the built-in one. */
export const PROFILES_ENV = 'EDGESIM_PROFILES';

/**
 * Where profiles are looked up: the built-in directory, then each directory
 * `EDGESIM_PROFILES` lists (separated as in PATH; made absolute, each once), a
 * later file of the same name replacing an earlier one. Each directory holds
 * `<name>.json` files and may hold `measurements/<name>.csv` for `edgesim
 * calibrate`.
 */
export function profileDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = (env[PROFILES_ENV] ?? '').split(delimiter).filter((dir) => dir !== '');
  return [...new Set([BUILTIN_PROFILE_DIR, ...listed.map((dir) => resolve(dir))])];
}

/** The `.json` files of a profile directory, sorted; a directory that cannot be read is the user's to fix. */
export function profileFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (error) {
    throw new UsageError(
      `profile directory ${dir} cannot be read (${(error as Error).message}); ${PROFILES_ENV} lists directories of <name>.json profiles`,
    );
  }
}

/**
 * SHA-256 over the profile files of `dirs`, in order, by name and bytes (not
 * path: a moved checkout keeps its sweep cache). A command takes it once,
 * when it starts, for all its runs.
 */
export function profilesDigest(dirs: readonly string[] = profileDirs()): string {
  const hash = createHash('sha256');
  for (const dir of dirs) {
    for (const file of profileFiles(dir)) {
      hash
        .update(`${file}\0`)
        .update(readFileSync(join(dir, file)))
        .update('\0');
    }
  }
  return hash.digest('hex');
}
