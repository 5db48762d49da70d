import { describe, expect, it } from 'vitest';
import {
  ConstantSparsity,
  lastPruningStep,
  PolynomialDecay,
  sparsityInForce,
} from '../../src/compression/index.js';

// 0 -> 0.8 over steps 100..200, cubic, pruning every 10 steps
const schedule = new PolynomialDecay({
  initialSparsity: 0,
  finalSparsity: 0.8,
  beginStep: 100,
  endStep: 200,
  frequency: 10,
});

describe('PolynomialDecay', () => {
  it('follows s_f + (s_i - s_f)(1 - p)^3', () => {
    // step 150: p = 0.5, (1 - 0.5)^3 = 0.125 -> 0.8 - 0.8 * 0.125 = 0.7
    expect(schedule.at(150).sparsity).toBeCloseTo(0.7, 12);
    // step 105: p = 0.05, 0.95^3 = 0.857375 -> 0.8 * (1 - 0.857375) = 0.1141
    expect(schedule.at(105).sparsity).toBeCloseTo(0.1141, 12);
  });

  it('holds the initial sparsity before beginStep and the final one after endStep', () => {
    expect(schedule.at(0).sparsity).toBe(0);
    expect(schedule.at(200).sparsity).toBeCloseTo(0.8, 15);
    expect(schedule.at(1000).sparsity).toBeCloseTo(0.8, 15);
  });

  it('prunes only on multiples of frequency from beginStep to endStep inclusive', () => {
    const turns = [90, 100, 105, 110, 200, 210].map((step) => schedule.at(step).shouldPrune);
    expect(turns).toEqual([false, true, false, true, true, false]);
  });

  it('uses power and the defaults of TFMOT (power 3, frequency 100)', () => {
    const linear = new PolynomialDecay({
      initialSparsity: 0.2,
      finalSparsity: 0.6,
      beginStep: 0,
      endStep: 1000,
      power: 1,
    });
    // p = 0.25: 0.6 + (0.2 - 0.6) * 0.75 = 0.3
    expect(linear.at(250).sparsity).toBeCloseTo(0.3, 12);
    expect(linear.frequency).toBe(100);
    expect(new PolynomialDecay({ ...linear, power: undefined }).power).toBe(3);
  });

  it('validates its steps and sparsities as TFMOT does', () => {
    const base = { initialSparsity: 0, finalSparsity: 0.5, beginStep: 10, endStep: 20 };
    expect(() => new PolynomialDecay({ ...base, endStep: 5 })).toThrow(
      'endStep(=5) must be an integer >= beginStep(=10)',
    );
    expect(() => new PolynomialDecay({ ...base, endStep: -1 })).toThrow(RangeError);
    expect(() => new PolynomialDecay({ ...base, beginStep: -1 })).toThrow(
      'beginStep(=-1) must be an integer >= 0',
    );
    expect(() => new PolynomialDecay({ ...base, frequency: 0 })).toThrow(
      'frequency(=0) must be an integer > 0',
    );
    expect(() => new PolynomialDecay({ ...base, finalSparsity: 1 })).toThrow(
      'sparsity(=1) must be in [0, 1)',
    );
  });
});

describe('ConstantSparsity', () => {
  it('prunes to the target every frequency steps, forever when endStep is -1', () => {
    const constant = new ConstantSparsity({ targetSparsity: 0.5, beginStep: 0, frequency: 100 });
    expect(constant.at(1_000_000)).toEqual({ shouldPrune: true, sparsity: 0.5 });
    expect(constant.at(150).shouldPrune).toBe(false);
  });
});

describe('sparsityInForce', () => {
  it('is the sparsity of the latest pruning step, 0 before the first', () => {
    expect(sparsityInForce(schedule, 99)).toBe(0);
    expect(lastPruningStep(schedule, 157)).toBe(150);
    expect(sparsityInForce(schedule, 157)).toBeCloseTo(0.7, 12); // the mask made at step 150
    expect(lastPruningStep(schedule, 10_000)).toBe(200);
  });
});
