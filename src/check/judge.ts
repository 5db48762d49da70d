/**
 * Judging expectations on replications: for each metric, the t confidence
 * interval of its mean over the replications; `within` when the interval
 * lies inside the allowed range, `violated` when it lies wholly outside,
 * `inconclusive` otherwise (also with one replication: no interval).
 */
import { metricUnit, metricValue } from '../plan/metrics.js';
import { meanInterval } from './interval.js';
import type { CheckReport, ExpectationResult } from './report-schema.js';
import type { CheckedExpectations } from './run-check.js';

/** The report, before --fail-on picks the outcome; `outDir` is where the runs are cached. */
export type CheckResult = Omit<CheckReport, 'outcome'> & { outDir: string };

/** Judges every expectation over `summaries` (one summary row per replication). */
export function judge(
  checked: CheckedExpectations,
  summaries: readonly Record<string, string>[],
  about: { edgesim: string; scenario: string; file: string; cached: number; outDir: string },
): CheckResult {
  const { confidence } = checked.spec;
  const expectations = checked.spec.expectations.map((e): ExpectationResult => {
    const values = summaries.map((s) => metricValue(s, e.metric));
    const ci = meanInterval(values, confidence);
    let verdict: ExpectationResult['verdict'] = 'inconclusive';
    if (ci.low >= e.low && ci.high <= e.high) verdict = 'within';
    else if (ci.high < e.low || ci.low > e.high) verdict = 'violated';
    return {
      metric: e.metric,
      expected: e.text,
      low: finite(e.low),
      high: finite(e.high),
      unit: metricUnit(e.metric).text,
      mean: finite(ci.mean),
      ciLow: finite(ci.low),
      ciHigh: finite(ci.high),
      halfWidth: finite((ci.high - ci.low) / 2),
      n: ci.n,
      verdict,
    };
  });
  const count = (v: ExpectationResult['verdict']) =>
    expectations.filter((e) => e.verdict === v).length;
  return {
    schema: 'edgesim-check/1',
    edgesim: about.edgesim,
    scenario: about.scenario,
    file: about.file,
    seed: checked.baseSeed,
    replications: summaries.length,
    cached: about.cached,
    confidence,
    counts: {
      within: count('within'),
      violated: count('violated'),
      inconclusive: count('inconclusive'),
    },
    expectations,
    outDir: about.outDir,
  };
}

/** JSON has no NaN or infinity: null stands for them. */
export function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Which verdicts fail a check: violations only (default), or inconclusive ones too. */
export type CheckFailOn = 'violated' | 'inconclusive';

/** The report with its outcome under `failOn`. */
export function checkReport(result: CheckResult, failOn: CheckFailOn): CheckReport {
  const { outDir: _outDir, ...rest } = result;
  const failed =
    result.counts.violated > 0 || (failOn === 'inconclusive' && result.counts.inconclusive > 0);
  return { ...rest, outcome: failed ? 'fail' : 'pass' };
}
