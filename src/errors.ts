/**
 * Errors a user can act on. Each has a stable `code` and the exit code the CLI
 * returns for it; the CLI prints `message` alone (the stack only with
 * --verbose). Anything else thrown is a bug and is reported as one.
 */
export abstract class EdgesimError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: 1 | 2;
}

/** One problem in an input file: where it is, what was there, what was expected. */
export interface InputProblem {
  /** Path inside the file, such as `fleet[2].network.uplink`; empty for the whole file. */
  path: string;
  /** What went wrong, including what was expected. */
  message: string;
  /** The offending value, when there is one. */
  value?: unknown;
}

/** Bad input: a scenario, profile or data file that is missing, malformed or invalid. Exit code 2. */
export class InputError extends EdgesimError {
  readonly code = 'EDGESIM_INPUT';
  readonly exitCode = 2;

  /** Problems found but not in `problems` (a parser that stopped storing them). */
  readonly unlisted: number;

  constructor(
    readonly file: string,
    readonly problems: readonly InputProblem[],
    options: { unlisted?: number } = {},
  ) {
    const unlisted = options.unlisted ?? 0;
    super(formatProblems(file, problems, unlisted));
    this.name = 'InputError';
    this.unlisted = unlisted;
  }
}

/** Bad command-line usage (flags, arguments). Exit code 2. */
export class UsageError extends EdgesimError {
  readonly code = 'EDGESIM_USAGE';
  readonly exitCode = 2;
  override name = 'UsageError';
}

/** A run or a sweep member that failed; the message says which and why. Exit code 1. */
export class RunFailedError extends EdgesimError {
  readonly code = 'EDGESIM_RUN_FAILED';
  readonly exitCode = 1;
  override name = 'RunFailedError';
}

/** At most this many problems are printed per file; the rest are counted ("and 7 more problems"). */
export const MAX_PROBLEMS_SHOWN = 10;
/** Longest echo of a value in a message, in characters (escapes included). */
const VALUE_CHARS = 60;
/** Longest field path and message printed, in characters: keys and messages may quote the file. */
const PATH_CHARS = 100;
/** Long enough for edgesim's own lists of what was expected (13 profile names, a strategy's options). */
const MESSAGE_CHARS = 400;
/** All the problems of one error together, in characters, before the rest are only counted. */
const TOTAL_CHARS = 3000;

/**
 * One line per problem, `file: path: message (got value)`, for at most
 * {@link MAX_PROBLEMS_SHOWN} problems: a file of garbage gets a short answer,
 * and every part is escaped and cut so no raw file content reaches a terminal.
 */
function formatProblems(file: string, problems: readonly InputProblem[], unlisted: number): string {
  const name = excerpt(file, PATH_CHARS);
  const lines: string[] = [];
  let chars = 0;
  for (const p of problems.slice(0, MAX_PROBLEMS_SHOWN)) {
    const where = p.path === '' ? name : `${name}: ${excerpt(p.path, PATH_CHARS)}`;
    const got = p.value === undefined ? '' : ` (got ${describeValue(p.value)})`;
    const line = `${where}: ${excerpt(p.message, MESSAGE_CHARS)}${got}`;
    if (lines.length > 0 && chars + line.length > TOTAL_CHARS) break;
    lines.push(line);
    chars += line.length;
  }
  const more = problems.length - lines.length + unlisted;
  if (more > 0) lines.push(`${name}: and ${more} more problem${more === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/**
 * A short, single-line rendering of a value for error messages: strings
 * quoted, control and invisible characters escaped, at most 60 characters.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return excerpt(JSON.stringify(value), VALUE_CHARS);
  if (value === null || typeof value !== 'object') return excerpt(String(value), VALUE_CHARS);
  return excerpt(jsonOrTag(value), VALUE_CHARS);
}

/**
 * `text` with characters that could move a terminal's cursor, change its
 * colours or reorder the line (C0 and C1 controls, DEL, bidirectional
 * overrides, line separators) written as `\uXXXX`, cut to `maxChars`
 * (ending in "...").
 */
export function excerpt(text: string, maxChars: number): string {
  // Escaping at most maxChars + 1 characters is enough: each grows, never shrinks.
  const head = text.length > maxChars + 1 ? text.slice(0, maxChars + 1) : text;
  const escaped = head.replace(
    UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (escaped.length <= maxChars && head.length === text.length) return escaped;
  let cut = escaped.slice(0, maxChars - 3);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}...`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it escapes.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON of an object, or a tag when it cannot be (a cycle, a BigInt). */
function jsonOrTag(value: object): string {
  try {
    return JSON.stringify(value) ?? Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Text that could be a number (or a few): echoed even after the first excerpt. */
const NUMBER_LIKE = /^[\d\s.eE+-]{0,40}$/;

/**
 * Collects the problems a parser finds in one file: the first
 * {@link MAX_PROBLEMS_SHOWN} are kept, the rest only counted. Of text
 * values, the first is kept (as an excerpt) and later ones only if they look
 * like numbers (`-3`, `2.5e3`): a file that is not data at all (a password
 * file named as a trace) shows one short excerpt, not its lines.
 */
export class FileProblems {
  private readonly list: InputProblem[] = [];
  private unlisted = 0;
  private echoed = false;

  constructor(readonly file: string) {}

  /** How many problems have been added. */
  get count(): number {
    return this.list.length + this.unlisted;
  }

  add(problem: InputProblem): void {
    if (this.list.length >= MAX_PROBLEMS_SHOWN) {
      this.unlisted++;
      return;
    }
    if (typeof problem.value !== 'string' || NUMBER_LIKE.test(problem.value)) {
      this.list.push(problem);
    } else if (!this.echoed) {
      this.echoed = true;
      this.list.push(problem);
    } else {
      const { value: _hidden, ...rest } = problem;
      this.list.push(rest);
    }
  }

  /** Throws an {@link InputError} if any problem was added. */
  throwIfAny(): void {
    if (this.count > 0) throw new InputError(this.file, this.list, { unlisted: this.unlisted });
  }
}
