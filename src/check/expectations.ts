/**
 * An expectations file (or a scenario's `expect:` block): bounds on the
 * summary.csv metrics of a scenario's runs and how many replications to
 * judge them over.
 *
 * ```yaml
 * replications: 5               # or until: { ciHalfWidth: 1%, min: 3, max: 30 }
 * confidence: 95%               # of each mean's interval (default 95%)
 * metrics:
 *   latency_p95_s: { max: 150 ms }
 *   slo_attainment: { min: 0.99 }
 *   energy_per_inference_j: { approx: 0.87, rel: 2% }   # or abs: 0.01 J
 * ```
 *
 * Bounds are in the metric's unit, read from its name (plan/metrics.ts): a
 * number as it is, text with a unit of the metric's kind (`150 ms` for a
 * `_s` metric; `150 J` there is rejected with its path).
 */
import { z } from 'zod';
import { InputError, type InputProblem } from '../errors.js';
import { parseBound } from '../plan/metrics.js';
import { toProblems } from '../scenario/problems.js';
import { parseQuantity } from '../scenario/units.js';

/** Most replications an expectations file may ask for. */
export const MAX_CHECK_REPLICATIONS = 100;

const bound = z.union([z.number(), z.string()]);
const metricSchema = z
  .strictObject({
    min: bound.optional(),
    max: bound.optional(),
    approx: bound.optional(),
    rel: bound.optional(),
    abs: bound.optional(),
  })
  .superRefine((m, ctx) => {
    const approx = m.approx !== undefined;
    if (approx && (m.min !== undefined || m.max !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give approx with rel or abs, or min/max, not both',
      });
    } else if (approx && (m.rel === undefined) === (m.abs === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'approx needs one tolerance: rel (2%) or abs' });
    } else if (!approx && (m.rel !== undefined || m.abs !== undefined)) {
      ctx.addIssue({ code: 'custom', message: 'rel and abs are tolerances of approx; add approx' });
    } else if (!approx && m.min === undefined && m.max === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected min, max, or approx with rel or abs' });
    }
  });
const count = z.number().int().min(1).max(MAX_CHECK_REPLICATIONS);
const expectSchema = z
  .strictObject({
    replications: count.optional(),
    until: z
      .strictObject({ ciHalfWidth: bound, min: count.default(3), max: count.default(30) })
      .refine((u) => u.min <= u.max, { error: 'min must be at most max', path: ['max'] })
      .optional(),
    confidence: bound.default(0.95),
    metrics: z.record(
      z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a summary.csv column name'),
      metricSchema,
    ),
  })
  .refine((e) => e.replications === undefined || e.until === undefined, {
    error: 'give replications or until, not both',
    path: ['until'],
  });

/** One metric's bound, in the metric's unit: the interval of allowed means (either end may be infinite). */
export interface Expectation {
  metric: string;
  /** As written, for reports: `max 0.15`, `approx 0.87 rel 2%`. */
  text: string;
  /** The allowed range of the metric's mean. */
  low: number;
  high: number;
}

/** How many replications to run: a fixed count, or until every interval is narrow enough. */
export type ReplicationPolicy =
  | { kind: 'fixed'; count: number }
  | { kind: 'until'; relativeHalfWidth: number; min: number; max: number };

export interface ExpectSpec {
  expectations: Expectation[];
  replications: ReplicationPolicy;
  /** Confidence of each mean's interval, in (0.5, 1). */
  confidence: number;
}

/** Default replications when the file names neither `replications` nor `until`. */
export const DEFAULT_REPLICATIONS = 5;

/**
 * Reads an expectations block. `prefix` is where it sits in `file` (`expect`
 * inside a scenario, '' for a file of its own) and prefixes every path of the
 * InputError thrown for bad fields, bounds whose unit does not fit the
 * metric, or metrics not in `known` (when given; the message lists them).
 */
