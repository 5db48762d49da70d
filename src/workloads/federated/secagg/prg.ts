/**
 * The pseudorandom generator of secure aggregation: AES-128-CTR from
 * node:crypto (OpenSSL) expands a 32-byte seed into a keystream. The key is
 * seed[0, 16), the initial counter block seed[16, 32) (a 128-bit big-endian
 * counter, as OpenSSL increments it).
 *
 * A mask over Z_{2^bits} takes one 32-bit word of keystream per element,
 * little-endian, keeps its low `bits` bits (uniform on the ring), so a mask of
 * m elements costs 4m keystream bytes whatever the bit width. Masks are
 * expanded 64 KiB at a time and added straight into the target: a keystream
 * chunk stays in cache and no m-element buffer is allocated (a single 4 MB
 * `update` call measured 0.3 GB/s here against 4.5 GB/s in 64 KiB chunks).
 *
 * Seeds for everything else (keys, self masks, Shamir coefficients, nonces)
 * come from {@link deriveSeed}: HMAC-SHA256 of a parent seed and a label.
 */
import { type Cipher, createCipheriv, createHmac } from 'node:crypto';
import { endianness } from 'node:os';

/** Bytes of every PRG seed. */
export const SEED_BYTES = 32;
/** Ring elements per keystream chunk (64 KiB). */
const CHUNK_WORDS = 16384;
const ZEROS = new Uint8Array(CHUNK_WORDS * 4);

/** One mask to apply: the keystream of `seed`, added (+1) or subtracted (−1). */
export interface MaskStream {
  readonly seed: Uint8Array;
  readonly sign: 1 | -1;
}

function checkSeed(seed: Uint8Array): void {
  if (seed.length !== SEED_BYTES)
    throw new RangeError(`seed.length(=${seed.length}) must be ${SEED_BYTES}`);
}

function keystream(seed: Uint8Array): Cipher {
  checkSeed(seed);
  return createCipheriv('aes-128-ctr', seed.subarray(0, 16), seed.subarray(16, 32));
}

/** The first `length` keystream bytes of `seed`. */
export function expandBytes(seed: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0)
    throw new RangeError(`length(=${length}) must be an integer >= 0`);
  return new Uint8Array(keystream(seed).update(new Uint8Array(length)));
}

/** A 32-byte child seed: HMAC-SHA256(key = parent, message = label). */
export function deriveSeed(parent: Uint8Array, label: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', parent).update(label).digest());
}

/** The keystream bytes as little-endian 32-bit words, copied when not 4-byte aligned. */
function words(bytes: Buffer, scratch: Uint32Array): Uint32Array {
  const count = bytes.length >>> 2;
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, count);
  const view = scratch.subarray(0, count);
  new Uint8Array(view.buffer, view.byteOffset, bytes.length).set(bytes);
  return view;
}

/**
 * Adds sign · PRG(seed) into `target` modulo 2^bits for every stream, chunk by
 * chunk (all streams over one chunk before the next, so the chunk of `target`
 * stays in cache). `target`'s elements must already be < 2^bits. Returns the
 * keystream bytes expanded: 4 · target.length per stream.
 */
export function applyMasks(
  target: Uint32Array,
  streams: readonly MaskStream[],
  bits: number,
): number {
  if (endianness() !== 'LE') throw new Error('the PRG word order assumes a little-endian host');
  const mask = bits === 32 ? -1 : 2 ** bits - 1;
  const ciphers = streams.map((s) => keystream(s.seed));
  const scratch = new Uint32Array(CHUNK_WORDS);
  for (let start = 0; start < target.length; start += CHUNK_WORDS) {
    const count = Math.min(CHUNK_WORDS, target.length - start);
    const chunk = target.subarray(start, start + count);
    const zeros = count === CHUNK_WORDS ? ZEROS : ZEROS.subarray(0, count * 4);
    for (let s = 0; s < streams.length; s++) {
      const ks = words(ciphers[s]!.update(zeros), scratch);
      if (streams[s]!.sign === 1) addInto(chunk, ks, mask);
      else subtractInto(chunk, ks, mask);
    }
  }
  return 4 * target.length * streams.length;
}

/** target[i] = (target[i] + ks[i]) mod 2^bits; the int32 `&` wraps, the store makes it unsigned. */
function addInto(target: Uint32Array, ks: Uint32Array, mask: number): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i]! + (ks[i]! & mask)) & mask;
}

function subtractInto(target: Uint32Array, ks: Uint32Array, mask: number): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i]! - (ks[i]! & mask)) & mask;
}

/** target[i] = (target[i] + add[i]) mod 2^bits, element-wise. */
export function addRing(target: Uint32Array, add: Uint32Array, bits: number): void {
  if (add.length !== target.length)
    throw new RangeError(`add.length(=${add.length}) must equal target.length(=${target.length})`);
  addInto(target, add, bits === 32 ? -1 : 2 ** bits - 1);
}
