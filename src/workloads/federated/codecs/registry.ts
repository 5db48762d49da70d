/**
 * Update codecs by name, with the strict options a scenario writes for the
 * `compress` wrapper (`wrap: [{ name: compress, codec: top-k, ratio: 0.01,
 * errorFeedback: true }]`), and whether each composes with secure
 * aggregation.
 */
import { z } from 'zod';
import type { RandomStreams } from '../../../engine/random.js';
import { Fp16Codec, Int8Codec } from './cast.js';
import type { SecureAggregationSupport, UpdateCodec } from './codec.js';
import { MAX_QSGD_LEVELS, QsgdCodec } from './qsgd.js';
import { RandomKCodec } from './random-k.js';
import type { ValuePrecision } from './sparse.js';
import { TopKCodec } from './top-k.js';

/** The registered codecs' names. */
export const CODEC_NAMES = ['top-k', 'random-k', 'qsgd', 'int8', 'fp16'] as const;
/** A registered codec's name. */
export type CodecName = (typeof CODEC_NAMES)[number];

/** A codec and its parameters, as the `compress` wrapper takes them. */
export interface CodecOptions {
  readonly codec: CodecName;
  /** top-k, random-k: fraction of entries sent, in (0, 1]. */
  readonly ratio?: number;
  /** qsgd: s, levels above zero (integer in [1, 32767]). */
  readonly levels?: number;
  /** qsgd: values per bucket, each with its own norm (default: the whole update). */
  readonly bucket?: number;
  /** top-k, random-k: precision of the sent values (default float32). */
  readonly values?: ValuePrecision;
  /** Keep each client's residual and add it to its next update (default false). */
  readonly errorFeedback?: boolean;
}

/** Which options each codec reads (besides `codec` and `errorFeedback`). */
const READS: Record<CodecName, readonly ('ratio' | 'levels' | 'bucket' | 'values')[]> = {
  'top-k': ['ratio', 'values'],
  'random-k': ['ratio', 'values'],
  qsgd: ['levels', 'bucket'],
  int8: [],
  fp16: [],
};
/** Which of those it cannot do without. */
const NEEDS: Record<CodecName, readonly ('ratio' | 'levels')[]> = {
  'top-k': ['ratio'],
  'random-k': ['ratio'],
  qsgd: ['levels'],
  int8: [],
  fp16: [],
};

/** The `compress` wrapper's options as a scenario writes them (strict). */
export const compressOptions = z
  .strictObject({
    codec: z.enum(CODEC_NAMES).describe(`The update codec: ${CODEC_NAMES.join(', ')}`),
    ratio: z
      .number()
      .gt(0, { error: 'ratio must be in (0, 1]' })
      .lte(1, { error: 'ratio must be in (0, 1]' })
      .optional()
      .describe('top-k, random-k: fraction of the entries sent, in (0, 1]'),
    levels: z
      .number()
      .int()
      .min(1)
      .max(MAX_QSGD_LEVELS)
      .optional()
      .describe(`qsgd: s, quantisation levels above zero (1..${MAX_QSGD_LEVELS})`),
    bucket: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('qsgd: values per bucket, each with its own norm (default: the whole update)'),
    values: z
      .enum(['float32', 'fp16'])
      .optional()
      .describe('top-k, random-k: precision of the sent values (default float32)'),
    errorFeedback: z
      .boolean()
      .optional()
      .describe("Keep each client's compression residual for its next update (default false)"),
  })
  .superRefine((options, ctx) => {
    for (const problem of codecOptionProblems(options))
      ctx.addIssue({ code: 'custom', path: [problem.option], message: problem.message });
  });

/** Options given that the codec does not read, and options it needs that are missing. */
export function codecOptionProblems(options: CodecOptions): { option: string; message: string }[] {
  const reads: readonly string[] = READS[options.codec];
  const problems: { option: string; message: string }[] = [];
  for (const option of ['ratio', 'levels', 'bucket', 'values'] as const)
    if (options[option] !== undefined && !reads.includes(option))
      problems.push({ option, message: `codec ${options.codec} does not take ${option}` });
  for (const option of NEEDS[options.codec])
    if (options[option] === undefined)
      problems.push({ option, message: `codec ${options.codec} needs ${option}` });
  return problems;
}

/**
 * The codec `options` name, with its parameters; throws a RangeError naming
 * a missing, unexpected or bad option (a ratio outside (0, 1], ...).
 */
export function createCodec(options: CodecOptions, streams: RandomStreams): UpdateCodec {
  if (!Object.hasOwn(READS, options.codec))
    throw new RangeError(`codec(=${options.codec}) must be one of ${CODEC_NAMES.join(', ')}`);
  const [problem] = codecOptionProblems(options);
  if (problem !== undefined) throw new RangeError(problem.message);
  switch (options.codec) {
    case 'top-k':
      return new TopKCodec({ ratio: options.ratio!, values: options.values ?? 'float32' });
    case 'random-k':
      return new RandomKCodec(
        { ratio: options.ratio!, values: options.values ?? 'float32' },
        streams,
      );
    case 'qsgd':
      return new QsgdCodec({ levels: options.levels!, bucket: options.bucket }, streams);
    case 'int8':
      return new Int8Codec();
    case 'fp16':
      return new Fp16Codec();
  }
}

/**
 * Whether updates encoded by `codec` can be summed under secure aggregation:
 * the quantisers (qsgd, int8, fp16) give dense vectors and random-k's mask is
 * shared by the round, so the masked vectors line up; top-k's indices differ
 * per client, so the server would need them in the clear.
 */
export function secureAggregationSupport(codec: CodecName): SecureAggregationSupport {
  return codec === 'top-k'
    ? {
        composes: false,
        reason: 'top-k needs shared indices: use random-k under secure aggregation',
      }
    : { composes: true };
}
