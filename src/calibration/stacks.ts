/**
 * The software stacks of a latency fit (fit.ts): which one is the reference,
 * and the two parameters each other stack adds to the fit's vector, from
 * index `from` on: ln factor, then ln added time per call (StackTiming).
 */
import type { StackTiming } from '../fleet/roofline.js';
import type { Measurement } from './measurements.js';
import type { Prior } from './priors.js';

/**
 * The reference stack and the others, sorted. The reference is the stack
 * the profile names, when it has rows: the one the profile models, so a
 * simulated device runs as that stack runs. (By row count alone the Pi 4's
 * int8 reference was a TVM build measured on MLPerf Tiny models, which put
 * MobileNetV2 at 59 ms where ArmNN, TFLite and ncnn measure 23-34 ms.)
 * Otherwise the stack with the most rows, the first by name on a tie.
 */
export function frameworksOf(
  rows: readonly Measurement[],
  named?: string,
): { framework: string; others: string[] } {
  const counts = new Map<string, number>();
  for (const m of rows) counts.set(m.framework, (counts.get(m.framework) ?? 0) + 1);
  const names = [...counts.keys()].sort();
  const framework =
    named !== undefined && counts.has(named)
      ? named
      : names.reduce((best, name) =>
          (counts.get(name) as number) > (counts.get(best) as number) ? name : best,
        );
  return { framework, others: names.filter((name) => name !== framework) };
}

/** A stack other than the reference is as fast within a factor 2 (one standard deviation). */
const FACTOR_PRIOR: Prior = { value: 1, spread: 2 };

/**
 * And adds per-call work the reference does not do, from a binding's
 * microseconds to an application's pre- and post-processing (milliseconds:
 * the Orin Nano's OpenCV rows). The prior is wide (10 us, spread 1000: 10
 * ns to 10 ms at one standard deviation), so calls of different lengths on
 * a stack set it. Where they cannot (a stack measured on one model), either
 * can carry the difference and the priors choose: a factor f costs
 * (ln f / ln 2)^2, an added time A (ln(A / 10 us) / ln 1000)^2, so a stack
 * twice as slow on a 100 ms call gets factor 2 (cost 1) rather than 100 ms
 * added (cost 1.8), and the added time stays near 10 us.
 */
const ADDED_PRIOR: Prior = { value: 1e-5, spread: 1000 };

/** The priors of the other stacks' parameters, in vector order. */
export function stackPriors(others: readonly string[]): Prior[] {
  return others.flatMap(() => [FACTOR_PRIOR, ADDED_PRIOR]);
}

/** Their bounds (log space): a factor within 4 either way, an added time from 1 ns to 10 s. */
export function stackBounds(others: readonly string[]): [number, number][] {
  return others.flatMap((): [number, number][] => [
    [-Math.log(4), Math.log(4)],
    [Math.log(1e-9), Math.log(10)],
  ]);
}

/**
 * Added times per call (seconds) the fit also starts every other stack's
 * from, besides its prior's 10 us: on a device whose calls take 100 ms, 10 us
 * moves a prediction by 1e-4 of itself, too little for LM to feel, so from
 * the prior alone the factor took a 50 ms added time (factor 2.24, added
 * about 10 us, where rows were made as 1.8 x t + 50 ms: fit.test.ts). Two
 * starts, 1 ms and 100 ms, find it; four (0.1 ms to 100 ms) found the same
 * fits of every shipped profile at 1.4x the time.
 */
export const ADDED_STARTS = [1e-3, 1e-1];

/** `start` with every other stack's added time (from index `from`) at `seconds`. */
export function withAddedTime(start: readonly number[], from: number, seconds: number): number[] {
  return start.map((t, j) => (j >= from && (j - from) % 2 === 1 ? Math.log(seconds) : t));
}

/** The other stacks' timings from the parameter vector (a factor and an added time each). */
export function stackTimings(
  theta: readonly number[],
  from: number,
  others: readonly string[],
): Record<string, StackTiming> {
  return Object.fromEntries(
    others.map((name, i) => [
      name,
      {
        factor: Math.exp(theta[from + 2 * i] as number),
        addedS: Math.exp(theta[from + 2 * i + 1] as number),
      },
    ]),
  );
}
