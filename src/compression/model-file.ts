/**
 * An `.edgm` model container (compress/encode-model.ts's layout) split into
 * its parts, without decoding a weight and without TensorFlow.js: the
 * prefix (magic, version, metadata), then one segment per tensor (its name
 * and encoded bytes) with the shape its encoding's header gives
 * (compression/encode-format.ts). A delta update works part by part, and two
 * models are the same architecture when their parts line up.
 */

/** One tensor's part of a container: the bytes from its name length to its encoding's end. */
export interface TensorSegment {
  readonly name: string;
  /** Dimensions from the encoding header (`u8 rank`, then `rank x u32`). */
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/** A container in parts: concatenating `prefix` and every segment's bytes gives the file back. */
export interface ModelParts {
  /** Magic, version, metadata (version 2) and the tensor count. */
  readonly prefix: Uint8Array;
  readonly tensors: readonly TensorSegment[];
  /** The TF.js layer classes of the metadata's architecture, in order (empty for version 1). */
  readonly layerClasses: readonly string[];
}

const MAGIC = 'EDGM';

/** Splits container bytes into parts. Throws RangeError on bytes that are not a container. */
export function splitModelFile(bytes: Uint8Array): ModelParts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (end: number, what: string) => {
    if (end > bytes.length) throw new RangeError(`model container truncated in ${what}`);
  };
  need(8, 'its header');
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC) throw new RangeError(`not an edgesim model container (magic "${magic}")`);
  const version = view.getUint32(4, true);
  if (version !== 1 && version !== 2)
    throw new RangeError(`model container version(=${version}) is not 1 or 2`);
  let offset = 8;
  let layerClasses: string[] = [];
  if (version === 2) {
    need(12, 'its metadata length');
    const length = view.getUint32(8, true);
    need(12 + length, 'its metadata');
    layerClasses = layerClassesOf(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
    offset = 12 + length;
  }
  need(offset + 4, 'its tensor count');
  const count = view.getUint32(offset, true);
  offset += 4;
  const prefix = bytes.subarray(0, offset);
  const tensors: TensorSegment[] = [];
  for (let i = 0; i < count; i++) {
    const start = offset;
    need(offset + 2, `tensor ${i}`);
    const nameLength = view.getUint16(offset, true);
    need(offset + 6 + nameLength, `tensor ${i}`);
    const name = new TextDecoder().decode(bytes.subarray(offset + 2, offset + 2 + nameLength));
    offset += 2 + nameLength;
    const length = view.getUint32(offset, true);
    const encoding = offset + 4;
    need(encoding + length, `tensor ${name}`);
    need(encoding + 4, `tensor ${name}'s header`);
    const rank = bytes[encoding + 3]!;
    need(encoding + 4 + 4 * rank, `tensor ${name}'s shape`);
    const shape = Array.from({ length: rank }, (_, k) =>
      view.getUint32(encoding + 4 + 4 * k, true),
    );
    offset = encoding + length;
    tensors.push({ name, shape, bytes: bytes.subarray(start, offset) });
  }
  if (offset !== bytes.length)
    throw new RangeError(`model container has ${bytes.length - offset} trailing bytes`);
  return { prefix, tensors, layerClasses };
}

/** The layer classes of a version 2 metadata's architecture config (Sequential or functional). */
function layerClassesOf(metadata: string): string[] {
  try {
    const parsed = JSON.parse(metadata) as {
      architecture?: { config?: { layers?: { className?: string; class_name?: string }[] } };
    };
    return (parsed.architecture?.config?.layers ?? []).map((l) =>
      String(l.className ?? l.class_name),
    );
  } catch {
    throw new RangeError('model container metadata is not JSON');
  }
}

/** The architecture as text: layer classes and tensor shapes (`Dense, Dense | [784,32] [32] ...`). */
export function describeArchitecture(parts: ModelParts): string {
  const shapes = parts.tensors.map((t) => `${t.name}[${t.shape.join(',')}]`).join(' ');
  return parts.layerClasses.length > 0 ? `${parts.layerClasses.join(', ')}; ${shapes}` : shapes;
}

/**
 * Why two containers are not the same architecture (the first difference),
 * or null when their layer classes and tensor shapes match in order.
 */
export function architectureDifference(a: ModelParts, b: ModelParts): string | null {
  if (a.layerClasses.join() !== b.layerClasses.join())
    return `layers [${a.layerClasses.join(', ')}] vs [${b.layerClasses.join(', ')}]`;
  if (a.tensors.length !== b.tensors.length)
    return `${a.tensors.length} tensors vs ${b.tensors.length}`;
  for (let i = 0; i < a.tensors.length; i++) {
    const x = a.tensors[i]!;
    const y = b.tensors[i]!;
    if (x.shape.join() !== y.shape.join())
      return `tensor ${i} (${x.name}) has shape [${x.shape.join(', ')}] vs [${y.shape.join(', ')}] (${y.name})`;
  }
  return null;
}
