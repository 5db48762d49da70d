import { isAbsolute, join } from 'node:path';
import { FileProblems, InputError } from '../errors.js';
import { type InputKind, readInputText } from './input-file.js';
import { parseYaml } from './yaml.js';

/**
 * Parses a YAML or JSON file to plain data: a regular UTF-8 file within the
 * size limit for `kind` (`INPUT_LIMIT_BYTES` in input-file.ts). Throws an
 * {@link InputError} naming the file, with the line and column of each
 * syntax or structure problem.
 */
export function readDataFile(
  file: string,
  kind: Extract<InputKind, 'scenario' | 'profile' | 'costCard'> = 'scenario',
): unknown {
  const parsed = parseYaml(readInputText(file, kind));
  if ('problems' in parsed) throw new InputError(file, parsed.problems);
  if (parsed.data === null || parsed.data === undefined) {
    throw new InputError(file, [
      { path: '', message: `the file is empty; expected a ${WHAT[kind]} mapping` },
    ]);
  }
  return parsed.data;
}

/** What each kind of data file holds, for the error on an empty one. */
const WHAT = { scenario: 'scenario', profile: 'profile', costCard: 'cost card' } as const;

/**
 * A data file named in a scenario: its path (relative to `baseDir`) and
 * text, read as a trace (a regular UTF-8 file of at most 256 MB).
 */
export function readTextFile(file: string, baseDir?: string): { path: string; text: string } {
  const path = inputPath(file, baseDir);
  return { path, text: readInputText(path, 'trace') };
}

/** Where a file named in a scenario is: `file` itself if absolute, else relative to `baseDir`. */
export function inputPath(file: string, baseDir: string | undefined): string {
  return baseDir === undefined || isAbsolute(file) ? file : join(baseDir, file);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Parses a small numeric CSV into rows of the named `columns`. The first
 * content line may be a header; with one, columns are found by name and other
 * columns are ignored; without one, each row holds exactly `columns.length`
 * numbers. Blank lines and lines starting with `#` are skipped. Throws an
 * {@link InputError} naming the file and, for the first bad lines, each
 * line's number (and for the first, an excerpt of it).
 */
export function parseNumericCsv(
  text: string,
  file: string,
  columns: readonly string[],
): { line: number; values: number[] }[] {
  const rows: { line: number; values: number[] }[] = [];
  const problems = new FileProblems(file);
  let indices: number[] | undefined;
  let width = columns.length;
  let line = 0;
  for (let start = 0; start <= text.length; line++) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const content = text.slice(start, end).trim();
    start = end + 1;
    if (content === '' || content.startsWith('#')) continue;
    const fields = content.split(',').map((f) => f.trim());
    const path = `line ${line + 1}`;
    if (indices === undefined) {
      indices = columns.map((_, c) => c);
      if (!fields.every((f) => NUMBER.test(f))) {
        indices = columns.map((name) => fields.indexOf(name));
        width = fields.length;
        if (indices.some((c) => c < 0)) {
          const message = `expected a header naming ${columns.join(', ')}, or rows of ${columns.length} number(s)`;
          problems.add({ path, message, value: content });
        }
        continue;
      }
    }
    if (fields.length !== width) {
      const message = `expected ${width} comma-separated field(s), found ${fields.length}`;
      problems.add({ path, message, value: content });
      continue;
    }
    const bad = indices.findIndex((c) => !NUMBER.test(fields[c]!));
    if (bad >= 0) {
      const message = `expected a number in column ${columns[bad]}`;
      problems.add({ path, message, value: fields[indices[bad]!] });
    } else {
      rows.push({ line: line + 1, values: indices.map((c) => Number(fields[c])) });
    }
  }
  problems.throwIfAny();
  return rows;
}
