import { describe, expect, it } from 'vitest';
import { formatNumber, percentile, tableToCsv } from '../../src/index.js';

describe('CSV writing', () => {
  it('prints integers in full and other numbers to 12 significant digits', () => {
    expect(formatNumber(7624050000)).toBe('7624050000');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(1 / 3)).toBe('0.333333333333');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(Number.NaN)).toBe('NaN');
  });

  it('writes a header, quoted fields where needed, and unix line ends', () => {
    const csv = tableToCsv({
      columns: ['a', 'b_s'],
      rows: [
        ['x,y', 1.5],
        [null, 2],
      ],
    });
    expect(csv).toBe('a,b_s\n"x,y",1.5\n,2\n');
  });

  it('rejects a row with the wrong number of cells', () => {
    expect(() => tableToCsv({ columns: ['a', 'b'], rows: [[1]] })).toThrow(/1 cells for 2 columns/);
  });
});

describe('percentiles', () => {
  it('interpolate linearly between ranks (numpy default)', () => {
    const sorted = [1, 2, 3, 4];
    expect(percentile(sorted, 50)).toBe(2.5);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 100)).toBe(4);
    expect(percentile(sorted, 95)).toBeCloseTo(3.85, 12);
  });
});
