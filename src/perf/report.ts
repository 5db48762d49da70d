/**
 * What `edgesim bench` reports (`--json`, and the file `--save` writes, which
 * `--baseline` reads back): the machine, each scenario's timings and their
 * summary, and, against a baseline, each scenario's ratio of run times with
 * its confidence interval and a verdict. The zod schema is the contract;
 * {@link benchReportJsonSchema} publishes it (docs/schemas/bench-report.schema.json).
 *
 * The verdict, with the ratio r = candidate / baseline (Hodges-Lehmann, see
 * timing-stats.ts) and its interval [low, high]:
 * - `regressed` (the build fails): r > 1 + failIfSlower and low > 1 + noise,
 *   a slowdown past the threshold that the machine's noise does not explain;
 * - `slower`: low > 1 + noise (but not regressed);
 * - `faster`: high < 1 / (1 + noise);
 * - `same`: the interval reaches into the noise band;
 * - `inconclusive`: too few runs for an interval, or a scenario file that
 *   changed since the saved baseline (it times other work);
 * - `new`: not in the saved baseline.
 * The confidence is family-wise over the benchmarks compared (Bonferroni).
 */
import { z } from 'zod';
import { median, medianAbsoluteDeviation, ratioInterval } from './timing-stats.js';

const timing = z.object({
  wallS: z.number().positive(),
  cpuS: z.number().positive(),
  importWallS: z.number().nonnegative(),
});

/** Every verdict, in the order reports count them. */
export const VERDICTS = ['same', 'faster', 'slower', 'regressed', 'inconclusive', 'new'] as const;

const verdict = z.enum(VERDICTS);

export const comparisonSchema = z.object({
  /** Where the baseline's timings come from: a saved report or a build run in alternation. */
  source: z.enum(['saved', 'build']),
  /** Null for a benchmark the saved baseline does not have (`new`). */
  baselineMedianS: z.number().nullable(),
  /** The baseline's timings of the measure (a build's, or the saved report's). */
  baselineS: z.array(z.number()),
  ratio: z.number().nullable(),
  ciLow: z.number().nullable(),
  ciHigh: z.number().nullable(),
  /** The scenario file's SHA-256 differs from the saved baseline's: the verdict is `inconclusive`. */
  scenarioChanged: z.boolean(),
  /** The saved baseline ran on another machine (CPUs, CPU model, Node, platform): the ratio may be the machine's. */
  machineChanged: z.boolean(),
  verdict,
});

export const benchmarkSchema = z.object({
  /** The scenario file as given, relative to the working directory: how baselines match benchmarks. */
  name: z.string(),
  sha256: z.string(),
  seed: z.number().int().nullable(),
  runs: z.array(timing).min(1),
  /** Of the measure's timings, in seconds. */
  minS: z.number(),
  medianS: z.number(),
  madS: z.number(),
  comparison: comparisonSchema.nullable(),
});

export const benchReportSchema = z.object({
  schema: z.literal('edgesim-bench/1'),
  edgesim: z.string(),
  commit: z.string().nullable(),
  machine: z.object({
    cpus: z.number().int(),
    cpuModel: z.string(),
    node: z.string(),
    platform: z.string(),
  }),
  /** What the verdicts compare: the run's CPU seconds (all threads) or its wall seconds. */
  measure: z.enum(['cpu', 'wall']),
  runs: z.number().int(),
  warmup: z.number().int(),
  confidence: z.number(),
  noise: z.number(),
  failIfSlower: z.number().nullable(),
  /** The saved report (`--baseline`) or the build (`--against`) compared with; null for none. */
  baseline: z.string().nullable(),
  outcome: z.enum(['pass', 'fail']),
  counts: z.record(verdict, z.number().int()),
  benchmarks: z.array(benchmarkSchema),
});

export type BenchReport = z.infer<typeof benchReportSchema>;
export type Benchmark = z.infer<typeof benchmarkSchema>;
export type Comparison = z.infer<typeof comparisonSchema>;
export type Verdict = z.infer<typeof verdict>;
export type Measure = BenchReport['measure'];
export type Timing = z.infer<typeof timing>;

/** The timings of `measure`, in seconds. */
export function measured(runs: readonly Timing[], measure: Measure): number[] {
  return runs.map((r) => (measure === 'cpu' ? r.cpuS : r.wallS));
}

/** How a comparison decides. */
export interface DecisionRule {
  /** Family-wise confidence of the intervals. */
  confidence: number;
  /** Ratios within [1 / (1 + noise), 1 + noise] are noise. */
  noise: number;
  /** Fail when slower than 1 + this (and confidently slower than the noise); none: never fail. */
  failIfSlower: number | null;
  /** Benchmarks compared at once (for Bonferroni). */
  family: number;
}

/** The comparison of a benchmark's timings with a baseline's. */
export function compareTimings(
  baseline: readonly number[],
  candidate: readonly number[],
  rule: DecisionRule,
): Pick<Comparison, 'baselineMedianS' | 'baselineS' | 'ratio' | 'ciLow' | 'ciHigh' | 'verdict'> {
  const each = 1 - (1 - rule.confidence) / Math.max(1, rule.family);
  const { ratio, low, high } = ratioInterval(baseline, candidate, each);
  const interval = Number.isNaN(low) ? null : { low, high };
  let result: Verdict = 'inconclusive';
  if (interval !== null) {
    const slower = interval.low > 1 + rule.noise;
    if (slower && rule.failIfSlower !== null && ratio > 1 + rule.failIfSlower) result = 'regressed';
    else if (slower) result = 'slower';
    else if (interval.high < 1 / (1 + rule.noise)) result = 'faster';
    else result = 'same';
  }
  return {
    baselineMedianS: median(baseline),
    baselineS: [...baseline],
    ratio,
    ciLow: interval?.low ?? null,
    ciHigh: interval?.high ?? null,
    verdict: result,
  };
}

/** Min, median and MAD of a benchmark's timings of `measure`. */
export function summarise(
  runs: readonly Timing[],
  measure: Measure,
): Pick<Benchmark, 'minS' | 'medianS' | 'madS'> {
  const values = measured(runs, measure);
  return {
    minS: Math.min(...values),
    medianS: median(values),
    madS: medianAbsoluteDeviation(values),
  };
}

/** JSON Schema (draft 2020-12) of the report, open to fields a later edgesim adds within `edgesim-bench/1`. */
export function benchReportJsonSchema(): object {
  return z.toJSONSchema(benchReportSchema, {
    override: (ctx) => {
      delete ctx.jsonSchema.additionalProperties;
    },
  });
}
