/**
 * Random-k sparsification with a mask shared by every client of a round.
 *
 * Stich, Cordonnier and Jaggi, "Sparsified SGD with Memory", NeurIPS 2018
 * (rand-k, with error feedback); Konečný et al., "Federated Learning:
 * Strategies for Improving Communication Efficiency", arXiv:1610.05492, 2016
 * (random masks from a shared seed, so no index is sent).
 *
 * The round's k indices come from `streams.stream('random-k', round)`:
 * Floyd's algorithm (Bentley and Floyd, "A sample of brilliance", CACM
 * 30(9), 1987) draws k distinct indices uniformly with exactly k draws, then
 * they are sorted ascending. Every client of a round, and the server, derive
 * the same mask, so only the k values go on the wire (in mask order, float32
 * or fp16, sparse.ts) and the masked vectors of a round line up coordinate by
 * coordinate, as secure aggregation needs. Values are sent unscaled (the
 * biased rand-k of Stich et al., meant for use with error feedback).
 */
import type { RandomStreams } from '../../../engine/random.js';
import {
  type CodecContext,
  checkEncodedLength,
  checkParameters,
  type UpdateCodec,
} from './codec.js';
import {
  checkFinite,
  checkRatio,
  readValues,
  sparseCount,
  type ValuePrecision,
  valueBytes,
  writeValues,
} from './sparse.js';

/**
 * k distinct indices in [0, n), ascending, drawn uniformly by Floyd's
 * algorithm from `streams.stream('random-k', round)`.
 */
export function randomMask(
  streams: RandomStreams,
  round: number,
  n: number,
  k: number,
): Uint32Array {
  if (!Number.isSafeInteger(k) || k < 1 || k > n)
    throw new RangeError(`k(=${k}) must be an integer in [1, ${n}]`);
  const rng = streams.stream('random-k', round);
  const chosen = new Uint8Array(n);
  const out = new Uint32Array(k);
  let at = 0;
  for (let j = n - k; j < n; j++) {
    const t = rng.integer(j + 1);
    const pick = chosen[t] === 1 ? j : t;
    chosen[pick] = 1;
    out[at++] = pick;
  }
  return out.sort();
}

/** Options of {@link RandomKCodec}. */
export interface RandomKOptions {
  /** Fraction of the entries sent, in (0, 1]: k = max(1, round(ratio × n)). */
  readonly ratio: number;
  /** How the values travel (default float32, exact). */
  readonly values?: ValuePrecision;
}

/** Random-k: the k values at the round's shared mask. */
export class RandomKCodec implements UpdateCodec {
  readonly name = 'random-k';
  readonly ratio: number;
  readonly values: ValuePrecision;
  private cached: { round: number; n: number; mask: Uint32Array } | undefined;

  constructor(
    options: RandomKOptions,
    private readonly streams: RandomStreams,
  ) {
    this.ratio = checkRatio(options.ratio);
    this.values = options.values ?? 'float32';
  }

  encodedBytes(parameters: number): number {
    return sparseCount(this.ratio, parameters) * valueBytes(this.values);
  }

  /** The round's shared indices for a model of `parameters` values (kept for the round). */
  mask(round: number, parameters: number): Uint32Array {
    const c = this.cached;
    if (c !== undefined && c.round === round && c.n === parameters) return c.mask;
    const mask = randomMask(this.streams, round, parameters, sparseCount(this.ratio, parameters));
    this.cached = { round, n: parameters, mask };
    return mask;
  }

  encode(delta: Float32Array, context: CodecContext): Uint8Array {
    const mask = this.mask(context.round, delta.length);
    const selected = new Float32Array(mask.length);
    for (let j = 0; j < mask.length; j++) selected[j] = delta[mask[j]!]!;
    checkFinite(selected);
    const out = new Uint8Array(this.encodedBytes(delta.length));
    writeValues(selected, this.values, out, 0);
    return out;
  }

  decode(bytes: Uint8Array, parameters: number, context: CodecContext): Float32Array {
    checkParameters(parameters);
    checkEncodedLength(this.name, bytes, this.encodedBytes(parameters));
    const mask = this.mask(context.round, parameters);
    const values = readValues(bytes, 0, mask.length, this.values);
    const out = new Float32Array(parameters);
    for (let j = 0; j < mask.length; j++) out[mask[j]!] = values[j]!;
    return out;
  }
}