export function parseExpectations(
  block: unknown,
  file: string,
  prefix: string,
  known?: readonly string[],
): ExpectSpec {
  const parsed = expectSchema.safeParse(block, { reportInput: true });
  const at = (path: string) => (prefix === '' ? path : path === '' ? prefix : `${prefix}.${path}`);
  if (!parsed.success) {
    const problems = toProblems(parsed.error.issues, expectSchema);
    throw new InputError(
      file,
      problems.map((p) => ({ ...p, path: at(p.path) })),
    );
  }
  const raw = parsed.data;
  const problems: InputProblem[] = [];
  const expectations: Expectation[] = [];
  for (const [metric, m] of Object.entries(raw.metrics)) {
    const where = at(`metrics.${metric}`);
    if (known !== undefined && !known.includes(metric)) {
      problems.push({ path: where, message: unknownMetric(metric, known) });
      continue;
    }
    const read = (field: 'min' | 'max' | 'approx' | 'abs'): number => {
      const value = m[field];
      if (value === undefined) return Number.NaN;
      const result = parseBound(metric, value);
      if (result.ok) return result.value;
      problems.push({ path: `${where}.${field}`, message: result.message, value });
      return Number.NaN;
    };
    const text = Object.entries(m)
      .map(([k, v]) => `${k} ${v}`)
      .join(' ');
    if (m.approx !== undefined) {
      const centre = read('approx');
      let tolerance = read('abs');
      if (m.rel !== undefined) {
        const rel = parseQuantity(m.rel, 'fraction', { min: 0 });
        if (rel.ok) tolerance = Math.abs(centre) * rel.value;
        else problems.push({ path: `${where}.rel`, message: rel.message, value: m.rel });
      }
      expectations.push({ metric, text, low: centre - tolerance, high: centre + tolerance });
    } else {
      const low = m.min === undefined ? Number.NEGATIVE_INFINITY : read('min');
      const high = m.max === undefined ? Number.POSITIVE_INFINITY : read('max');
      if (low > high)
        problems.push({ path: `${where}.max`, message: `max is below min (${high} < ${low})` });
      expectations.push({ metric, text, low, high });
    }
  }
  if (expectations.length === 0 && problems.length === 0)
    problems.push({ path: at('metrics'), message: 'no metrics: give at least one' });
  const confidence = parseQuantity(raw.confidence, 'fraction', {
    min: 0.5,
    max: 1,
    exclusiveMax: true,
  });
  if (!confidence.ok)
    problems.push({ path: at('confidence'), message: confidence.message, value: raw.confidence });
  let replications: ReplicationPolicy = {
    kind: 'fixed',
    count: raw.replications ?? DEFAULT_REPLICATIONS,
  };
  if (raw.until !== undefined) {
    const width = parseQuantity(raw.until.ciHalfWidth, 'fraction', { min: 0, exclusiveMin: true });
    if (!width.ok) {
      const value = raw.until.ciHalfWidth;
      problems.push({ path: at('until.ciHalfWidth'), message: width.message, value });
    }
    replications = {
      kind: 'until',
      relativeHalfWidth: width.ok ? width.value : Number.NaN,
      min: raw.until.min,
      max: raw.until.max,
    };
  }
  if (problems.length > 0) throw new InputError(file, problems);
  return { expectations, replications, confidence: confidence.ok ? confidence.value : 0.95 };
}

/**
 * Why a metric is unknown, listing the known ones: those sharing a word with
 * it first, then the rest in file order, as many as fit in an error message
 * (whose problems are cut at 400 characters), then how many more there are.
 */
export function unknownMetric(metric: string, known: readonly string[]): string {
  const words = new Set(metric.split('_').filter((w) => w.length > 1));
  const shared = (m: string) => m.split('_').filter((w) => words.has(w)).length;
  const ordered = known
    .map((m, i) => ({ m, i, n: shared(m) }))
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .map((c) => c.m);
  const head = `unknown metric "${metric}"; summary.csv has: `;
  const listed: string[] = [];
  let chars = head.length;
  for (const m of ordered) {
    if (chars + m.length + 2 > 340) break;
    listed.push(m);
    chars += m.length + 2;
  }
  const more = ordered.length - listed.length;
  return `${head}${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/**
 * JSON Schema (draft 2020-12) of an expectations file, for editors
 * (published as docs/schemas/expectations.schema.json). It checks the
 * fields; units and metric names are checked by `check` and `validate`.
 */
export function expectationsJsonSchema(): object {
  return z.toJSONSchema(expectSchema, { io: 'input', unrepresentable: 'any' });
}
