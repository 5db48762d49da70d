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

  constructor(
    readonly file: string,
    readonly problems: readonly InputProblem[],
  ) {
    super(formatProblems(file, problems));
    this.name = 'InputError';
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

function formatProblems(file: string, problems: readonly InputProblem[]): string {
  const lines = problems.map((p) => {
    const where = p.path === '' ? file : `${file}: ${p.path}`;
    const got = p.value === undefined ? '' : ` (got ${describeValue(p.value)})`;
    return `${where}: ${p.message}${got}`;
  });
  return lines.join('\n');
}

/** A short, single-line rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
