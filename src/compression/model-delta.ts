/**
 * Delta updates between two `.edgm` model containers of one architecture:
 * what a device that runs `base` downloads to get `target`, bit for bit.
 *
 * Layout (little-endian, LEB128 varints):
 *
 *   "EDGD" | u8 version (1) | 16-byte SHA-256 prefix of base |
 *   16-byte SHA-256 prefix of target | varint part count |
 *   per part: u8 mode | (mode > 0) varint body length | body
 *
 * The parts are the container's prefix (metadata) and each tensor's segment
 * (model-file.ts), matched by position. A part's mode says how its target
 * bytes are made from its base bytes:
 *   0 same     nothing sent;
 *   1 sparse   (same length) deflate(varint k, k varint gaps between the
 *              changed byte positions, the k bytes target XOR base);
 *   2 xor      (same length) deflate(target XOR base, byte planes: every
 *              4th byte from offset 0, then from 1, 2, 3), which packs the
 *              sign/exponent bytes of float32 weights that moved a little;
 *   3 replace  deflate(target bytes).
 * The encoder sends each part in the mode whose body is smallest, so a
 * fine-tune that leaves most weights untouched costs only the changed ones.
 * Deflate is node:zlib's raw deflate at level 9 (RFC 1951).
 *
 * Applying checks that the base is the one the delta was made against and
 * that the result hashes to the target, so a delta applied to the wrong
 * model is refused instead of producing a corrupt one.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  architectureDifference,
  describeArchitecture,
  type ModelParts,
  splitModelFile,
} from './model-file.js';

const MAGIC = 'EDGD';
const VERSION = 1;
const DIGEST_BYTES = 16;
const SAME = 0;
const SPARSE = 1;
const XOR = 2;
const REPLACE = 3;
const PLANES = 4;

/** Two containers whose architectures differ: a delta between them is refused. */
export class ArchitectureMismatch extends RangeError {
  constructor(
    readonly difference: string,
    readonly base: string,
    readonly target: string,
  ) {
    super(`architectures differ: ${difference} (base: ${base}; target: ${target})`);
    this.name = 'ArchitectureMismatch';
  }
}

/**
 * The delta that turns container `base` into container `target`. Throws
 * {@link ArchitectureMismatch} when their layer classes or tensor shapes
 * differ, RangeError when either is not a container.
 */
export function encodeDelta(base: Uint8Array, target: Uint8Array): Uint8Array {
  const from = splitModelFile(base);
  const to = splitModelFile(target);
  const difference = architectureDifference(from, to);
  if (difference !== null)
    throw new ArchitectureMismatch(
      difference,
      describeArchitecture(from),
      describeArchitecture(to),
    );
  const out: number[] = [];
  for (const c of MAGIC) out.push(c.charCodeAt(0));
  out.push(VERSION, ...digest(base), ...digest(target));
  const basesOf = partsOf(from);
  const targets = partsOf(to);
  pushVarint(out, targets.length);
  targets.forEach((part, i) => {
    const { mode, body } = encodePart(basesOf[i]!, part);
    out.push(mode);
    if (mode === SAME) return;
    pushVarint(out, body.length);
    for (const byte of body) out.push(byte);
  });
  return Uint8Array.from(out);
}

/**
 * The target container a delta makes of `base`. Throws RangeError when the
 * delta is malformed, was made against another base, or does not give its
 * target (the digests disagree).
 */
export function applyDelta(base: Uint8Array, delta: Uint8Array): Uint8Array {
  const reader = new Reader(delta);
  const magic = String.fromCharCode(...reader.take(4));
  if (magic !== MAGIC) throw new RangeError(`not an edgesim model delta (magic "${magic}")`);
  const version = reader.byte();
  if (version !== VERSION) throw new RangeError(`delta version(=${version}) is not ${VERSION}`);
  const baseDigest = reader.take(DIGEST_BYTES);
  const targetDigest = reader.take(DIGEST_BYTES);
  if (!equalBytes(baseDigest, digest(base)))
    throw new RangeError('the delta was made against another base model');
  const bases = partsOf(splitModelFile(base));
  const count = reader.varint();
  if (count !== bases.length)
    throw new RangeError(`delta has ${count} parts; the base model has ${bases.length}`);
  const parts = bases.map((old) => {
    const mode = reader.byte();
    if (mode === SAME) return old;
    const body = inflateRawSync(reader.take(reader.varint()));
    return decodePart(old, mode, body);
  });
  if (!reader.done) throw new RangeError(`delta has ${reader.left} trailing bytes`);
  const target = concat(parts);
  if (!equalBytes(targetDigest, digest(target)))
    throw new RangeError('applying the delta did not give its target model (digest mismatch)');
  return target;
}

