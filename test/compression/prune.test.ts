import { describe, expect, it } from 'vitest';
import {
  applyMask,
  globalMagnitudeMasks,
  magnitudeMask,
  pruneByMagnitude,
  prunedCount,
  selectUnits,
  unitNorms,
} from '../../src/compression/index.js';
import { samplePosition, THRESHOLD_SAMPLE_SIZE } from '../../src/compression/magnitude-select.js';
import { RandomStreams } from '../../src/engine/random.js';

const mask = (values: number[], sparsity: number): number[] =>
  Array.from(magnitudeMask(Float32Array.from(values), sparsity));

const zeros = (m: Uint8Array): number => m.length - m.reduce((a, b) => a + b, 0);

/** Number of indices where two arrays differ (vitest's toEqual is slow on 300,000 elements). */
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) count++;
  return count;
}

/** Largest |w| among the pruned weights (mask 0). */
const largestPruned = (w: Float32Array, m: Uint8Array): number =>
  w.reduce((max, v, i) => (m[i] === 0 ? Math.max(max, Math.abs(v)) : max), 0);

describe('magnitudeMask', () => {
  it('prunes the round(s * n) smallest magnitudes', () => {
    // |w| = 0.5, 3, 0, 2, 0.1, 1; s = 0.5 prunes 3: 0 (i2), 0.1 (i4), 0.5 (i0)
    expect(mask([0.5, -3, 0, 2, -0.1, 1], 0.5)).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('rounds s * n half up', () => {
    // n = 5, s = 0.5: 2.5 -> 3 pruned
    expect(prunedCount(5, 0.5)).toBe(3);
    expect(mask([5, 4, 3, 2, 1], 0.5)).toEqual([1, 1, 0, 0, 0]);
  });

  it('breaks ties at the threshold by index', () => {
    expect(mask([1, 1, 1, 1], 0.5)).toEqual([0, 0, 1, 1]);
    expect(mask([2, -1, 1, 3, -1], 0.4)).toEqual([1, 0, 0, 1, 1]);
  });

  it('counts existing zeros, of either sign, as the smallest', () => {
    // s = 0.4 of 5 prunes 2: the zeros at 0 and 1 (ties by index); the zero at 3 stays in the mask
    expect(mask([0, -0, 5, 0, 1], 0.4)).toEqual([0, 0, 1, 1, 1]);
  });

  it('keeps NaN, which orders above every number', () => {
    expect(mask([Number.NaN, 1, 2, 3], 0.5)).toEqual([1, 0, 0, 1]);
  });

  it('keeps everything at sparsity 0', () => {
    expect(mask([0, 1, 2], 0)).toEqual([1, 1, 1]);
  });

  it('prunes exactly round(s * n) on random data full of ties', () => {
    const rng = new RandomStreams(5).stream('ties');
    const w = Float32Array.from({ length: 10_001 }, () => rng.integer(41) - 20); // 41 values, many ties
    for (const s of [0.1, 0.25, 0.5, 0.8, 0.9, 0.999]) {
      const m = magnitudeMask(w, s);
      expect(zeros(m)).toBe(Math.round(s * w.length));
      // The pruned set is a set of smallest magnitudes: none exceeds any kept one.
      let maxPruned = 0;
      let minKept = Number.POSITIVE_INFINITY;
      m.forEach((keep, i) => {
        if (keep) minKept = Math.min(minKept, Math.abs(w[i]!));
        else maxPruned = Math.max(maxPruned, Math.abs(w[i]!));
      });
      expect(maxPruned).toBeLessThanOrEqual(minKept);
    }
  });

  it('finds the same threshold as sorting, on continuous random data', () => {
    const rng = new RandomStreams(6).stream('normal');
    const w = Float32Array.from({ length: 50_000 }, () => rng.normal(0, 1));
    const sorted = Array.from(w, Math.abs).sort((a, b) => a - b);
    expect(largestPruned(w, magnitudeMask(w, 0.8))).toBe(sorted[40_000 - 1]);
  });

  it('finds the same threshold as sorting on 300,000 weights (the sampled bracket)', () => {
    const rng = new RandomStreams(8).stream('large');
    const w = Float32Array.from({ length: 300_000 }, () => rng.normal(0, 1));
    const sorted = Array.from(w, Math.abs).sort((a, b) => a - b);
    for (const s of [0.05, 0.5, 0.8, 0.97]) {
      const m = magnitudeMask(w, s);
      const count = Math.round(s * w.length);
      expect(zeros(m)).toBe(count);
      expect(largestPruned(w, m)).toBe(sorted[count - 1]);
    }
  });

  it('writes the same mask into an unaligned buffer', () => {
    const rng = new RandomStreams(12).stream('unaligned');
    const w = Float32Array.from({ length: 300_003 }, () => rng.normal(0, 1));
    const unaligned = new Uint8Array(w.length + 1).subarray(1); // byteOffset 1
    expect(mismatches(magnitudeMask(w, 0.8, unaligned), magnitudeMask(w, 0.8))).toBe(0);
  });

  it('prunes exactly round(s * n) of 300,000 tied weights, ties in index order', () => {
    const rng = new RandomStreams(9).stream('large-ties');
    const w = Float32Array.from({ length: 300_000 }, () => rng.integer(5)); // 0..4
    const m = magnitudeMask(w, 0.5);
    expect(zeros(m)).toBe(150_000);
    // The threshold value is tied; its pruned copies must all come before its kept ones.
    const threshold = largestPruned(w, m);
    let lastPruned = -1;
    w.forEach((v, i) => {
      if (v === threshold && m[i] === 0) lastPruned = i;
    });
    const firstKept = w.findIndex((v, i) => v === threshold && m[i] === 1);
    expect(lastPruned).toBeLessThan(firstKept);
  });

  it('falls back to exact selection when the sample is unrepresentative', () => {
    // White-box: put 1.0 at every sample position and 0.5 elsewhere, so the sampled
    // bracket sits at 1.0 while the threshold is 0.5: s = 0.5 prunes the first 50,000 halves.
    const w = new Float32Array(100_000).fill(0.5);
    for (let j = 0; j < THRESHOLD_SAMPLE_SIZE; j++) w[samplePosition(j, w.length)] = 1;
    const m = magnitudeMask(w, 0.5);
    expect(zeros(m)).toBe(50_000);
    let halvesSeen = 0;
    let wrong = 0;
    w.forEach((v, i) => {
      if (v === 1) wrong += m[i] === 0 ? 1 : 0;
      else wrong += m[i] !== (halvesSeen++ < 50_000 ? 0 : 1) ? 1 : 0;
    });
    expect(wrong).toBe(0);
  });

  it('rejects a sparsity outside [0, 1)', () => {
    const w = Float32Array.of(1, 2);
    expect(() => magnitudeMask(w, 1.2)).toThrow(new RangeError('sparsity(=1.2) must be in [0, 1)'));
    expect(() => magnitudeMask(w, 1)).toThrow('sparsity(=1) must be in [0, 1)');
    expect(() => magnitudeMask(w, -0.1)).toThrow(RangeError);
    expect(() => magnitudeMask(w, Number.NaN)).toThrow(RangeError);
  });
});

describe('globalMagnitudeMasks', () => {
  it('uses one threshold across tensors, so a layer of small weights loses more', () => {
    // all |w|: 1 2 3 4 | 10 20 30 0.5; s = 0.5 prunes 4: 0.5, 1, 2, 3
    const [a, b] = globalMagnitudeMasks(
      [Float32Array.of(1, 2, 3, 4), Float32Array.of(10, 20, 30, 0.5)],
      0.5,
    );
    expect(Array.from(a!)).toEqual([0, 0, 0, 1]);
    expect(Array.from(b!)).toEqual([1, 1, 1, 0]);
  });

  it('prunes two large tensors exactly as their concatenation', () => {
    const rng = new RandomStreams(11).stream('global');
    const a = Float32Array.from({ length: 150_001 }, () => rng.normal(0, 1));
    const b = Float32Array.from({ length: 99_999 }, () => rng.normal(0, 2));
    const [maskA, maskB] = globalMagnitudeMasks([a, b], 0.6);
    const joined = new Float32Array(a.length + b.length);
    joined.set(a);
    joined.set(b, a.length);
    const masks = new Uint8Array(joined.length);
    masks.set(maskA!);
    masks.set(maskB!, a.length);
    expect(mismatches(masks, magnitudeMask(joined, 0.6))).toBe(0);
  });

  it('breaks ties by tensor order, then index', () => {
    const [a, b] = globalMagnitudeMasks([Float32Array.of(1, 1), Float32Array.of(1, 1)], 0.5);
    expect(Array.from(a!)).toEqual([0, 0]);
    expect(Array.from(b!)).toEqual([1, 1]);
  });
});

describe('pruneByMagnitude', () => {
  it('equals applyMask(magnitudeMask) on 300,000 weights', () => {
    const rng = new RandomStreams(10).stream('apply');
    const w = Float32Array.from({ length: 300_001 }, () => rng.normal(0, 1));
    const { weights, mask } = pruneByMagnitude(w, 0.7);
    expect(mismatches(mask, magnitudeMask(w, 0.7))).toBe(0);
    expect(mismatches(weights, applyMask(w, mask))).toBe(0);
  });

  it('returns the mask and the weights with it applied, into given buffers', () => {
    const w = Float32Array.of(0.5, -3, 0, 2, -0.1, 1);
    const out = { weights: new Float32Array(6), mask: new Uint8Array(6) };
    const result = pruneByMagnitude(w, 0.5, out);
    expect(result.weights).toBe(out.weights);
    expect(Array.from(result.mask)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(Array.from(result.weights)).toEqual([0, -3, 0, 2, 0, 1]);
  });
});

describe('applyMask', () => {
  it('keeps a weight for any nonzero mask byte, aligned or not', () => {
    const w = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
    const bytes = Uint8Array.of(0, 0x80, 1, 0xff, 0, 0x7f, 2, 0, 0x10, 1);
    // aligned (offset 0): the packed path for the first 8, the byte path for the 9th
    expect(Array.from(applyMask(w, bytes.subarray(0, 9)))).toEqual([0, 2, 3, 4, 0, 6, 7, 0, 9]);
    // unaligned (offset 1): the byte path throughout
    expect(Array.from(applyMask(w, bytes.subarray(1)))).toEqual([1, 2, 3, 0, 5, 6, 0, 8, 9]);
  });

  it('writes +0 where the mask is 0, even for negative weights', () => {
    const out = applyMask(Float32Array.of(-1, 2, -3), Uint8Array.of(0, 1, 0));
    expect(Array.from(out)).toEqual([0, 2, 0]);
    expect(Object.is(out[2], 0)).toBe(true);
  });
});

describe('unitNorms', () => {
  // dense [2, 3]: rows are inputs, columns (the last axis) are the 3 output units
  const w = Float32Array.of(1, -2, 3, -4, 5, -6);

  it('scores each output unit (last axis) by its L1 or L2 norm', () => {
    // L1 per column: 1+4 = 5, 2+5 = 7, 3+6 = 9; L2: sqrt(1+16), sqrt(4+25), sqrt(9+36)
    expect(Array.from(unitNorms(w, [2, 3], 1, 'l1'))).toEqual([5, 7, 9]);
    expect(Array.from(unitNorms(w, [2, 3]))).toEqual([Math.sqrt(17), Math.sqrt(29), Math.sqrt(45)]);
  });

  it('scores another axis when asked', () => {
    // L1 per row: 1+2+3 = 6, 4+5+6 = 15
    expect(Array.from(unitNorms(w, [2, 3], 0, 'l1'))).toEqual([6, 15]);
  });

  it('sums a conv kernel [kh, kw, in, out] over all but the filter axis', () => {
    // [2, 1, 1, 2]: filter 0 = {1, 3}, filter 1 = {-2, 4}; L1 = 4 and 6
    expect(Array.from(unitNorms(Float32Array.of(1, -2, 3, 4), [2, 1, 1, 2], 3, 'l1'))).toEqual([
      4, 6,
    ]);
  });
});

describe('selectUnits', () => {
  it('keeps all but the round(f * n) units of smallest norm, in index order', () => {
    // remove round(0.4 * 5) = 2: the norms 1 at i1 and i3
    expect(Array.from(selectUnits([5, 1, 3, 1, 4], 0.4))).toEqual([0, 2, 4]);
  });

  it('removes equal norms in index order', () => {
    expect(Array.from(selectUnits([2, 2, 2, 2], 0.5))).toEqual([2, 3]);
  });

  it('rejects a fraction outside [0, 1)', () => {
    expect(() => selectUnits([1, 2], 1)).toThrow('fractionToRemove(=1) must be in [0, 1)');
  });
});
