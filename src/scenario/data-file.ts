import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError, type InputProblem } from '../errors.js';

/** Parses a YAML or JSON file to plain data. */
export function readDataFile(file: string): unknown {
  const { text } = readTextFile(file);
  const document = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new InputError(
      file,
      document.errors.map((e) => {
        const at = e.linePos?.[0];
        const where = at ? `line ${at.line}, column ${at.col}: ` : '';
        return { path: '', message: `malformed YAML/JSON: ${where}${firstLine(e.message)}` };
      }),
    );
  }
  const data: unknown = document.toJS({ maxAliasCount: 1000 });
  if (data === null || data === undefined) {
    throw new InputError(file, [
      { path: '', message: 'the file is empty; expected a scenario mapping' },
    ]);
  }
  return data;
}

/** A data file named in a scenario: its path (relative to `baseDir`) and text. */
export function readTextFile(file: string, baseDir?: string): { path: string; text: string } {
  const path = baseDir === undefined || isAbsolute(file) ? file : join(baseDir, file);
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    throw new InputError(path, [{ path: '', message: readFailure(error) }]);
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const MAX_PROBLEMS = 10;

/**
 * Parses a small numeric CSV into rows of the named `columns`. The first
 * content line may be a header; with one, columns are found by name and other
 * columns are ignored; without one, each row holds exactly `columns.length`
 * numbers. Blank lines and lines starting with `#` are skipped. Throws an
 * {@link InputError} naming the file and, for each bad line, its number and value.
 */
export function parseNumericCsv(
  text: string,
  file: string,
  columns: readonly string[],
): { line: number; values: number[] }[] {
  const rows: { line: number; values: number[] }[] = [];
  const problems: InputProblem[] = [];
  let indices: number[] | undefined;
  let width = columns.length;
  let truncated = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const content = raw.trim();
    if (content === '' || content.startsWith('#')) return;
    if (problems.length >= MAX_PROBLEMS) {
      truncated = true;
      return;
    }
    const fields = content.split(',').map((f) => f.trim());
    const path = `line ${i + 1}`;
    if (indices === undefined) {
      indices = columns.map((_, c) => c);
      if (!fields.every((f) => NUMBER.test(f))) {
        indices = columns.map((name) => fields.indexOf(name));
        width = fields.length;
        if (indices.some((c) => c < 0)) {
          const message = `expected a header naming ${columns.join(', ')}, or rows of ${columns.length} number(s)`;
          problems.push({ path, message, value: content });
        }
        return;
      }
    }
    if (fields.length !== width) {
      const message = `expected ${width} comma-separated field(s), found ${fields.length}`;
      problems.push({ path, message, value: content });
      return;
    }
    const values = indices.map((c) => Number(fields[c]));
    const bad = indices.findIndex((c) => !NUMBER.test(fields[c]!));
    if (bad >= 0) {
      const message = `expected a number in column ${columns[bad]}`;
      problems.push({ path, message, value: fields[indices[bad]!] });
    } else {
      rows.push({ line: i + 1, values });
    }
  });
  if (truncated) problems.push({ path: '', message: `stopped after ${MAX_PROBLEMS} problems` });
  if (problems.length > 0) throw new InputError(file, problems);
  return rows;
}

function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, expected a scenario file';
  if (code === 'EACCES') return 'permission denied';
  return `cannot read: ${(error as Error).message}`;
}

/** The first line of a YAML error, without its trailing "at line L, column C:". */
function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).replace(/ at line \d+, column \d+:?$/, '');
}
