/**
 * Fixed-point encoding of float updates into the ring Z_{2^bits} for secure
 * aggregation, and back after summation.
 *
 * The mapping is Flower's (adap/flower,
 * framework/py/flwr/common/secure_aggregation/quantization.py, commit
 * aa9582d7a8f80e2dc56915d31918cbcedfda6d45): clip x to [−R, R], then
 * v = (x + R) · L / (2R) lies in [0, L] and is rounded to an integer q in
 * 0..L, where L is `levels` (Flower's `quantization_range`). The server sums
 * the q of n clients modulo 2^bits; when n · L < 2^bits the modular sum is the
 * integer sum, and Σx ≈ S · 2R / L − n · R.
 *
 * - Rounding `nearest`: q = floor(v + 0.5) (ties up), so per value
 *   |x_clipped − dequantised| ≤ R / L (half a step of 2R / L).
 * - Rounding `stochastic`: q = floor(v) + 1 with probability v − floor(v),
 *   drawn from the seeded stream given; unbiased, and per value the error is
 *   below one step, 2R / L.
 * - A sum of n values has at most n times the per-value error; the mean at
 *   most the per-value error. The float32 output adds one rounding (relative
 *   2^−24 of the result).
 * - Overflow: the sum of n values in 0..L needs ceil(log2(n · L + 1)) bits;
 *   {@link ringBitsProblem} refuses fewer, naming the bits needed.
 */
import type { RandomStream } from '../../../engine/random.js';
import type { InputProblem } from '../../../errors.js';

/** How a float update becomes ring elements. */
export interface FixedPointOptions {
  /** R > 0: values are clipped to [−R, R] before quantisation. */
  readonly clipRange: number;
  /** L: [−R, R] maps onto the integers 0..L (integer, 1 ≤ L < 2^bits). */
  readonly levels: number;
  /** The ring is Z_{2^bits}, 1 ≤ bits ≤ 32; elements are stored in Uint32Array. */
  readonly bits: number;
  /** `stochastic` needs a seeded stream; `nearest` rounds half up. */
  readonly rounding: 'stochastic' | 'nearest';
}

/** Largest ring width: elements live in Uint32Array. */
export const MAX_RING_BITS = 32;

/** Bitmask of the ring Z_{2^bits} as an int32 (−1 for 32 bits): `(a + b) & mask` wraps. */
export function ringMask(bits: number): number {
  checkRingBits(bits);
  return bits === 32 ? -1 : 2 ** bits - 1;
}

/** Throws RangeError unless bits is an integer in 1..32. */
export function checkRingBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_RING_BITS)
    throw new RangeError(`bits(=${bits}) must be an integer in 1..${MAX_RING_BITS}`);
}

/** Bits needed so that the sum of `clients` values in 0..levels cannot wrap. */
export function ringBitsNeeded(clients: number, levels: number): number {
  return Math.ceil(Math.log2(clients * levels + 1));
}

/**
 * Undefined when `clients` values in 0..levels sum without wrapping in
 * Z_{2^bits}; otherwise the problem, naming the bits needed (the lead maps it
 * to a scenario error at `path`).
 */
export function ringBitsProblem(
  clients: number,
  levels: number,
  bits: number,
  path = 'bits',
): InputProblem | undefined {
  const needed = ringBitsNeeded(clients, levels);
  if (bits >= needed) return undefined;
  return {
    path,
    value: bits,
    message:
      `a sum of ${clients} clients' values in 0..${levels} needs ${needed} bits ` +
      `(ceil(log2(${clients} * ${levels} + 1))); ${bits} bits may overflow`,
  };
}

/** Throws RangeError with {@link ringBitsProblem}'s message when the sum may overflow. */
export function assertRingBits(clients: number, levels: number, bits: number): void {
  const problem = ringBitsProblem(clients, levels, bits);
  if (problem !== undefined) throw new RangeError(`bits(=${bits}): ${problem.message}`);
}

function checkOptions(options: FixedPointOptions): void {
  const { clipRange, levels, bits } = options;
  checkRingBits(bits);
  if (!(clipRange > 0) || !Number.isFinite(clipRange))
    throw new RangeError(`clipRange(=${clipRange}) must be finite and > 0`);
  if (!Number.isInteger(levels) || levels < 1 || levels > 2 ** bits - 1)
    throw new RangeError(`levels(=${levels}) must be an integer in 1..2^${bits} - 1`);
}

/**
 * Quantises `update` into 0..levels (see the header). `rng` is required for
 * stochastic rounding and draws one number per element, in order. Throws
 * RangeError on a non-finite value, bad options or a missing stream.
 */
export function quantise(
  update: Float32Array,
  options: FixedPointOptions,
  rng?: RandomStream,
  out: Uint32Array = new Uint32Array(update.length),
): Uint32Array {
  checkOptions(options);
  if (out.length !== update.length)
    throw new RangeError(`out.length(=${out.length}) must equal update.length(=${update.length})`);
  const { clipRange: r, levels } = options;
  const perUnit = levels / (2 * r);
  const stochastic = options.rounding === 'stochastic';
  if (stochastic && rng === undefined)
    throw new RangeError('stochastic rounding needs a seeded stream (rng)');
  for (let i = 0; i < update.length; i++) {
    const x = update[i]!;
    if (!Number.isFinite(x)) throw new RangeError(`update[${i}](=${x}) must be finite`);
    const v = (Math.min(r, Math.max(-r, x)) + r) * perUnit;
    const q = stochastic
      ? Math.floor(v) + (rng!.next() < v - Math.floor(v) ? 1 : 0)
      : Math.floor(v + 0.5);
    // v can exceed L by a float rounding; the clamp keeps q a valid level.
    out[i] = Math.min(levels, Math.max(0, q));
  }
  return out;
}

/**
 * The float sum of `clients` clipped updates from their ring sum:
 * S · 2R / L − n · R per element. The caller must have checked the bits
 * (no wrap-around), so S is the integer sum.
 */
export function dequantiseSum(
  sum: Uint32Array,
  clients: number,
  options: FixedPointOptions,
  out: Float32Array = new Float32Array(sum.length),
): Float32Array {
  return dequantise(sum, clients, options, 1, out);
}

/** The float mean of `clients` clipped updates from their ring sum: the sum over n. */
export function dequantiseMean(
  sum: Uint32Array,
  clients: number,
  options: FixedPointOptions,
  out: Float32Array = new Float32Array(sum.length),
): Float32Array {
  return dequantise(sum, clients, options, 1 / clients, out);
}

function dequantise(
  sum: Uint32Array,
  clients: number,
  options: FixedPointOptions,
  factor: number,
  out: Float32Array,
): Float32Array {
  checkOptions(options);
  if (!Number.isInteger(clients) || clients < 1)
    throw new RangeError(`clients(=${clients}) must be an integer >= 1`);
  if (out.length !== sum.length)
    throw new RangeError(`out.length(=${out.length}) must equal sum.length(=${sum.length})`);
  const { clipRange: r, levels } = options;
  const step = (2 * r) / levels;
  const offset = clients * r;
  for (let i = 0; i < sum.length; i++) out[i] = (sum[i]! * step - offset) * factor;
  return out;
}
