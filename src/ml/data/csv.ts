/**
 * A classification dataset from the user's own CSV file: numeric feature
 * columns and one label column.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { FileProblems, InputError, type InputProblem } from '../../errors.js';
import { readInputText } from '../../scenario/input-file.js';
import type { Dataset } from './dataset.js';

/** Which columns hold the features and the label. */
export interface CsvDatasetOptions {
  /** The label column: its header name or its 0-based index. Default: the last column. */
  readonly labelColumn?: string | number;
  /** Feature columns (names or 0-based indices), in this order. Default: every other column. */
  readonly featureColumns?: readonly (string | number)[];
  /** Whether the first row names the columns. Default true. */
  readonly header?: boolean;
}

/** A dataset read from CSV, with the name of each class. */
export interface CsvDataset extends Dataset {
  /** `classNames[c]` is the label text of class c. */
  readonly classNames: readonly string[];
}

/** One parsed record and the line of the file where it ends (1-based). */
interface CsvRow {
  readonly fields: readonly string[];
  readonly line: number;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const CLASS_INDEX = /^\d{1,5}$/;
/** Integer labels from this value up are read as text, not as class indices. */
const MAX_CLASS_INDEX = 65_535;

/**
 * Reads `file` as a dataset with sample shape `[featureColumns.length]`.
 *
 * Labels: when every label is an integer in [0, 65535], it is the class
 * index itself and there are max + 1 classes (named "0", "1", ...; a class may
 * have no sample); otherwise each distinct label text is a class, numbered in
 * sorted order (JavaScript's default string order) and named by its text.
 * Fields are trimmed; blank lines are skipped. Rows are numbered by their
 * line in the file (1-based, the header is line 1), so an editor finds them;
 * a row spanning lines (a quoted newline) is numbered by its last line.
 * Column indices are 0-based everywhere, as in the options.
 *
 * @throws InputError for a missing or empty file, malformed CSV, unknown
 *   columns (listing the file's columns), rows with the wrong number of fields,
 *   non-numeric features or empty labels (at most 10 problems are listed).
 */
export function loadCsvDataset(file: string, options: CsvDatasetOptions = {}): CsvDataset {
  const text = readInputText(file, 'dataset');
  const rows = parseRows(text, file);
  const header = options.header ?? true;
  const names = header ? rows[0]?.fields : undefined;
  const data = header ? rows.slice(1) : rows;
  const first = data[0];
  if (first === undefined) {
    const message = header ? 'has a header but no data rows' : 'the file is empty';
    throw new InputError(file, [{ path: '', message }]);
  }
  const width = names?.length ?? first.fields.length;
  const columns = resolveColumns(options, names, width, file);
  const { features, labelTexts } = readRows(data, columns, width, names, file);
  const { labels, classNames } = encodeLabels(labelTexts);
  return {
    name: file,
    features,
    labels,
    count: data.length,
    sampleShape: [columns.features.length],
    numClasses: classNames.length,
    classNames,
  };
}

function parseRows(text: string, file: string): CsvRow[] {
  if (text.trim() === '') throw new InputError(file, [{ path: '', message: 'the file is empty' }]);
  try {
    const records = parse(text, {
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map(({ record, info }) => ({ fields: record, line: info.lines }));
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw new InputError(file, [{ path: '', message: `malformed CSV: ${error.message}` }]);
  }
}

/** Column indices of the label and of the features, in feature order. */
interface Columns {
  readonly label: number;
  readonly features: readonly number[];
}

function resolveColumns(
  options: CsvDatasetOptions,
  names: readonly string[] | undefined,
  width: number,
  file: string,
): Columns {
  const problems: InputProblem[] = [];
  const find = (column: string | number, path: string): number => {
    const index = typeof column === 'number' ? column : (names?.indexOf(column) ?? -1);
    if (Number.isInteger(index) && index >= 0 && index < width) return index;
    problems.push({ path, message: noSuchColumn(column, names, width), value: column });
    return -1;
  };
  const label = find(options.labelColumn ?? width - 1, 'labelColumn');
  const features =
    options.featureColumns?.map((column, i) => find(column, `featureColumns[${i}]`)) ??
    Array.from({ length: width }, (_, c) => c).filter((c) => c !== label);
  if (label >= 0 && features.includes(label)) {
    problems.push({ path: 'featureColumns', message: 'must not include the label column' });
  }
  if (features.length === 0) {
    problems.push({ path: 'featureColumns', message: 'no feature columns; expected at least one' });
  }
  if (problems.length > 0) throw new InputError(file, problems);
  return { label, features };
}

function noSuchColumn(
  column: string | number,
  names: readonly string[] | undefined,
  width: number,
): string {
  if (typeof column === 'string' && names === undefined) {
    return `cannot find a column by name in a file without a header; give a 0-based index below ${width}`;
  }
  const known =
    names === undefined
      ? `the file has ${width} columns, indices 0 to ${width - 1}`
      : `the columns are ${names.map((n, i) => `${JSON.stringify(n)} (${i})`).join(', ')}`;
  return `no such column; ${known}`;
}

function readRows(
  rows: readonly CsvRow[],
  columns: Columns,
  width: number,
  names: readonly string[] | undefined,
  file: string,
): { features: Float32Array; labelTexts: string[] } {
  const featureCount = columns.features.length;
  const features = new Float32Array(rows.length * featureCount);
  const labelTexts: string[] = [];
  const problems = new FileProblems(file);
  const columnName = (c: number) =>
    names === undefined ? `${c} (0-based)` : JSON.stringify(names[c]);
  for (const [r, { fields, line }] of rows.entries()) {
    if (fields.length !== width) {
      problems.add({
        path: `row ${line}`,
        message: `has ${fields.length} fields, expected ${width}`,
      });
      continue;
    }
    columns.features.forEach((c, f) => {
      const text = fields[c]!;
      const value = Number(text);
      if (!NUMBER.test(text) || !Number.isFinite(value)) {
        problems.add({
          path: `row ${line}, column ${columnName(c)}`,
          message: 'is not a number',
          value: text,
        });
      }
      features[r * featureCount + f] = value;
    });
    const label = fields[columns.label]!;
    if (label === '') {
      problems.add({
        path: `row ${line}, column ${columnName(columns.label)}`,
        message: 'the label is empty',
      });
    }
    labelTexts.push(label);
  }
  problems.throwIfAny();
  return { features, labelTexts };
}

/** Class indices for the label texts, and each class's name (see {@link loadCsvDataset}). */
function encodeLabels(texts: readonly string[]): {
  labels: Int32Array;
  classNames: string[];
} {
  if (texts.every((t) => CLASS_INDEX.test(t) && Number(t) <= MAX_CLASS_INDEX)) {
    const labels = Int32Array.from(texts, Number);
    const numClasses = labels.reduce((max, l) => Math.max(max, l + 1), 0);
    return { labels, classNames: Array.from({ length: numClasses }, (_, c) => `${c}`) };
  }
  const classNames = [...new Set(texts)].sort();
  const index = new Map(classNames.map((name, c) => [name, c]));
  return { labels: Int32Array.from(texts, (t) => index.get(t)!), classNames };
}
