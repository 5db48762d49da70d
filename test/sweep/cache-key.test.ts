import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profilesDigest } from '../../src/fleet/profile-dirs.js';
import { BUILTIN_PROFILE_DIR } from '../../src/fleet/profiles.js';
import { runKey } from '../../src/sweep/cache.js';
import type { Scenario } from '../../src/workloads/scenario.js';

/** A fresh copy of the built-in profiles. */
function copyOfProfiles(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-profiles-'));
  cpSync(BUILTIN_PROFILE_DIR, dir, { recursive: true });
  return dir;
}

describe('the sweep cache key', () => {
  it('holds the profiles’ bytes: an edited profile misses the cache, a moved copy does not', () => {
    const a = copyOfProfiles();
    const b = copyOfProfiles();
    expect(profilesDigest([a])).toBe(profilesDigest([BUILTIN_PROFILE_DIR]));
    const file = join(b, 'raspberry-pi-4.json');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"1.6 W"'); // its idle power
    writeFileSync(file, text.replace('"1.6 W"', '"1.7 W"'));
    expect(profilesDigest([b])).not.toBe(profilesDigest([a]));
  });

  it('holds the extra profile directories’ files too', () => {
    const extra = mkdtempSync(join(tmpdir(), 'edgesim-extra-'));
    writeFileSync(join(extra, 'my-board.json'), '{}');
    expect(profilesDigest([BUILTIN_PROFILE_DIR, extra])).not.toBe(
      profilesDigest([BUILTIN_PROFILE_DIR]),
    );
  });

  it('is a different key for the same scenario and seed under other profiles', () => {
    const scenario = { name: 'x' } as unknown as Scenario;
    expect(runKey(scenario, 1, 'a')).toBe(runKey(scenario, 1, 'a'));
    expect(runKey(scenario, 1, 'a')).not.toBe(runKey(scenario, 1, 'b'));
  });
});
