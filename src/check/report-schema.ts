/**
 * The JSON that `edgesim check --json` and `edgesim compare --json` print:
 * these zod schemas are the contract (the result types are inferred from
 * them), and {@link checkReportJsonSchema} / {@link compareReportJsonSchema}
 * publish them as JSON Schema (docs/ci.md). A `schema` field names the format
 * and its major version; fields are only ever added within a version.
 * Numbers that do not exist (an interval over one run) are null.
 */
import { z } from 'zod';

const num = z.number().nullable();

/** One expectation judged. */
export const expectationResultSchema = z.object({
  metric: z.string(),
  /** The bound as written. */
  expected: z.string(),
  /** The allowed range of the mean, in the metric's unit (null: unbounded). */
  low: num,
  high: num,
  unit: z.string(),
  mean: num,
  /** The mean's confidence interval. */
  ciLow: num,
  ciHigh: num,
  halfWidth: num,
  n: z.number().int(),
  verdict: z.enum(['within', 'violated', 'inconclusive']),
});

export const checkReportSchema = z.object({
  schema: z.literal('edgesim-check/1'),
  edgesim: z.string(),
  scenario: z.string(),
  file: z.string(),
  seed: z.number().int(),
  replications: z.number().int(),
  /** Of them, read from the cache. */
  cached: z.number().int(),
  confidence: z.number(),
  /** `pass` when no expectation fails under the --fail-on rule. */
  outcome: z.enum(['pass', 'fail']),
  counts: z.object({
    within: z.number().int(),
    violated: z.number().int(),
    inconclusive: z.number().int(),
  }),
  expectations: z.array(expectationResultSchema),
});

/** One metric (at one sweep point) compared. */
export const metricComparisonSchema = z.object({
  /** The sweep point's parameters as `path=value` pairs joined by `, `; '' for a run. */
  point: z.string(),
  metric: z.string(),
  direction: z.enum(['lower', 'higher', 'none']),
  baselineMean: num,
  candidateMean: num,
  /** candidate - baseline, and its confidence interval. */
  difference: num,
  ciLow: num,
  ciHigh: num,
  /** The same, relative to |baseline mean| (null when that is 0). */
  relativeDifference: num,
  relativeCiLow: num,
  relativeCiHigh: num,
  /** Pairs (paired) or the smaller sample (unpaired). */
  n: z.number().int(),
  verdict: z.enum(['identical', 'same', 'changed', 'improved', 'regressed']),
});

export const compareReportSchema = z.object({
  schema: z.literal('edgesim-compare/1'),
  edgesim: z.string(),
  baseline: z.object({ dir: z.string(), kind: z.enum(['run', 'sweep']), runs: z.number().int() }),
  candidate: z.object({ dir: z.string(), kind: z.enum(['run', 'sweep']), runs: z.number().int() }),
  /** Every result file byte-identical, by the manifests' SHA-256 hashes. */
  identical: z.boolean(),
  /** Paired by seed (both sides hold the same seeds at each point) or Welch's unpaired interval. */
  method: z.enum(['identical', 'paired', 'welch']),
  /** Family-wise confidence over all metrics, and each metric's (Bonferroni). */
  confidence: z.number(),
  metricConfidence: z.number(),
  /** Relative changes within +-noise are `same`. */
  noise: z.number(),
  outcome: z.enum(['pass', 'fail']),
  counts: z.object({
    identical: z.number().int(),
    same: z.number().int(),
    changed: z.number().int(),
    improved: z.number().int(),
    regressed: z.number().int(),
  }),
  metrics: z.array(metricComparisonSchema),
});

export type ExpectationResult = z.infer<typeof expectationResultSchema>;
export type CheckReport = z.infer<typeof checkReportSchema>;
export type MetricComparison = z.infer<typeof metricComparisonSchema>;
export type CompareReport = z.infer<typeof compareReportSchema>;

/**
 * JSON Schema (draft 2020-12) of a report: zod's, with objects left open to
 * fields that a later edgesim adds within the same `schema` version.
 */
function published(schema: z.ZodType): object {
  return z.toJSONSchema(schema, {
    override: (ctx) => {
      delete ctx.jsonSchema.additionalProperties;
    },
  });
}

/** JSON Schema of `edgesim check --json` (published as docs/schemas/check-report.schema.json). */
export function checkReportJsonSchema(): object {
  return published(checkReportSchema);
}

/** JSON Schema of `edgesim compare --json` (published as docs/schemas/compare-report.schema.json). */
export function compareReportJsonSchema(): object {
  return published(compareReportSchema);
}
