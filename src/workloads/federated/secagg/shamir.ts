/**
 * Shamir t-of-n secret sharing (Shamir, "How to share a secret", CACM 1979)
 * of 32-byte secrets over the prime field GF(p), p = 2^127 − 1 (a Mersenne
 * prime, so reduction is a shift and an add), with BigInt.
 *
 * - A secret is cut into three chunks read big-endian: bytes [0, 15),
 *   [15, 30) and [30, 32), each below 2^120 < p. Each chunk is shared with its
 *   own random polynomial of degree t − 1 whose constant term is the chunk.
 * - A share is the three field elements at x, each 16 bytes big-endian:
 *   48 bytes. x is the holder's client id + 1 (ids are < 2^32 − 1, so x is a
 *   distinct nonzero element); it travels as the holder's id, not in the share.
 * - Coefficients come from caller-given random bytes, 16 per coefficient
 *   reduced modulo p (bias below 2^−126).
 * - Reconstruction: Lagrange interpolation at 0 from any t shares.
 */

/** The field prime 2^127 − 1. */
export const FIELD_PRIME = (1n << 127n) - 1n;
/** Bytes of one share of a 32-byte secret: three 16-byte field elements. */
export const SHARE_BYTES = 48;
/** Bytes of a shared secret. */
export const SECRET_BYTES = 32;
const CHUNKS: readonly (readonly [number, number])[] = [
  [0, 15],
  [15, 30],
  [30, 32],
];
const ELEMENT_BYTES = 16;

/** Random bytes {@link splitSecret} needs for a threshold: 16 per coefficient, t − 1 per chunk. */
export function shareRandomBytes(threshold: number): number {
  return (threshold - 1) * CHUNKS.length * ELEMENT_BYTES;
}

function reduce(x: bigint): bigint {
  let r = (x & FIELD_PRIME) + (x >> 127n);
  while (r >= FIELD_PRIME) r -= FIELD_PRIME;
  return r;
}

function readBig(bytes: Uint8Array, start: number, end: number): bigint {
  let v = 0n;
  for (let i = start; i < end; i++) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

function writeBig(value: bigint, out: Uint8Array, start: number, end: number): void {
  for (let i = end - 1; i >= start; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

/**
 * Shares of `secret` (32 bytes) for holders at `xs` (distinct integers in
 * 1..2^32 − 1), any `threshold` of which reconstruct it: one 48-byte share per
 * x, in the order of `xs`. `randomness` supplies the coefficients and must
 * hold {@link shareRandomBytes}(threshold) bytes.
 */
export function splitSecret(
  secret: Uint8Array,
  threshold: number,
  xs: readonly number[],
  randomness: Uint8Array,
): Uint8Array[] {
  if (secret.length !== SECRET_BYTES)
    throw new RangeError(`secret.length(=${secret.length}) must be ${SECRET_BYTES}`);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > xs.length)
    throw new RangeError(`threshold(=${threshold}) must be an integer in 1..${xs.length}`);
  if (randomness.length < shareRandomBytes(threshold))
    throw new RangeError(
      `randomness.length(=${randomness.length}) must be >= ${shareRandomBytes(threshold)}`,
    );
  const shares = xs.map(() => new Uint8Array(SHARE_BYTES));
  CHUNKS.forEach(([start, end], c) => {
    // coefficients[0] is the chunk; the rest are random, highest degree last.
    const coefficients = [readBig(secret, start, end)];
    for (let d = 1; d < threshold; d++) {
      const at = (c * (threshold - 1) + d - 1) * ELEMENT_BYTES;
      coefficients.push(reduce(readBig(randomness, at, at + ELEMENT_BYTES)));
    }
    xs.forEach((x, h) => {
      const bx = BigInt(x);
      let y = 0n;
      for (let d = threshold - 1; d >= 0; d--) y = reduce(y * bx + coefficients[d]!);
      writeBig(y, shares[h]!, c * ELEMENT_BYTES, (c + 1) * ELEMENT_BYTES);
    });
  });
  return shares;
}

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  while (exponent > 0n) {
    if (exponent & 1n) result = reduce(result * base);
    base = reduce(base * base);
    exponent >>= 1n;
  }
  return result;
}

/** Lagrange coefficients at 0 for distinct nonzero `xs`: λ_j = Π_{m≠j} x_m / (x_m − x_j). */
export function lagrangeAtZero(xs: readonly number[]): bigint[] {
  const points = xs.map(BigInt);
  return points.map((xj, j) => {
    let numerator = 1n;
    let denominator = 1n;
    points.forEach((xm, m) => {
      if (m === j) return;
      numerator = reduce(numerator * xm);
      denominator = reduce(denominator * reduce(xm - xj + FIELD_PRIME));
    });
    if (denominator === 0n) throw new RangeError(`xs must be distinct (x=${xj} repeats)`);
    return reduce(numerator * power(denominator, FIELD_PRIME - 2n));
  });
}

/**
 * The secret from shares at the points whose {@link lagrangeAtZero}
 * coefficients are given (same order). Throws RangeError when a chunk comes
 * out too large: the shares were inconsistent or too few.
 */
export function combineShares(
  coefficients: readonly bigint[],
  shares: readonly Uint8Array[],
): Uint8Array {
  if (coefficients.length !== shares.length)
    throw new RangeError(`shares.length(=${shares.length}) must equal ${coefficients.length}`);
  const secret = new Uint8Array(SECRET_BYTES);
  CHUNKS.forEach(([start, end], c) => {
    let value = 0n;
    shares.forEach((share, j) => {
      const y = readBig(share, c * ELEMENT_BYTES, (c + 1) * ELEMENT_BYTES);
      value = reduce(value + reduce(coefficients[j]! * y));
    });
    if (value >> BigInt(8 * (end - start)) !== 0n)
      throw new RangeError(`shares do not reconstruct a ${SECRET_BYTES}-byte secret (chunk ${c})`);
    writeBig(value, secret, start, end);
  });
  return secret;
}
