import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRIORS, priorsOf } from '../../src/calibration/priors.js';
import { BUILTIN_PROFILE_DIR, ProfileLibrary, profileSchema } from '../../src/fleet/profiles.js';

describe('a GPU’s fill prior', () => {
  const library = new ProfileLibrary();

  it('sets a GPU’s fill prior by its resident threads, at the T4’s outputs per thread', () => {
    // Jetson Nano: 1 SM x 2,048 threads; A100: 108 x 2,048. The T4's fit: 362,000 / 40,960.
    const nano = library.resolve('jetson-nano');
    expect(nano.residentThreads).toBe(2048);
    expect(priorsOf(nano).halfOutputs.value).toBeCloseTo((362_000 / 40_960) * 2048, 6);
    expect(priorsOf(library.resolve('cloud-a100')).halfOutputs.value).toBeCloseTo(
      (362_000 / 40_960) * 108 * 2048,
      6,
    );
    // A GPU of one's own that gives no threads keeps the kind's flat prior.
    expect(priorsOf({ processor: 'gpu' })).toBe(PRIORS.gpu);
  });

  it('is refused on a profile that is not a GPU', () => {
    const result = profileSchema.safeParse({
      ...JSON.parse(readFileSync(join(BUILTIN_PROFILE_DIR, 'raspberry-pi-4.json'), 'utf8')),
      residentThreads: { value: 2048, source: 'E' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['residentThreads', "is a GPU's figure; this profile's processor is cpu"],
    ]);
  });
});