function partsOf(parts: ModelParts): Uint8Array[] {
  return [parts.prefix, ...parts.tensors.map((t) => t.bytes)];
}

function encodePart(old: Uint8Array, next: Uint8Array): { mode: number; body: Uint8Array } {
  if (equalBytes(old, next)) return { mode: SAME, body: new Uint8Array(0) };
  const candidates = [{ mode: REPLACE, body: deflate(next) }];
  if (old.length === next.length) {
    const xor = new Uint8Array(next.length);
    for (let i = 0; i < next.length; i++) xor[i] = old[i]! ^ next[i]!;
    candidates.push({ mode: SPARSE, body: deflate(sparse(xor)) });
    candidates.push({ mode: XOR, body: deflate(toPlanes(xor)) });
  }
  // Smallest body first; ties keep the first (replace, then sparse): a fixed order.
  return candidates.reduce((best, c) => (c.body.length < best.body.length ? c : best));
}

function decodePart(old: Uint8Array, mode: number, body: Uint8Array): Uint8Array {
  if (mode === REPLACE) return body;
  if (mode !== SPARSE && mode !== XOR) throw new RangeError(`delta part mode(=${mode}) is unknown`);
  const xor = mode === XOR ? fromPlanes(body) : fromSparse(body, old.length);
  if (xor.length !== old.length)
    throw new RangeError(`delta part of ${xor.length} bytes for a base part of ${old.length}`);
  const next = new Uint8Array(old.length);
  for (let i = 0; i < old.length; i++) next[i] = old[i]! ^ xor[i]!;
  return next;
}

/** varint k, the gaps between nonzero positions (the first from -1), then the k nonzero bytes. */
function sparse(xor: Uint8Array): Uint8Array {
  const positions: number[] = [];
  for (let i = 0; i < xor.length; i++) if (xor[i] !== 0) positions.push(i);
  const out: number[] = [];
  pushVarint(out, positions.length);
  let last = -1;
  for (const p of positions) {
    pushVarint(out, p - last - 1);
    last = p;
  }
  for (const p of positions) out.push(xor[p]!);
  return Uint8Array.from(out);
}

function fromSparse(body: Uint8Array, length: number): Uint8Array {
  const reader = new Reader(body);
  const count = reader.varint();
  const positions = new Int32Array(count);
  let last = -1;
  for (let k = 0; k < count; k++) {
    last += reader.varint() + 1;
    if (last >= length)
      throw new RangeError(`delta position ${last} is past the part's ${length} bytes`);
    positions[k] = last;
  }
  const xor = new Uint8Array(length);
  for (let k = 0; k < count; k++) xor[positions[k]!] = reader.byte();
  if (!reader.done) throw new RangeError(`delta part has ${reader.left} trailing bytes`);
  return xor;
}

function toPlanes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let o = 0;
  for (let plane = 0; plane < PLANES; plane++)
    for (let i = plane; i < bytes.length; i += PLANES) out[o++] = bytes[i]!;
  return out;
}

function fromPlanes(planes: Uint8Array): Uint8Array {
  const out = new Uint8Array(planes.length);
  let o = 0;
  for (let plane = 0; plane < PLANES; plane++)
    for (let i = plane; i < out.length; i += PLANES) out[i] = planes[o++]!;
  return out;
}

function deflate(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(deflateRawSync(bytes, { level: 9 }));
}

function digest(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest()).subarray(0, DIGEST_BYTES);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function pushVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** Reads bytes and varints, throwing RangeError past the end. */
class Reader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.offset === this.bytes.length;
  }

  get left(): number {
    return this.bytes.length - this.offset;
  }

  byte(): number {
    if (this.offset >= this.bytes.length) throw new RangeError('delta truncated');
    return this.bytes[this.offset++]!;
  }

  take(n: number): Uint8Array {
    if (this.offset + n > this.bytes.length) throw new RangeError('delta truncated');
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let shift = 0; shift < 49; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new RangeError('delta varint too long');
  }
}
