import { describe, expect, it } from 'vitest';
import { copySources, withCopies } from '../../src/calibration/copies.js';
import { InputError } from '../../src/errors.js';

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
    const result = withCopies(copy, 'copy.json', copySources(copy), () => fitted) as typeof copy;
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

  it('refuses an unknown source, one without the precision, or one that copies in turn', () => {
    const refusal = (source: Record<string, unknown> | undefined) => {
      try {
        withCopies(copy, 'copy.json', copySources(copy), () => source);
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        const { file, problems } = error as InputError;
        expect(file).toBe('copy.json');
        expect(problems.map((p) => [p.path, p.value])).toEqual([
          ['compute.int8.calibration.copiedFrom', 'fitted'],
        ]);
        return problems[0]!.message;
      }
      throw new Error('not refused');
    };
    expect(refusal(undefined)).toBe('no profile named fitted');
    expect(refusal({ name: 'fitted', compute: {} })).toBe('fitted has no int8 calibration to copy');
    expect(refusal(profile('fitted', { copiedFrom: 'other' }))).toBe(
      'fitted copies other; copy a fitted profile',
    );
  });
});
