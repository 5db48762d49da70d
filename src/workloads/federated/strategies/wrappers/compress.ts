/**
 * Compressed client updates: each client encodes its update Δ = w_k − w_global
 * with a codec (top-k, random-k, QSGD, int8, fp16; see ../../codecs/), and
 * what reaches the server is the decoded Δ: the update's weights become
 * w_global + decode(encode(Δ)). With error feedback (Seide et al. 2014;
 * Stich et al. 2018; Karimireddy et al. 2019) each client adds what its
 * previous encodings dropped, kept here per client id across rounds.
 *
 * Konečný et al., "Federated Learning: Strategies for Improving Communication
 * Efficiency", arXiv:1610.05492, 2016, compress the upload this way (the
 * "sketched updates"); FLSim and FedML ship the same compressors as client
 * channels. The encoding runs in the client hook's `finish` (in the round
 * driver's thread, in client-id order, so runs repeat exactly), and the
 * upload the round driver charges is the codec's exact encoded size.
 */
import type { RandomStreams } from '../../../../engine/random.js';
import type { CodecContext, SecureAggregationSupport, UpdateCodec } from '../../codecs/codec.js';
import { ErrorFeedback } from '../../codecs/error-feedback.js';
import {
  type CodecOptions,
  compressOptions,
  createCodec,
  secureAggregationSupport,
} from '../../codecs/registry.js';
import type { ClientContext, ClientHook } from '../client-hook.js';
import {
  BYTES_PER_PARAMETER,
  type ClientCost,
  type ClientUpdate,
  type Strategy,
} from '../strategy.js';
import { WrappedStrategy } from './wrapped.js';

export { secureAggregationSupport };

/** The compress wrapper's options: a codec, its parameters and error feedback. */
export type CompressOptions = CodecOptions;

/** The compress wrapper's options as a scenario writes them (strict; see codecs/registry.ts). */
export { compressOptions };

/** Sends each client's update through a codec; the server aggregates the decoded updates. */
export class CompressedStrategy extends WrappedStrategy {
  override readonly clientHook: ClientHook;
  readonly codec: UpdateCodec;
  /** Per-client residual memory, when error feedback is on. */
  readonly feedback: ErrorFeedback | undefined;
  /** Whether the codec's updates can be summed under secure aggregation, and if not, why. */
  readonly secureAggregation: SecureAggregationSupport;

  /**
   * Wraps `inner`; `streams` seeds the codecs that draw (random-k's round
   * mask, QSGD's rounding). Throws a RangeError naming a bad option.
   */
  constructor(inner: Strategy, options: CompressOptions, streams: RandomStreams) {
    super(inner, 'compress');
    this.codec = createCodec(options, streams);
    this.feedback = options.errorFeedback === true ? new ErrorFeedback(this.codec) : undefined;
    this.secureAggregation = secureAggregationSupport(options.codec);
    const innerHook = inner.clientHook;
    this.clientHook = {
      prepare: (context) => innerHook.prepare(context),
      finish: (context, trained) => this.compress(context, innerHook.finish(context, trained)),
    };
  }

  /**
   * The inner strategy's cost with the model upload (4 bytes a parameter)
   * replaced by the encoded update; anything else the inner uploads (SCAFFOLD's
   * control delta) stays as it was, uncompressed.
   */
  override clientCost(parameters: number): ClientCost {
    const cost = this.inner.clientCost(parameters);
    const modelBytes = parameters * BYTES_PER_PARAMETER;
    if (cost.bytesUp < modelBytes)
      throw new RangeError(
        `${this.inner.name} uploads ${cost.bytesUp} bytes, less than its model (${modelBytes}): nothing to compress`,
      );
    return { ...cost, bytesUp: cost.bytesUp - modelBytes + this.codec.encodedBytes(parameters) };
  }

  /** The update with weights w_global + decode(encode(Δ (+ memory))). */
  private compress(context: ClientContext, update: ClientUpdate): ClientUpdate {
    const { global } = context;
    const n = global.length;
    if (update.weights.length !== n)
      throw new RangeError(
        `client ${update.clientId}: ${update.weights.length} weights, model ${n}`,
      );
    const delta = new Float32Array(n);
    for (let i = 0; i < n; i++) delta[i] = update.weights[i]! - global[i]!;
    const at: CodecContext = { round: context.round, clientId: update.clientId };
    const decoded =
      this.feedback?.compress(delta, at).decoded ??
      this.codec.decode(this.codec.encode(delta, at), n, at);
    const weights = new Float32Array(n);
    for (let i = 0; i < n; i++) weights[i] = global[i]! + decoded[i]!;
    return { ...update, weights };
  }
}
