/**
 * `edgesim compare <baseline> <candidate>`: two result directories (runs or
 * sweeps) compared metric by metric at each sweep point present in both.
 *
 * - Byte-identical results (every hash in the manifests equal; for a sweep,
 *   sweep.csv's) are `identical`, every metric with them.
 * - Otherwise the difference of means (candidate - baseline) gets a
 *   confidence interval: paired by seed when both sides ran the same seeds
 *   at the point (common random numbers make the pairs' noise cancel), by
 *   Welch's t otherwise. Each interval's confidence is Bonferroni's
 *   1 - (1 - confidence) / m over the m comparisons, so that over all
 *   metrics at once the chance of a false change is at most 1 - confidence
 *   (default 5%): without it, 60 metrics at 95% each flag about three by
 *   chance.
 * - A metric is `same` when its interval holds 0 or lies within +-noise of
 *   the baseline mean (criterion.rs's noise threshold, whose defaults, 1%
 *   and 95% confidence, these share: bheisler/criterion.rs src/lib.rs at
 *   567405d, lines 408-413); otherwise
 *   `improved` or `regressed` by its direction (directions.ts), or
 *   `changed` when it has none. With one run a side there is no interval:
 *   equal means are `same`, others `changed`.
 */
import { InputError } from '../errors.js';
import { VERSION } from '../version.js';
import { metricDirection } from './directions.js';
import { unknownMetric } from './expectations.js';
import { type Interval, meanInterval, welchInterval } from './interval.js';
import { finite } from './judge.js';
import type { CompareReport, MetricComparison } from './report-schema.js';
import { type ResultDir, readResultDir, type Sample } from './result-dir.js';

export interface CompareOptions {
  /** Family-wise confidence over all comparisons, in (0.5, 1) (default 0.95). */
  confidence?: number;
  /** Relative changes inside +-noise are `same` (default 0.01). */
  noise?: number;
  /** Compare only these metrics (default: every numeric summary column both sides have). */
  metrics?: readonly string[];
}

/** Which verdicts fail a compare: regressions only (default), or changes without a direction too. */
export type CompareFailOn = 'regressed' | 'changed';

/** Compares two result directories; see the module header. Throws an InputError on bad input. */
export function compareDirs(
  baselineDir: string,
  candidateDir: string,
  options: CompareOptions & { failOn?: CompareFailOn } = {},
): CompareReport {
  const confidence = options.confidence ?? 0.95;
  const noise = options.noise ?? 0.01;
  const baseline = readResultDir(baselineDir);
  const candidate = readResultDir(candidateDir);
  const identical = sameHashes(baseline.hashes, candidate.hashes);
  const metrics = chooseMetrics(baseline, candidate, options.metrics);
  const points = [...baseline.points.keys()].filter((p) => candidate.points.has(p));
  const m = Math.max(1, points.length * metrics.length);
  const metricConfidence = 1 - (1 - confidence) / m;
  let paired = true;
  const results: MetricComparison[] = [];
  for (const point of points) {
    const pairs = pairBySeed(baseline.points.get(point)!, candidate.points.get(point)!);
    if (pairs === undefined) paired = false;
    for (const metric of metrics) {
      const a = values(baseline.points.get(point)!, metric);
      const b = values(candidate.points.get(point)!, metric);
      if (a.every(Number.isNaN) && b.every(Number.isNaN)) continue;
      const ci = identical
        ? exact(a, b)
        : pairs
          ? meanInterval(pairedDifferences(pairs, metric), metricConfidence)
          : welchInterval(a.filter(isNumber), b.filter(isNumber), metricConfidence);
      results.push(comparison(point, metric, a, b, ci, identical, noise));
    }
  }
  const count = (v: MetricComparison['verdict']) => results.filter((r) => r.verdict === v).length;
  const counts = {
    identical: count('identical'),
    same: count('same'),
    changed: count('changed'),
    improved: count('improved'),
    regressed: count('regressed'),
  };
  const failed = counts.regressed > 0 || (options.failOn === 'changed' && counts.changed > 0);
  return {
    schema: 'edgesim-compare/1',
    edgesim: VERSION,
    baseline: { dir: baseline.dir, kind: baseline.kind, runs: baseline.runs },
    candidate: { dir: candidate.dir, kind: candidate.kind, runs: candidate.runs },
    identical,
    method: identical ? 'identical' : paired ? 'paired' : 'welch',
    confidence,
    metricConfidence,
    noise,
    outcome: failed ? 'fail' : 'pass',
    counts,
    metrics: results,
  };
}

