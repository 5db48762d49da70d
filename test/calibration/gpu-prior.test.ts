import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRIORS, priorsOf } from '../../src/calibration/priors.js';
import { BUILTIN_PROFILE_DIR, ProfileLibrary, profileSchema } from '../../src/fleet/profiles.js';

describe('a GPU’s fill prior', () => {
  const library = new ProfileLibrary();

  it('sets a GPU’s fill prior by its resident threads, at the T4’s outputs per thread', () => {
    // The T4's fit, 362,000 outputs on 40,960 threads. Jetson Nano: 1 SM x 2,048 threads,
    // 362,000 x 2,048 / 40,960 = 362,000 / 20 = 18,100. A100: 108 x 2,048 = 221,184
    // threads = 5.4 T4s, 362,000 x 5.4 = 1,954,800.
    const nano = library.resolve('jetson-nano');
    expect(nano.residentThreads).toBe(2048);
    expect(priorsOf(nano).halfOutputs.value).toBeCloseTo(18_100, 6);
    expect(priorsOf(library.resolve('cloud-a100')).halfOutputs.value).toBeCloseTo(1_954_800, 6);
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
