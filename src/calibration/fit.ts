/**
 * Fits a profile's latency parameters to its calibration measurements: per
 * precision measured, the saturated conv rate (as a fraction of the peak),
 * the four operator-class efficiencies, the outputs per layer (output
 * positions on a systolic array) that fill the device to half its rate, the multiply-accumulates per output that
 * reach half of it (where the processor's priors have that term), the
 * bandwidth factor and the per-layer and per-call overheads, and for each
 * stack measured besides the reference its time factor and added time per
 * call (StackTiming), within the bounds of boundsOf. The fit minimises, with
 * Levenberg-Marquardt (ml-levenberg-marquardt) in log space,
 *
 *   sum over rows   ((ln predicted - ln measured) / ln 1.1)^2
 * + sum over params ((ln value - ln prior) / ln spread)^2,
 *
 * i.e. measurements trusted to about 10% and the priors of priors.ts as
 * log-normal. The objective has several local minima (a higher fraction of
 * peak with slow pointwise layers trades against a lower one with fast
 * pointwise and slow depthwise layers), and LM from the priors alone stopped
 * in a poor one on the A100 under the earlier fill curve (objective 18.0
 * where 7.1 existed). So the fit is multi-start (on today's rows the starts
 * agree to 0.001): LM from a fixed list of starts (startsOf), keeping the result
 * with the lowest objective, the first on a tie; deterministic. Values are
 * rounded to 4 significant digits, the form the profile file stores, so
 * `edgesim calibrate` reproduces the file exactly.
 * A precision without measurements takes the fitted precision's fraction of
 * peak and its other parameters (transferred, and marked so).
 */
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import type { HardwareProfile } from '../fleet/profiles.js';
import {
  type LatencyCalibration,
  type PrecisionThroughput,
  REFERENCE_TIMING,
  type StackTiming,
} from '../fleet/roofline.js';
import { type CostCard, PRECISIONS, type Precision } from '../vocabulary/cost-card.js';
import type { Measurement } from './measurements.js';
import { inMetric, referenceTime } from './predict.js';
import { type Prior, type Priors, priorsOf } from './priors.js';
import {
  ADDED_STARTS,
  frameworksOf,
  stackBounds,
  stackPriors,
  stackTimings,
  withAddedTime,
} from './stacks.js';

/** The fitted (or transferred) parameters of one precision. */
export interface PrecisionFit {
  precision: Precision;
  achievableFlops: number;
  calibration: LatencyCalibration;
  /** Calibration rows the fit used; 0 when transferred. */
  rows: number;
  /**
   * The software stack the parameters describe: the one the profile names
   * (its calibration's `framework`, when it has calibration rows), else the
   * one with the most calibration rows.
   */
  framework: string;
  /**
   * Other stacks in the calibration rows, each with how its times relate to
   * the reference's (fitted with the rest; fidelity applies it).
   */
  otherFrameworks: Record<string, StackTiming>;
  /** The precision whose fit this one copies, when it had no measurements. */
  transferredFrom?: Precision;
  /** The fit's objective at its (unrounded) optimum; absent when transferred. */
  objective?: number;
}

/** Options of {@link fitProfile}. */
export interface FitOptions {
  /**
   * Run LM from this one start only (an index into startsOf's list, 0 = the
   * priors, as the fit did before it was multi-start), to compare with the
   * multi-start result.
   */
  start?: number;
}

/** How far a measurement is trusted: a factor 1.1 is one standard deviation. */
const DATA_SPREAD = 1.1;

/** Rows the latency fit uses: calibration rows of time or throughput. */
export function fitRows(measurements: readonly Measurement[]): Measurement[] {
  return measurements.filter((m) => m.set === 'calibration' && m.metric !== 'energy_uj');
}

/**
 * Fits every precision the profile computes in (fallbacks aside). `cards`
 * maps the model names of the measurements to their cost cards. Returns []
 * when no precision has a calibration row.
 */
export function fitProfile(
  profile: HardwareProfile,
  measurements: readonly Measurement[],
  cards: ReadonlyMap<string, CostCard>,
  options: FitOptions = {},
): PrecisionFit[] {
  const rows = fitRows(measurements);
  const own = PRECISIONS.filter((p) => profile.throughput[p] !== undefined);
  const fitted = new Map<Precision, PrecisionFit>();
  for (const precision of own) {
    const at = rows.filter((m) => m.precision === precision);
    if (at.length > 0)
      fitted.set(precision, fitPrecision(profile, precision, at, cards, options.start));
  }
  if (fitted.size === 0) return [];
  return own.map((precision) => {
    const fit = fitted.get(precision);
    if (fit !== undefined) return fit;
    const from = nearest(precision, [...fitted.keys()]);
    const source = fitted.get(from) as PrecisionFit;
    const fraction = source.achievableFlops / peakOf(profile, from);
    return {
      precision,
      achievableFlops: round(peakOf(profile, precision) * fraction),
      calibration: source.calibration,
      rows: 0,
      framework: source.framework,
      otherFrameworks: {},
      transferredFrom: from,
    };
  });
}

