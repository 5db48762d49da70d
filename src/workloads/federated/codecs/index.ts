/** Update codecs (the `compress` wrapper's kernels): one module, one export list. */
export { Fp16Codec, Int8Codec } from './cast.js';
export type { CodecContext, SecureAggregationSupport, UpdateCodec } from './codec.js';
export type { CompressedUpdate } from './error-feedback.js';
export { ErrorFeedback } from './error-feedback.js';
export type { QsgdOptions } from './qsgd.js';
export { MAX_QSGD_LEVELS, QsgdCodec, qsgdCodeBits } from './qsgd.js';
export type { RandomKOptions } from './random-k.js';
export { RandomKCodec, randomMask } from './random-k.js';
export type { CodecName, CodecOptions } from './registry.js';
export {
  CODEC_NAMES,
  codecOptionProblems,
  compressOptions,
  createCodec,
  secureAggregationSupport,
} from './registry.js';
export type { ValuePrecision } from './sparse.js';
export { indexBits, sparseCount } from './sparse.js';
export type { TopKOptions } from './top-k.js';
export { TopKCodec, topKIndices } from './top-k.js';
