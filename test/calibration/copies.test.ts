import { describe, expect, it } from 'vitest';
import { copySources, withCopies } from '../../src/calibration/copies.js';

/** A profile document with one int8 entry. */
function profile(name: string, calibration: Record<string, unknown>, achievable = '1 TOPS') {
  return {
    name,
    compute: {
      int8: { peak: { value: '2 TOPS' }, achievable: { value: achievable }, calibration },
    },
  };
}

const fitted = profile(
  'fitted',
  {
    efficiency: { depthwise: 0.3 },
    halfOutputs: 100,
    halfDepth: 20,
    framework: 'stack A',
    otherFrameworks: { 'stack B': 2 },
    source: 'fit',
    note: 'fitted to 3 rows',
  },
  '0.8 TOPS',
);

describe('copied calibrations', () => {
  const copy = profile('copy', {
    efficiency: { depthwise: 0.1 },
    halfOutputs: 5,
    framework: 'stack A',
    otherFrameworks: {},
    copiedFrom: 'fitted',
    source: 'E',
    note: 'estimate: copied',
  });

  it('takes the source’s rate and parameters and keeps its own stack and provenance', () => {
    expect([...copySources(copy)]).toEqual([['int8', 'fitted']]);
    const result = withCopies(copy, copySources(copy), () => fitted) as typeof copy;
    expect(result.compute.int8.achievable).toEqual({ value: '0.8 TOPS' });
    expect(result.compute.int8.calibration).toEqual({
      efficiency: { depthwise: 0.3 },
      halfOutputs: 100,
      halfDepth: 20,
      framework: 'stack A',
      otherFrameworks: {},
      copiedFrom: 'fitted',
      source: 'E',
      note: 'estimate: copied',
    });
    expect(result.compute.int8.peak).toEqual({ value: '2 TOPS' });
  });

  it('refuses a source without the precision, or one that copies in turn', () => {
    const empty = { name: 'fitted', compute: {} };
    expect(() => withCopies(copy, copySources(copy), () => empty)).toThrow(
      'copy: compute.int8.calibration.copiedFrom: fitted has no int8 calibration to copy',
    );
    const chained = profile('fitted', { copiedFrom: 'other' });
    expect(() => withCopies(copy, copySources(copy), () => chained)).toThrow(
      'fitted copies other; copy a fitted profile',
    );
  });
});