const CLASSES = ['depthwise', 'pointwise', 'dense', 'elementwise'] as const;

/**
 * Bounds of the fitted log-parameters, in the order of the parameter vector
 * (undefined: 20 e-folds either side of the prior): the rate at most the
 * peak, efficiencies at most the profile's `maxEfficiency` (1.5 but for
 * a systolic array's pointwise layers, see priors.ts), the bandwidth factor within
 * [0.1, 100].
 */
function boundsOf(priors: Priors): readonly [number | undefined, number | undefined][] {
  return [
    [undefined, 0],
    ...CLASSES.map((k): [undefined, number] => [undefined, Math.log(priors.maxEfficiency[k])]),
    [undefined, undefined],
    [undefined, undefined],
    [Math.log(0.1), Math.log(100)],
    [undefined, undefined],
    [undefined, undefined],
  ];
}

/** Index of halfDepth in the parameter vector. */
const DEPTH = 1 + CLASSES.length + 1;

/** The prior of a parameter the processor does not use (it stays where it starts and is not written). */
const UNUSED: Prior = { value: 1, spread: 10 };

/** Length of the parameter vector before the other stacks' timings. */
const PARAMETERS = 1 + CLASSES.length + 5;

/**
 * The fit's problem at one precision: the parameter vector's priors and
 * bounds (log space), its decoding, and the residuals whose sum of squares
 * the fit minimises.
 */
function problemOf(
  profile: HardwareProfile,
  precision: Precision,
  rows: readonly Measurement[],
  cards: ReadonlyMap<string, CostCard>,
) {
  const priors = priorsOf(profile);
  const peak = peakOf(profile, precision);
  const prior: Prior[] = [
    priors.peakFraction,
    ...CLASSES.map((k) => priors.efficiency[k]),
    priors.halfOutputs,
    priors.halfDepth ?? UNUSED,
    priors.bandwidthFactor,
    priors.layerOverheadS,
    priors.callOverheadS,
  ];
  const named = profile.throughput[precision]?.calibration?.framework;
  const { framework, others } = frameworksOf(rows, named);
  prior.push(...stackPriors(others));
  const center = prior.map((p) => Math.log(p.value));
  const bounds = [...boundsOf(priors), ...stackBounds(others)];
  const low = bounds.map(([l], j) => l ?? (center[j] as number) - 20);
  const high = bounds.map(([, h], j) => h ?? (center[j] as number) + 20);
  const decode = (theta: readonly number[]) => {
    const [fraction, dw, pw, dense, elementwise, halfOutputs, halfDepth, bandwidth, layer, call] =
      theta.slice(0, PARAMETERS).map(Math.exp) as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
    const calibration: LatencyCalibration = {
      efficiency: { conv: 1, depthwise: dw, pointwise: pw, dense, elementwise },
      halfOutputs,
      ...(priors.halfDepth !== undefined && { halfDepth }),
      bandwidthFactor: bandwidth,
      layerOverheadS: layer,
      callOverheadS: call,
    };
    return { achievableFlops: peak * fraction, calibration };
  };
  const base = profile.throughput[precision] as PrecisionThroughput;
  // The stacks' parameters act after the reference stack's time (factor x t + added), so
  // the times are worked out again only when a model parameter moves: most of LM's
  // finite-difference steps move a stack's.
  let last: { key: string; times: number[] } | undefined;
  const referenceTimes = (theta: readonly number[]): number[] => {
    const key = theta.slice(0, PARAMETERS).join(',');
    if (last?.key === key) return last.times;
    const { achievableFlops, calibration } = decode(theta);
    const device = {
      ...profile,
      throughput: { ...profile.throughput, [precision]: { ...base, achievableFlops, calibration } },
    };
    const times = rows.map(
      (m) => referenceTime(m, cards.get(m.model) as CostCard, device) as number,
    );
    last = { key, times };
    return times;
  };
  const residuals = (theta: readonly number[]): number[] => {
    const times = referenceTimes(theta);
    const timings = stackTimings(theta, PARAMETERS, others);
    const data = rows.map((m, i) => {
      const stack = timings[m.framework] ?? REFERENCE_TIMING;
      const predicted = inMetric(m, profile, stack, times[i] as number);
      return Math.log(predicted / m.value) / Math.log(DATA_SPREAD);
    });
    const priorTerms = theta.map((t, j) =>
      j === DEPTH && priors.halfDepth === undefined
        ? 0
        : (t - (center[j] as number)) / Math.log((prior[j] as Prior).spread),
    );
    return [...data, ...priorTerms];
  };
  const objective = (theta: readonly number[]) => residuals(theta).reduce((s, r) => s + r * r, 0);
  return { center, low, high, framework, others, decode, residuals, objective };
}

