/**
 * Options shared by the strategies, and their checks: each check resolves a
 * value or its default and names the value in the error, as in
 * `serverLearningRate(=0) must be > 0`. The zod shapes are the same options as
 * a scenario file writes them: each strategy extends them into a strict schema
 * of its own options, so a misspelt option is an error, not a default.
 */
import { z } from 'zod';
import { describeValue } from '../../../errors.js';

/** Options every strategy of the FedAvg family accepts. */
export interface FedAvgOptions {
  /**
   * Aggregate a round in which some selected clients failed, from the results
   * that did arrive (default true, as in Flower). When false, such a round is
   * skipped.
   */
  readonly acceptFailures?: boolean;
}

/** Options of strategies that apply a server learning rate to the round's update. */
export interface ServerLearningRateOptions extends FedAvgOptions {
  /** The server's step size η (> 0). */
  readonly serverLearningRate?: number;
}

/** The options every FedAvg-family strategy accepts, as a scenario writes them. */
export const fedAvgOptionsShape = {
  acceptFailures: z
    .boolean()
    .optional()
    .describe('Aggregate a round in which some clients failed (default true)'),
};

/** {@link fedAvgOptionsShape} plus the server learning rate η. */
export const serverLearningRateShape = {
  ...fedAvgOptionsShape,
  serverLearningRate: z.number().positive().optional().describe("The server's step size η (> 0)"),
};

/** A decay rate in [0, 1), such as β1, β2 or a momentum. */
export const decayRateOption = (description: string) =>
  z.number().min(0).lt(1).optional().describe(description);

function fail(name: string, value: unknown, requirement: string): never {
  throw new RangeError(`${name}(=${describeValue(value)}) must be ${requirement}`);
}

/** A finite number > 0; `fallback` when `value` is undefined (required when neither is given). */
export function positive(name: string, value: number | undefined, fallback?: number): number {
  const v = value ?? fallback;
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) fail(name, v, '> 0');
  return v;
}

/** A finite number ≥ 0. */
export function nonNegative(name: string, value: number | undefined, fallback?: number): number {
  const v = value ?? fallback;
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) fail(name, v, '>= 0');
  return v;
}

/** A number in [0, 1): a decay rate such as β1 or a momentum. */
export function decayRate(name: string, value: number | undefined, fallback?: number): number {
  const v = value ?? fallback;
  if (!(typeof v === 'number' && v >= 0 && v < 1)) fail(name, v, 'in [0, 1)');
  return v;
}

/** An integer ≥ 1 with no default. */
export function count(name: string, value: number | undefined): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1))
    fail(name, value, 'an integer >= 1');
  return value;
}

/** A boolean. */
export function flag(name: string, value: boolean | undefined, fallback: boolean): boolean {
  const v = value ?? fallback;
  if (typeof v !== 'boolean') fail(name, v, 'true or false');
  return v;
}

/**
 * Checks `options` against a strict schema inside a zod transform: its
 * issues go to `ctx`, and a key the schema lacks becomes an issue at that key
 * listing the valid ones (`unknown option of strategy fedavg; expected one
 * of: name, acceptFailures`). Returns the parsed options, or undefined on an
 * issue. `what` names the block, such as `strategy fedavg`.
 */
export function checkStrictOptions(
  what: string,
  schema: z.ZodObject,
  options: Record<string, unknown>,
  ctx: z.RefinementCtx,
): Record<string, unknown> | undefined {
  const result = schema.safeParse(options, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    if (issue.code !== 'unrecognized_keys') {
      ctx.addIssue({ ...issue });
      continue;
    }
    const valid = ['name', ...Object.keys(schema.shape)].join(', ');
    for (const key of issue.keys) {
      const message = `unknown option of ${what}; expected one of: ${valid}`;
      ctx.addIssue({ code: 'custom', path: [key], message, input: options });
    }
  }
  return undefined;
}
