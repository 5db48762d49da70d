/**
 * Bit packing, least significant bit first: value i occupies bits
 * [i × width, (i + 1) × width) of the stream, and bit j of the stream is bit
 * (j mod 8) of byte ⌊j / 8⌋. With width 4 this puts element 2i in the low
 * nibble of byte i and element 2i + 1 in its high nibble.
 */

/** Bytes needed for `count` values of `width` bits. */
export function packedSizeBytes(count: number, width: number): number {
  return Math.ceil((count * width) / 8);
}

/** Bits per index for k distinct codes: ⌈log2 k⌉ (0 for k = 1). */
export function indexWidth(k: number): number {
  return k <= 1 ? 0 : Math.ceil(Math.log2(k));
}

/**
 * Writes the low `width` bits (0..16) of each value into `out` from byte
 * `offset`; returns the offset after the last byte written.
 */
export function packBits(
  values: ArrayLike<number>,
  width: number,
  out: Uint8Array,
  offset: number,
): number {
  if (width === 0) return offset;
  const mask = (1 << width) - 1;
  let acc = 0;
  let held = 0;
  let at = offset;
  for (let i = 0; i < values.length; i++) {
    acc |= (values[i]! & mask) << held;
    held += width;
    while (held >= 8) {
      out[at++] = acc & 0xff;
      acc >>>= 8;
      held -= 8;
    }
  }
  if (held > 0) out[at++] = acc & 0xff;
  return at;
}

/** Reads `out.length` unsigned values of `width` bits from `bytes` at byte `offset`. */
export function unpackBits(
  bytes: Uint8Array,
  offset: number,
  width: number,
  out: Uint8Array | Uint16Array,
): void {
  if (width === 0) {
    out.fill(0);
    return;
  }
  const mask = (1 << width) - 1;
  let acc = 0;
  let held = 0;
  let at = offset;
  for (let i = 0; i < out.length; i++) {
    while (held < width) {
      acc |= bytes[at++]! << held;
      held += 8;
    }
    out[i] = acc & mask;
    acc >>>= width;
    held -= width;
  }
}

/** Packs signed 4-bit integers (−8..7, two's complement) two per byte, low nibble first. */
export function packInt4(values: Int8Array, out: Uint8Array, offset: number): number {
  const pairs = values.length >> 1;
  for (let p = 0; p < pairs; p++) {
    out[offset + p] = (values[2 * p]! & 0xf) | ((values[2 * p + 1]! & 0xf) << 4);
  }
  if (values.length % 2 === 1) out[offset + pairs] = values[values.length - 1]! & 0xf;
  return offset + Math.ceil(values.length / 2);
}

/** Reads `out.length` signed 4-bit integers packed by {@link packInt4}. */
export function unpackInt4(bytes: Uint8Array, offset: number, out: Int8Array): void {
  for (let i = 0; i < out.length; i++) {
    const byte = bytes[offset + (i >> 1)]!;
    const nibble = i % 2 === 0 ? byte & 0xf : byte >> 4;
    out[i] = (nibble << 28) >> 28;
  }
}