function sameHashes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The metrics to compare: those asked for (each must be a column of both), else every numeric column both share. */
function chooseMetrics(
  baseline: ResultDir,
  candidate: ResultDir,
  asked: readonly string[] | undefined,
): string[] {
  const shared = baseline.metrics.filter((m) => candidate.metrics.includes(m));
  if (asked !== undefined) {
    const problems = asked
      .filter((m) => !shared.includes(m))
      .map((m) => ({
        path: 'metrics',
        message: unknownMetric(m, shared.filter(numeric(baseline))),
      }));
    if (problems.length > 0) throw new InputError('--metrics', problems);
    return [...asked];
  }
  return shared.filter(numeric(baseline));
}

/** Whether a column holds a number in some run of `dir` (NaN counts: a metric without a value yet). */
function numeric(dir: ResultDir): (metric: string) => boolean {
  const samples = [...dir.points.values()].flat();
  return (metric) =>
    samples.some((s) => {
      const cell = s.cells[metric];
      return cell !== undefined && cell !== '' && (cell === 'NaN' || !Number.isNaN(Number(cell)));
    });
}

function values(samples: readonly Sample[], metric: string): number[] {
  return samples.map((s) => {
    const cell = s.cells[metric];
    return cell === undefined || cell === '' ? Number.NaN : Number(cell);
  });
}

function isNumber(value: number): boolean {
  return !Number.isNaN(value);
}

/** Baseline and candidate samples paired by seed, or undefined unless both ran exactly the same seeds once each. */
function pairBySeed(a: readonly Sample[], b: readonly Sample[]): [Sample, Sample][] | undefined {
  if (a.length !== b.length) return undefined;
  const bySeed = new Map(b.map((s) => [s.seed, s]));
  if (bySeed.size !== b.length) return undefined;
  const pairs: [Sample, Sample][] = [];
  for (const s of a) {
    const other = bySeed.get(s.seed);
    if (other === undefined) return undefined;
    pairs.push([s, other]);
  }
  return pairs;
}

function pairedDifferences(pairs: readonly [Sample, Sample][], metric: string): number[] {
  return pairs.map(([a, b]) => Number(b.cells[metric]) - Number(a.cells[metric])).filter(isNumber);
}

/** The difference of identical results: zero, exactly. */
function exact(a: readonly number[], b: readonly number[]): Interval {
  return { mean: 0, low: 0, high: 0, n: Math.min(a.length, b.length) };
}

function mean(values: readonly number[]): number {
  const kept = values.filter(isNumber);
  return kept.reduce((s, v) => s + v, 0) / kept.length;
}

function comparison(
  point: string,
  metric: string,
  a: readonly number[],
  b: readonly number[],
  ci: Interval,
  identical: boolean,
  noise: number,
): MetricComparison {
  const baselineMean = mean(a);
  const candidateMean = mean(b);
  const difference = identical ? 0 : candidateMean - baselineMean;
  const scale = Math.abs(baselineMean);
  const relative = (v: number) => (scale > 0 ? v / scale : Number.NaN);
  const direction = metricDirection(metric);
  return {
    point,
    metric,
    direction,
    baselineMean: finite(baselineMean),
    candidateMean: finite(candidateMean),
    difference: finite(difference),
    ciLow: finite(ci.low),
    ciHigh: finite(ci.high),
    relativeDifference: finite(relative(difference)),
    relativeCiLow: finite(relative(ci.low)),
    relativeCiHigh: finite(relative(ci.high)),
    n: ci.n,
    verdict: identical ? 'identical' : verdict(difference, ci, scale, noise, direction),
  };
}

function verdict(
  difference: number,
  ci: Interval,
  scale: number,
  noise: number,
  direction: ReturnType<typeof metricDirection>,
): MetricComparison['verdict'] {
  if (Number.isNaN(ci.low)) {
    // No interval (one run a side): only equality can be told.
    return difference === 0 || Number.isNaN(difference) ? 'same' : 'changed';
  }
  if (ci.low <= 0 && ci.high >= 0) return 'same';
  if (ci.low >= -noise * scale && ci.high <= noise * scale) return 'same';
  if (direction === 'none') return 'changed';
  const lower = ci.high < 0;
  return lower === (direction === 'lower') ? 'improved' : 'regressed';
}
