/**
 * Parsed input files, kept so that a trace named by every device of a fleet
 * (or by every run of a sweep in one process) is read and parsed once.
 *
 * An entry is found by parser and absolute path and is used only while the
 * file's identity and stat times are unchanged (device, inode, size, mtime
 * and ctime in nanoseconds); when they change the file is read again, and if
 * its SHA-256 is that of the entry (a `touch`), the parse is kept. Parsed
 * values are shared, so parsers must return data nobody mutates. A file that
 * fails to parse is not kept: each read reports its problems again.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { inputPath } from './data-file.js';
import {
  attributeTo,
  checkInputFile,
  decodeUtf8,
  type InputKind,
  readInputBytes,
  type TraceReadOptions,
} from './input-file.js';

/** How to turn a file's text into a value; `id` names the parse (and its settings) in the cache. */
export interface InputParser<T> {
  readonly id: string;
  parse(text: string, file: string): T;
}

interface Entry {
  signature: string;
  sha256: string;
  bytes: number;
  value: unknown;
}

/** The cache holds parses of at most this many bytes of files, oldest use evicted first. */
const CACHE_LIMIT_BYTES = 512_000_000;

const entries = new Map<string, Entry>();
let cachedBytes = 0;

/**
 * The parse of the file at `path` (a regular UTF-8 file within the limit for
 * `kind`), from the cache when the file has not changed since it was parsed.
 * Throws what reading or `parser.parse` throws.
 */
export function readParsedInput<T>(path: string, kind: InputKind, parser: InputParser<T>): T {
  const key = `${parser.id}\u0000${resolve(path)}`;
  const stats = checkInputFile(path, kind);
  const signature = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
  const entry = entries.get(key);
  if (entry?.signature === signature) return touch(key, entry).value as T;
  const bytes = readInputBytes(path, kind);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (entry?.sha256 === sha256) return touch(key, { ...entry, signature }).value as T;
  const value = parser.parse(decodeUtf8(bytes, path), path);
  store(key, { signature, sha256, bytes: bytes.length, value });
  return value;
}

/**
 * The parse of a trace a scenario names (`file`, relative to the scenario's
 * directory), from the cache. Errors about the file are re-addressed to the
 * scenario, at `<namedIn.path>.<field>` (the spec's field naming the file;
 * absent: `namedIn.path` names the file itself). With a `period`,
 * `pastPeriod` says what of the parsed trace runs past it, if anything, and
 * that is reported at `<namedIn.path>.period`.
 */
export function readNamedTrace<T>(
  file: string,
  parser: InputParser<T>,
  options: TraceReadOptions,
  check: {
    field?: string;
    period?: number | undefined;
    pastPeriod?: (value: T, period: number, path: string) => string | undefined;
  } = {},
): T {
  const { namedIn } = options;
  const path = inputPath(file, options.baseDir);
  let value: T;
  try {
    value = readParsedInput(path, 'trace', parser);
  } catch (error) {
    const at = check.field === undefined ? namedIn?.path : `${namedIn?.path}.${check.field}`;
    throw attributeTo(error, namedIn && { file: namedIn.file, path: at as string });
  }
  const { period } = check;
  const message = period === undefined ? undefined : check.pastPeriod?.(value, period, path);
  if (message !== undefined) {
    const problem = { path: namedIn ? `${namedIn.path}.period` : '', message, value: period };
    throw new InputError(namedIn?.file ?? path, [problem]);
  }
  return value;
}

/** Empties the cache (for tests). */
export function clearInputCache(): void {
  entries.clear();
  cachedBytes = 0;
}

/** Moves an entry to the most recently used end. */
function touch(key: string, entry: Entry): Entry {
  entries.delete(key);
  entries.set(key, entry);
  return entry;
}

function store(key: string, entry: Entry): void {
  const old = entries.get(key);
  if (old !== undefined) cachedBytes -= old.bytes;
  touch(key, entry);
  cachedBytes += entry.bytes;
  for (const [oldest, { bytes }] of entries) {
    if (cachedBytes <= CACHE_LIMIT_BYTES || oldest === key) break;
    entries.delete(oldest);
    cachedBytes -= bytes;
  }
}
