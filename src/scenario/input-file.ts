/**
 * The one way edgesim reads an input file (scenario, `extends` base, profile,
 * cost card, trace, CSV dataset, model): it must be a regular file (not a
 * directory, device, FIFO or socket, which could block or never end), no
 * larger than the limit for its kind, and, for text, strict UTF-8. The type
 * is checked with stat before opening, and the file is opened non-blocking
 * and checked again, so a FIFO never blocks. Every failure is an
 * {@link InputError} naming the file and what was expected.
 */
import {
  type BigIntStats,
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  statSync,
} from 'node:fs';
import { InputError, type InputProblem } from '../errors.js';

const MB = 1_000_000;

/**
 * Largest file of each kind, bytes. YAML parsing is slow and memory-hungry
 * (about 10 us and 400 bytes of heap per list item), so YAML/JSON data files
 * get 1 MB: a few seconds at worst, and 250 times the largest shipped
 * scenario. Traces and datasets are parsed by hand-written loops and may be
 * large (a 2,000,000-line Mahimahi trace is 14 MB).
 */
export const INPUT_LIMIT_BYTES = {
  /** Scenarios and their `extends` bases (YAML or JSON). */
  scenario: 1 * MB,
  /** Hardware profiles (JSON). */
  profile: 1 * MB,
  /** Cost cards (JSON): layer tables of a few hundred layers. */
  costCard: 1 * MB,
  /** Arrival, availability and Mahimahi bandwidth traces. */
  trace: 256 * MB,
  /** CSV datasets. */
  dataset: 256 * MB,
  /** A TF.js model.json (topology and weights manifest; the weights are apart). */
  modelJson: 64 * MB,
  /** One binary weight shard of a TF.js model. */
  weights: 1024 * MB,
} as const;

/** What an input file is for; each kind has its own size limit. */
export type InputKind = keyof typeof INPUT_LIMIT_BYTES;

const KIND_NAMES: Readonly<Record<InputKind, string>> = {
  scenario: 'scenario files',
  profile: 'hardware profiles',
  costCard: 'cost cards',
  trace: 'trace files',
  dataset: 'CSV datasets',
  modelJson: 'model.json files',
  weights: 'weight shards',
};

let reads = 0;

/** How many files have been read (opened and read whole) by this process: for tests of caching. */
export function inputFileReads(): number {
  return reads;
}

/**
 * Stats `path` and checks that it is a regular file within the limit for
 * `kind`, without opening it. Returns its stats (with nanosecond times).
 */
export function checkInputFile(path: string, kind: InputKind): BigIntStats {
  let stats: BigIntStats;
  try {
    stats = statSync(path, { bigint: true });
  } catch (error) {
    throw new InputError(path, [{ path: '', message: accessFailure(error) }]);
  }
  checkStats(path, stats, kind);
  return stats;
}

/** The bytes of a regular file within the limit for `kind`. */
export function readInputBytes(path: string, kind: InputKind): Uint8Array {
  checkInputFile(path, kind);
  let fd: number;
  try {
    // O_NONBLOCK: should the path have become a FIFO since stat, open must not wait for a writer.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new InputError(path, [{ path: '', message: accessFailure(error) }]);
  }
  try {
    const stats = fstatSync(fd, { bigint: true });
    checkStats(path, stats, kind);
    const buffer = Buffer.allocUnsafe(Number(stats.size));
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    reads++;
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(path, [{ path: '', message: accessFailure(error) }]);
  } finally {
    closeSync(fd);
  }
}

/** The text of a regular UTF-8 file within the limit for `kind` (a leading BOM dropped). */
export function readInputText(path: string, kind: InputKind): string {
  return decodeUtf8(readInputBytes(path, kind), path);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes strict UTF-8: an invalid byte is an {@link InputError} naming
 * `file`, the byte offset, line and column, never a silent U+FFFD.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const { line, column } = lineAt(bytes, offset);
    const byte = bytes[offset]?.toString(16).padStart(2, '0') ?? '';
    const message = `is not valid UTF-8: byte 0x${byte} at byte offset ${offset} (line ${line}, column ${column}); expected UTF-8 text`;
    throw new InputError(file, [{ path: '', message }]);
  }
}

/** Where a file is named: the scenario file and the field path in it. */
export interface NamedIn {
  readonly file: string;
  readonly path: string;
}

/** Where a reader of a file named in a scenario finds it, and how it names it in errors. */
export interface TraceReadOptions {
  /** Directory a relative path is read from (the scenario's). */
  readonly baseDir?: string;
  /**
   * The scenario file and the field naming the file (for arrival and
   * availability traces, the path of their spec, such as
   * `fleet[0].arrivals`: errors add `.file` or `.period`).
   */
  readonly namedIn?: NamedIn;
}

/**
 * Re-addresses an {@link InputError} about a file that a scenario names to
 * the scenario: `scenario.yaml: fleet[0].arrivals.file: traces/a.csv, line 3:
 * ...`. Other errors, or no `namedIn`, pass through unchanged.
 */
export function attributeTo(error: unknown, namedIn: NamedIn | undefined): unknown {
  if (namedIn === undefined || !(error instanceof InputError)) return error;
  const problems: InputProblem[] = error.problems.map((p) => ({
    ...p,
    path: namedIn.path,
    message: `${error.file}${p.path === '' ? '' : `, ${p.path}`}: ${p.message}`,
  }));
  return new InputError(namedIn.file, problems, { unlisted: error.unlisted });
}

function checkStats(path: string, stats: BigIntStats, kind: InputKind): void {
  if (!stats.isFile()) {
    throw new InputError(path, [
      { path: '', message: `is ${fileType(stats)}, expected a regular file` },
    ]);
  }
  const limit = INPUT_LIMIT_BYTES[kind];
  if (stats.size > BigInt(limit)) {
    const size = formatBytes(Number(stats.size));
    const message = `is ${size}, above the ${formatBytes(limit)} limit for ${KIND_NAMES[kind]}`;
    throw new InputError(path, [{ path: '', message }]);
  }
}

function fileType(stats: BigIntStats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** "2.1 GB", "256 MB", "940 kB", "12 bytes" (decimal units). */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}

function accessFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'ENOTDIR') return 'no such file (a part of the path is not a directory)';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'ENAMETOOLONG') return 'the path is too long';
  return `cannot read: ${code ?? (error as Error).message}`;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length =
      lead < 0x80 ? 1 : lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    // Second-byte ranges that exclude overlong forms, surrogates and code points above U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k];
      const [min, max] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return i;
    }
    i += length;
  }
  return bytes.length;
}

/** 1-based line and column (in bytes) of `offset`. */
function lineAt(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
