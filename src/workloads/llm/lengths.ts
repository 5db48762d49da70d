/**
 * Token counts of requests, drawn per request from the scenario's
 * distributions: `fixed`, `uniform` on the integers [min, max], or a
 * lognormal of the given mean and coefficient of variation (sigma^2 =
 * ln(1 + cv^2), mu = ln(mean) - sigma^2 / 2, so its mean before rounding and
 * clipping is `mean`), rounded to the nearest integer and clipped to
 * [1, max]. Chat traces are heavy-tailed in both lengths (e.g. the ShareGPT
 * set that vLLM's benchmarks replay), hence the lognormal.
 *
 * A trace (`lengths: { file }`) gives both counts of a request at once: a row
 * drawn uniformly at random (with replacement) from a CSV with
 * `prompt_tokens` and `output_tokens` columns, such as the Azure LLM
 * inference trace shipped in scenarios/traces/.
 */
import type { RandomStream } from '../../engine/random.js';
import { InputError } from '../../errors.js';
import { parseNumericCsv } from '../../scenario/data-file.js';
import { readParsedInput } from '../../scenario/input-cache.js';
import type { LengthSpec } from './schema.js';

/** A draw of one request's token count. */
export type LengthSampler = (stream: RandomStream) => number;

/** The sampler of `spec`. */
export function lengthSampler(spec: LengthSpec): LengthSampler {
  switch (spec.kind) {
    case 'fixed':
      return () => spec.tokens;
    case 'uniform':
      return (stream) => spec.min + stream.integer(spec.max - spec.min + 1);
    case 'lognormal': {
      const sigma2 = Math.log(1 + spec.cv * spec.cv);
      const mu = Math.log(spec.mean) - sigma2 / 2;
      const sigma = Math.sqrt(sigma2);
      return (stream) => Math.min(spec.max, Math.max(1, Math.round(stream.lognormal(mu, sigma))));
    }
  }
}

/** The largest count `spec` can give. */
export function maxLength(spec: LengthSpec): number {
  return spec.kind === 'fixed' ? spec.tokens : spec.max;
}

/** The mean count `spec` gives (the lognormal's before rounding and clipping). */
export function meanLength(spec: LengthSpec): number {
  if (spec.kind === 'fixed') return spec.tokens;
  if (spec.kind === 'uniform') return (spec.min + spec.max) / 2;
  return spec.mean;
}

/** A trace's token counts, row by row. */
export interface LengthTrace {
  readonly prompt: Int32Array;
  readonly output: Int32Array;
}

const LENGTH_TRACE = {
  id: 'llm-length-trace',
  parse(text: string, file: string): LengthTrace {
    const rows = parseNumericCsv(text, file, ['prompt_tokens', 'output_tokens']);
    const bad = rows.find((r) => r.values.some((v) => !(Number.isInteger(v) && v >= 1)));
    if (bad !== undefined)
      throw new InputError(file, [
        {
          path: `line ${bad.line}`,
          message: 'token counts must be whole numbers >= 1',
          value: bad.values.join(','),
        },
      ]);
    if (rows.length === 0)
      throw new InputError(file, [
        { path: '', message: 'no rows; expected prompt_tokens,output_tokens' },
      ]);
    return {
      prompt: Int32Array.from(rows, (r) => r.values[0]!),
      output: Int32Array.from(rows, (r) => r.values[1]!),
    };
  },
};

/** The trace at `path` (read once however many runs name it). */
export function readLengthTrace(path: string): LengthTrace {
  return readParsedInput(path, 'trace', LENGTH_TRACE);
}

/** The largest prompt + output of any row. */
export function longestRow(trace: LengthTrace): number {
  let most = 0;
  for (let i = 0; i < trace.prompt.length; i++)
    most = Math.max(most, trace.prompt[i]! + trace.output[i]!);
  return most;
}

/** How a run draws each request's prompt and output tokens. */
export interface RequestLengths {
  /** One request's [prompt, output] tokens from `stream`. */
  draw(stream: RandomStream): [number, number];
  /** The largest prompt + output a request can have. */
  readonly longest: number;
  readonly longestPrompt: number;
  readonly longestOutput: number;
  /** Mean prompt tokens (the adaptive placement's estimate of the queue ahead). */
  readonly meanPrompt: number;
}

/** The lengths of distributions for both counts (prompt first, from the same stream). */
export function distributionLengths(prompt: LengthSpec, output: LengthSpec): RequestLengths {
  const p = lengthSampler(prompt);
  const o = lengthSampler(output);
  return {
    draw: (stream) => [p(stream), o(stream)],
    longest: maxLength(prompt) + maxLength(output),
    longestPrompt: maxLength(prompt),
    longestOutput: maxLength(output),
    meanPrompt: meanLength(prompt),
  };
}

/** The lengths of a trace: a row drawn uniformly at random. */
export function traceLengths(trace: LengthTrace): RequestLengths {
  const rows = trace.prompt.length;
  let sum = 0;
  for (const p of trace.prompt) sum += p;
  return {
    draw: (stream) => {
      const i = stream.integer(rows);
      return [trace.prompt[i]!, trace.output[i]!];
    },
    longest: longestRow(trace),
    longestPrompt: Math.max(...trace.prompt),
    longestOutput: Math.max(...trace.output),
    meanPrompt: sum / rows,
  };
}
