/**
 * Codecs for client updates: how a client's update Δ = w_k − w_global (one
 * flat Float32Array) becomes the bytes it uploads, and how the server turns
 * those bytes back into a Δ. Each codec's `encode` returns the real wire
 * encoding, and `encodedBytes(parameters)` is its exact length, known before
 * any update exists (the round driver charges upload time and energy before a
 * client trains). No codec writes a length or a model size: both ends know
 * the model's parameter count.
 *
 * Multi-byte fields are little-endian (every host Node runs on is; the
 * module refuses to load on another).
 */

/** Who encodes, and when: codecs with randomness draw it from streams keyed by these. */
export interface CodecContext {
  /** The round, from 1. */
  readonly round: number;
  readonly clientId: number;
}

/** Whether a codec's encoded updates can be summed under secure aggregation, and if not, why. */
export type SecureAggregationSupport =
  | { readonly composes: true }
  | { readonly composes: false; readonly reason: string };

/** One way of encoding an update on the wire. */
export interface UpdateCodec {
  /** The codec's name as a scenario writes it, such as `top-k`. */
  readonly name: string;
  /** Bytes `encode` returns for an update of `parameters` values (exact, data-independent). */
  encodedBytes(parameters: number): number;
  /**
   * The wire bytes of `delta` (not modified), exactly `encodedBytes(delta.length)` long.
   * Throws a RangeError on a value the format cannot carry (a non-finite value).
   */
  encode(delta: Float32Array, context: CodecContext): Uint8Array;
  /** The update `bytes` stand for: `parameters` values, in a new array. */
  decode(bytes: Uint8Array, parameters: number, context: CodecContext): Float32Array;
}

if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1)
  throw new Error('edgesim codecs write little-endian bytes and need a little-endian host');

/** Checks that `parameters` is an integer ≥ 1. */
export function checkParameters(parameters: number): void {
  if (!Number.isSafeInteger(parameters) || parameters < 1)
    throw new RangeError(`parameters(=${parameters}) must be an integer >= 1`);
}

/** Checks that `bytes` is `expected` long (what `encode` wrote for this model size). */
export function checkEncodedLength(name: string, bytes: Uint8Array, expected: number): void {
  if (bytes.length !== expected)
    throw new RangeError(
      `${name}: ${bytes.length} bytes do not decode to this model (expected ${expected})`,
    );
}

/** The raw bytes of a typed array, as a view. */
export function bytesOf(values: Float32Array | Uint16Array | Int8Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** A float32 ≥ `x` (x finite and ≥ 0): the value rounded up to float32. */
export function float32Up(x: number): number {
  const rounded = Math.fround(x);
  if (rounded >= x) return rounded;
  const bits = new Uint32Array(Float32Array.of(rounded).buffer);
  bits[0] = bits[0]! + 1;
  return new Float32Array(bits.buffer)[0]!;
}
