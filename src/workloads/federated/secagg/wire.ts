/**
 * The messages of secure aggregation as bytes: what each one holds and its
 * exact size. Client ids are 4-byte little-endian unsigned integers; public
 * keys 32 raw bytes; shares {@link SHARE_BYTES} (48) bytes.
 *
 * | message                         | layout                                   | bytes      |
 * |---------------------------------|------------------------------------------|------------|
 * | advertise keys (up)             | c_pk ‖ s_pk                              | 64         |
 * | neighbour keys (down, per v)    | v ‖ c_pk ‖ s_pk                          | 68         |
 * | share plaintext                 | u ‖ v ‖ share(s_sk) ‖ share(b)           | 104        |
 * | sealed shares                   | nonce(12) ‖ AES-256-GCM(plaintext) ‖ tag(16) | 132    |
 * | encrypted shares (up, per v)    | v ‖ sealed                               | 136        |
 * | forwarded shares (down, per v)  | v ‖ sealed                               | 136        |
 * | masked input (up)               | m words of `bits` bits, packed           | ceil(m·bits/8) |
 * | survivors (down, per v)         | v                                        | 4          |
 * | unmasking shares (up, per v)    | v ‖ share (of b_v or of s_sk_v)          | 52         |
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { SHARE_BYTES } from './shamir.js';
import { X25519_KEY_BYTES } from './x25519.js';

export const ID_BYTES = 4;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
/** c_pk ‖ s_pk. */
export const ADVERTISE_BYTES = 2 * X25519_KEY_BYTES;
/** v ‖ c_pk ‖ s_pk. */
export const KEY_ENTRY_BYTES = ID_BYTES + ADVERTISE_BYTES;
/** u ‖ v ‖ share(s_sk) ‖ share(b). */
export const SHARE_PLAINTEXT_BYTES = 2 * ID_BYTES + 2 * SHARE_BYTES;
/** nonce ‖ ciphertext ‖ tag. */
export const SEALED_BYTES = NONCE_BYTES + SHARE_PLAINTEXT_BYTES + TAG_BYTES;
/** v ‖ sealed: an encrypted share pair addressed to v, or forwarded from v. */
export const ROUTED_SHARES_BYTES = ID_BYTES + SEALED_BYTES;
/** v ‖ share. */
export const SHARE_ENTRY_BYTES = ID_BYTES + SHARE_BYTES;

/** Bytes of a masked input of m elements of `bits` bits, packed. */
export function maskedInputBytes(elements: number, bits: number): number {
  return Math.ceil((elements * bits) / 8);
}

/** Writes id little-endian at `at`. */
export function writeId(out: Uint8Array, at: number, id: number): void {
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(at, id, true);
}

/** Reads a little-endian id at `at`. */
export function readId(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);
}

/** Concatenates parts into one message. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** id ‖ body. */
export function withId(id: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(ID_BYTES + body.length);
  writeId(out, 0, id);
  out.set(body, ID_BYTES);
  return out;
}

/** The shares one client sends another, in the clear. */
export interface SharePair {
  readonly from: number;
  readonly to: number;
  readonly secretKeyShare: Uint8Array;
  readonly selfMaskShare: Uint8Array;
}

/** AES-256-GCM of the share plaintext under `key` (32 bytes) and `nonce` (12 bytes). */
export function sealShares(key: Uint8Array, nonce: Uint8Array, pair: SharePair): Uint8Array {
  const plain = new Uint8Array(SHARE_PLAINTEXT_BYTES);
  writeId(plain, 0, pair.from);
  writeId(plain, ID_BYTES, pair.to);
  plain.set(pair.secretKeyShare, 2 * ID_BYTES);
  plain.set(pair.selfMaskShare, 2 * ID_BYTES + SHARE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = cipher.update(plain);
  cipher.final();
  return concat([nonce, body, cipher.getAuthTag()]);
}

/**
 * Opens sealed shares; throws when the tag fails or the ids inside are not
 * (from, to): a bug in the simulation, never a dropout.
 */
export function openShares(
  key: Uint8Array,
  sealed: Uint8Array,
  from: number,
  to: number,
): SharePair {
  if (sealed.length !== SEALED_BYTES)
    throw new RangeError(`sealed.length(=${sealed.length}) must be ${SEALED_BYTES}`);
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
  decipher.setAuthTag(sealed.subarray(SEALED_BYTES - TAG_BYTES));
  const plain = new Uint8Array(
    Buffer.concat([
      decipher.update(sealed.subarray(NONCE_BYTES, SEALED_BYTES - TAG_BYTES)),
      decipher.final(),
    ]),
  );
  if (readId(plain, 0) !== from || readId(plain, ID_BYTES) !== to)
    throw new Error(
      `shares sealed for ${readId(plain, 0)}->${readId(plain, ID_BYTES)}, expected ${from}->${to}`,
    );
  return {
    from,
    to,
    secretKeyShare: plain.slice(2 * ID_BYTES, 2 * ID_BYTES + SHARE_BYTES),
    selfMaskShare: plain.slice(2 * ID_BYTES + SHARE_BYTES),
  };
}

/**
 * Packs ring elements of `bits` bits each, least significant bit first, into
 * {@link maskedInputBytes} bytes: the masked input as it goes on the wire.
 */
export function packWords(words: Uint32Array, bits: number): Uint8Array {
  const out = new Uint8Array(maskedInputBytes(words.length, bits));
  if (bits === 32) {
    out.set(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
    return out;
  }
  // Plain arithmetic, not bitwise ops: the accumulator can hold up to 39 bits.
  let acc = 0;
  let accBits = 0;
  let at = 0;
  for (let i = 0; i < words.length; i++) {
    acc += words[i]! * 2 ** accBits;
    accBits += bits;
    while (accBits >= 8) {
      const byte = acc % 256;
      out[at++] = byte;
      acc = (acc - byte) / 256;
      accBits -= 8;
    }
  }
  if (accBits > 0) out[at] = acc;
  return out;
}
