/**
 * The x axis of a swept parameter: ticks at the values the sweep ran, on a
 * log scale when they grow geometrically (50, 100, 200, 400), a linear one
 * when evenly spaced, and as ordered categories otherwise; a plain linear
 * axis for sampled sweeps with many values.
 */
import { WIDTH } from './chart-spec.js';
import type { ParameterRole } from './columns.js';

/** How a numeric swept parameter is laid out along x. */
export type SweptScale = 'log' | 'linear' | 'ordinal';

/** Distinct values beyond which a numeric parameter gets a plain linear axis (a sampled sweep). */
export const MAX_TICKED_VALUES = 12;

/**
 * Largest ratio between the log-steps of a geometric sequence: 1.35 takes
 * 1-2-4-8 (exactly 1) and the 1-2-5-10 (1.32) and 1-3-10-30 (1.10) series
 * that sweeps use for orders of magnitude, but not 1-2-3-4 (2.4).
 */
const MAX_LOG_STEP_RATIO = 1.35;

/**
 * Whether sorted `values` grow geometrically: at least three, all positive,
 * and each step's ratio the same within `MAX_LOG_STEP_RATIO` in log terms.
 */
export function isGeometric(values: readonly number[]): boolean {
  if (values.length < 3 || !values.every((v) => v > 0 && Number.isFinite(v))) return false;
  const steps = values.slice(1).map((v, i) => Math.log(v / values[i]!));
  if (steps.some((s) => !(s > 0))) return false;
  return Math.max(...steps) <= MAX_LOG_STEP_RATIO * Math.min(...steps);
}

/** Whether sorted `values` are evenly spaced (two values always are), to 1e-9 of their range. */
export function isArithmetic(values: readonly number[]): boolean {
  if (values.length < 2 || !values.every(Number.isFinite)) return false;
  const step = values[1]! - values[0]!;
  const tolerance = 1e-9 * Math.max(Math.abs(values[0]!), Math.abs(values.at(-1)!), Math.abs(step));
  return values.slice(1).every((v, i) => Math.abs(v - values[i]! - step) <= tolerance);
}

/**
 * The scale of a numeric parameter's axis from its sorted distinct values:
 * log when geometric (three or more values), linear when evenly spaced,
 * ordinal when irregular; linear beyond `MAX_TICKED_VALUES` values.
 */
export function sweptScale(values: readonly number[]): SweptScale {
  if (values.length > MAX_TICKED_VALUES) return 'linear';
  if (isGeometric(values)) return 'log';
  return isArithmetic(values) ? 'linear' : 'ordinal';
}

/** Whether a parameter's axis is made of discrete positions (categories or ordered values). */
export function isDiscreteAxis(x: ParameterRole): boolean {
  return !x.numeric || sweptScale(x.values as number[]) === 'ordinal';
}

/** Pixels kept free at each end of a continuous axis, so points at the ends are not on its edge. */
const END_PADDING_PX = 14;

/** Pixels between series at the same x on a continuous axis, so coincident lines stay visible. */
const SERIES_GAP_PX = 5;

/**
 * Where series `index` of `count` is drawn for a swept value on a continuous
 * ticked axis: shifted by 5 px per series about the value (less when many,
 * so every shift stays within the axis' end padding), in data units of its
 * linear or log scale. Identity for discrete axes, one series, or untick
 * sampled axes.
 */
export function seriesShift(
  x: ParameterRole,
  count: number,
): (value: number, index: number) => number {
  const values = x.numeric ? (x.values as number[]) : [];
  const scale = sweptScale(values);
  if (count < 2 || values.length < 2 || values.length > MAX_TICKED_VALUES || scale === 'ordinal') {
    return (value) => value;
  }
  const gapPx = Math.min(SERIES_GAP_PX, (2 * END_PADDING_PX - 4) / (count - 1));
  const plotPx = WIDTH - 2 * END_PADDING_PX;
  const centre = (count - 1) / 2;
  const low = values[0]!;
  const high = values.at(-1)!;
  if (scale === 'log') {
    const perPx = Math.log(high / low) / plotPx;
    return (value, index) => value * Math.exp((index - centre) * gapPx * perPx);
  }
  const perPx = (high - low) / plotPx;
  return (value, index) => value + (index - centre) * gapPx * perPx;
}

/**
 * The Vega-Lite x encoding of a swept parameter, titled with its label:
 * field `x` for discrete axes, `xAt` (the value shifted per series, see
 * `seriesShift`) for continuous ones.
 */
export function sweptXEncoding(x: ParameterRole): Record<string, unknown> {
  const base = { field: isDiscreteAxis(x) ? 'x' : 'xAt', title: x.label };
  if (!x.numeric) {
    return { ...base, type: 'nominal', sort: x.values.map(String), axis: { labelAngle: 0 } };
  }
  const values = x.values as number[];
  const scale = sweptScale(values);
  if (scale === 'ordinal') {
    return { ...base, type: 'ordinal', sort: values, axis: { labelAngle: 0 } };
  }
  if (values.length > MAX_TICKED_VALUES) {
    return { ...base, type: 'quantitative', scale: { zero: false } };
  }
  return {
    ...base,
    type: 'quantitative',
    scale: {
      type: scale,
      domain: [values[0]!, values.at(-1)!],
      nice: false,
      ...(scale === 'linear' ? { zero: false } : {}),
      padding: END_PADDING_PX,
    },
    axis: { values, format: ',~r', grid: true },
  };
}
