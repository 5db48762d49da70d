/**
 * The Gaussian noise kernel: seeded, in order, of the stated standard
 * deviation, checked by the chi-square law of the sample variance
 * (noise-stats.ts).
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../src/engine/random.js';
import { addGaussianNoise } from '../../../../src/workloads/federated/kernels/gaussian-noise.js';
import { noiseScores } from './noise-stats.js';

describe('addGaussianNoise', () => {
  it('adds noise whose sample variance fits std 0.5 (chi-square, 200,000 seeded draws, |z| < 4)', () => {
    const values = new Float32Array(200_000);
    addGaussianNoise(values, 0.5, new RandomStreams(7).stream('dp-noise', 1));
    const { varianceZ, meanZ } = noiseScores(values, 0.5);
    expect(Math.abs(varianceZ)).toBeLessThan(4);
    expect(Math.abs(meanZ)).toBeLessThan(4);
  });

  it('would reject a std 2% off: the same draws do not fit std 0.49 or 0.51', () => {
    const values = new Float32Array(200_000);
    addGaussianNoise(values, 0.5, new RandomStreams(7).stream('dp-noise', 1));
    expect(Math.abs(noiseScores(values, 0.49).varianceZ)).toBeGreaterThan(4);
    expect(Math.abs(noiseScores(values, 0.51).varianceZ)).toBeGreaterThan(4);
  });

  it('adds to the values in place, the same draws for the same stream key', () => {
    const base = Float32Array.of(1, 2, 3, 4);
    const a = addGaussianNoise(base.slice(), 1, new RandomStreams(3).stream('dp-noise', 2));
    const b = addGaussianNoise(base.slice(), 1, new RandomStreams(3).stream('dp-noise', 2));
    const c = addGaussianNoise(base.slice(), 1, new RandomStreams(3).stream('dp-noise', 3));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const stream = new RandomStreams(3).stream('dp-noise', 2);
    expect(a[0]).toBe(Math.fround(1 + stream.normal(0, 1)));
  });

  it('leaves the values unchanged at std 0 and rejects a negative std', () => {
    const values = Float32Array.of(1, 2);
    expect(addGaussianNoise(values, 0, new RandomStreams(1).stream('x'))).toEqual(
      Float32Array.of(1, 2),
    );
    expect(() => addGaussianNoise(values, -1, new RandomStreams(1).stream('x'))).toThrow(
      'std(=-1) must be >= 0',
    );
  });
});
