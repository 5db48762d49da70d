/**
 * X25519 key agreement (RFC 7748) from node:crypto, with private keys built
 * from seeded bytes so a run repeats exactly.
 *
 * A private key is 32 bytes wrapped in the fixed PKCS#8 DER prefix for X25519
 * (RFC 8410: 302e020100300506032b656e04220420); a public key is 32 raw bytes,
 * imported with the SubjectPublicKeyInfo prefix 302a300506032b656e032100.
 * The shared secret goes through HKDF-SHA256 (RFC 5869, empty salt, the
 * purpose as info) to a 32-byte seed: a PRG seed for a pairwise mask, or an
 * AES-256-GCM key for the encrypted shares.
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';

/** Bytes of an X25519 public key and of a private key's seed. */
export const X25519_KEY_BYTES = 32;
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** A key pair: the private key object and the raw 32-byte public key. */
export interface X25519KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: Uint8Array;
}

/** The key pair whose private key is the 32 bytes `secret` (X25519 clamps them itself). */
export function x25519KeyPair(secret: Uint8Array): X25519KeyPair {
  if (secret.length !== X25519_KEY_BYTES)
    throw new RangeError(`secret.length(=${secret.length}) must be ${X25519_KEY_BYTES}`);
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, secret]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: new Uint8Array(spki.subarray(SPKI_PREFIX.length)) };
}

/** Imports a raw 32-byte X25519 public key. */
export function x25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== X25519_KEY_BYTES)
    throw new RangeError(`publicKey.length(=${raw.length}) must be ${X25519_KEY_BYTES}`);
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** One key agreement: HKDF-SHA256(X25519(privateKey, publicKey), info = purpose), 32 bytes. */
export function agree(privateKey: KeyObject, publicKey: KeyObject, purpose: string): Uint8Array {
  const shared = diffieHellman({ privateKey, publicKey });
  return new Uint8Array(hkdfSync('sha256', shared, new Uint8Array(0), purpose, 32));
}