/** How many starts the multi-start fit runs (startsOf's list) with `stacks` stacks besides the reference. */
export function startCount(stacks: number): number {
  return 5 + (stacks > 0 ? ADDED_STARTS.length : 0);
}

/**
 * The starts of the multi-start fit, in order (a tie keeps the first): the
 * priors; the priors with the peak fraction times 1/4, 1/2 and 2 (capped at
 * the peak); the priors with every class efficiency at 1, as fast as conv
 * (above the priors' 0.1-0.9; the bounds' geometric middle would sit 10
 * e-folds below the prior, since the lower bounds are 20 e-folds down); and,
 * with other stacks, the priors with every stack's added time at each of
 * ADDED_STARTS. startCount of them.
 */
function startsOf(center: readonly number[], high: readonly number[], stacks: number): number[][] {
  const scaled = (factor: number) =>
    center.map((t, j) => (j === 0 ? Math.min(t + Math.log(factor), high[0] as number) : t));
  const classesAtOne = center.map((t, j) => (j >= 1 && j <= CLASSES.length ? 0 : t));
  const starts = [[...center], scaled(1 / 4), scaled(1 / 2), scaled(2), classesAtOne];
  if (stacks > 0)
    starts.push(...ADDED_STARTS.map((seconds) => withAddedTime(center, PARAMETERS, seconds)));
  if (starts.length !== startCount(stacks)) throw new Error('startCount is out of date');
  return starts;
}

function fitPrecision(
  profile: HardwareProfile,
  precision: Precision,
  rows: readonly Measurement[],
  cards: ReadonlyMap<string, CostCard>,
  only?: number,
): PrecisionFit {
  const problem = problemOf(profile, precision, rows, cards);
  const { low, high, framework, others } = problem;
  const n = rows.length + problem.center.length;
  let best: { theta: number[]; objective: number } | undefined;
  const starts = startsOf(problem.center, high, others.length);
  for (const start of only === undefined ? starts : starts.slice(only, only + 1)) {
    const result = levenbergMarquardt(
      { x: Array.from({ length: n }, (_, i) => i), y: new Array<number>(n).fill(0) },
      (theta: number[]) => {
        const all = problem.residuals(theta);
        return (i: number) => all[i] as number;
      },
      {
        initialValues: start,
        minValues: low,
        maxValues: high,
        damping: 1e-2,
        gradientDifference: 1e-5,
        centralDifference: true,
        maxIterations: 500,
        errorTolerance: 1e-12,
      },
    );
    const objective = problem.objective(result.parameterValues);
    if (best === undefined || objective < best.objective)
      best = { theta: result.parameterValues, objective };
  }
  const { theta, objective } = best as { theta: number[]; objective: number };
  const { achievableFlops, calibration } = problem.decode(theta);
  return {
    precision,
    achievableFlops: round(achievableFlops),
    calibration: {
      efficiency: {
        conv: 1,
        depthwise: round(calibration.efficiency.depthwise),
        pointwise: round(calibration.efficiency.pointwise),
        dense: round(calibration.efficiency.dense),
        elementwise: round(calibration.efficiency.elementwise),
      },
      halfOutputs: round(calibration.halfOutputs),
      ...(calibration.halfDepth !== undefined && { halfDepth: round(calibration.halfDepth) }),
      bandwidthFactor: round(calibration.bandwidthFactor),
      layerOverheadS: round(calibration.layerOverheadS),
      callOverheadS: round(calibration.callOverheadS),
    },
    rows: rows.length,
    objective,
    framework,
    otherFrameworks: Object.fromEntries(
      Object.entries(stackTimings(theta, PARAMETERS, others)).map(([name, t]) => [
        name,
        { factor: round(t.factor), addedS: round(t.addedS) },
      ]),
    ),
  };
}

function peakOf(profile: HardwareProfile, precision: Precision): number {
  return (profile.throughput[precision] as PrecisionThroughput).peakFlops;
}

/** The fitted precision closest to `precision` in PRECISIONS order (the narrower on a tie). */
function nearest(precision: Precision, fitted: readonly Precision[]): Precision {
  const at = PRECISIONS.indexOf(precision);
  return [...fitted].sort(
    (a, b) =>
      Math.abs(PRECISIONS.indexOf(a) - at) - Math.abs(PRECISIONS.indexOf(b) - at) ||
      PRECISIONS.indexOf(b) - PRECISIONS.indexOf(a),
  )[0] as Precision;
}

/** 4 significant digits: what the profile file stores. */
export function round(value: number): number {
  return Number(value.toPrecision(4));
}
