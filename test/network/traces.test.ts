import { describe, expect, it } from 'vitest';
import { capacityAt, capacitySteps, nextStepS, parseMahimahi } from '../../src/network/traces.js';
import { expectInputError } from '../helpers/input-error.js';

const PACKET_BITS = 1500 * 8;

/** Packets at 3, 7 and 10 ms; the trace loops every 10 ms, so 10 ms is the next loop's 0. */
const threeLines = parseMahimahi('3\n7\n10\n', 'three.trace');

describe('Mahimahi traces', () => {
  it('parses timestamps; the period is the last one; mean rate is the bits per period', () => {
    expect([...threeLines.timestampsMs]).toEqual([3, 7, 10]);
    expect(threeLines.periodMs).toBe(10);
    expect(threeLines.meanBitsPerS).toBe((3 * PACKET_BITS) / 0.01);
  });

  it('gives per-window rates: 5 ms windows hold 2 packets (3 ms and 10 ms = 0) and 1', () => {
    const steps = capacitySteps(threeLines, 0.005);
    expect([...steps.startS]).toEqual([0, 0.005]);
    expect([...steps.bitsPerS]).toEqual([(2 * PACKET_BITS) / 0.005, PACKET_BITS / 0.005]);
    expect(steps.periodS).toBe(0.01);
  });

  it('rates the shorter last window by its own length, keeping the bits per period', () => {
    const steps = capacitySteps(threeLines, 0.004);
    expect([...steps.startS]).toEqual([0, 0.004, 0.008]);
    expect([...steps.bitsPerS]).toEqual([(2 * PACKET_BITS) / 0.004, PACKET_BITS / 0.004, 0]);
  });

  it('capacityAt loops over the period, a boundary starting the new step', () => {
    const steps = capacitySteps(threeLines, 0.005);
    const [first, second] = steps.bitsPerS;
    expect(capacityAt(steps, 0)).toBe(first);
    expect(capacityAt(steps, 0.005)).toBe(second);
    expect(capacityAt(steps, 0.012)).toBe(first);
    expect(capacityAt(steps, 0.0165)).toBe(second);
    expect(capacityAt(steps, 1000.0071)).toBe(second);
  });

  it('nextStepS gives the next boundary, across loops', () => {
    const steps = capacitySteps(threeLines, 0.005);
    expect(nextStepS(steps, 0)).toBe(0.005);
    expect(nextStepS(steps, 0.012)).toBeCloseTo(0.015, 12);
    expect(nextStepS(steps, 0.0199)).toBeCloseTo(0.02, 12);
    expect(nextStepS(steps, 0.02)).toBeGreaterThan(0.02);
  });

  it('one packet per millisecond is 12 Mbit/s in every window', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `${i + 1}`).join('\n');
    const trace = parseMahimahi(text, 'constant.trace');
    expect(trace.meanBitsPerS).toBe(12e6);
    const steps = capacitySteps(trace, 0.1);
    expect(steps.startS.length).toBe(10);
    for (const rate of steps.bitsPerS) expect(rate).toBeCloseTo(12e6, 6);
  });

  it('a bad line gives an InputError naming the file, each line and its value', () => {
    const error = expectInputError(() => parseMahimahi('1\n2.5\n\n-3\n4\n2\n', 'bad.trace'));
    expect(error.message).toBe(
      [
        'bad.trace: line 2: expected a whole number of milliseconds (got "2.5")',
        'bad.trace: line 4: expected a whole number of milliseconds (got "-3")',
        'bad.trace: line 6: timestamps must not decrease (previous: 4 ms) (got 2)',
      ].join('\n'),
    );
  });

  it('an empty trace or one lasting 0 ms is rejected', () => {
    expect(expectInputError(() => parseMahimahi('\n', 'empty.trace')).message).toMatch(
      /empty.trace: no timestamps/,
    );
    expect(expectInputError(() => parseMahimahi('0\n0\n', 'zero.trace')).message).toMatch(
      /longer than 0 ms/,
    );
  });

  it('rejects a window that is not a positive number of seconds', () => {
    expect(() => capacitySteps(threeLines, 0)).toThrow(RangeError);
  });
});
