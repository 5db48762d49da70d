/**
 * A task stream from the user's CSV: numeric features, a label column and a
 * task column. Tasks are the distinct values of the task column in order of
 * first appearance; task t holds the rows carrying its value, split into
 * train and test per class (seeded). A class is the same class in every task
 * (class identity `dataset`), so under class-incremental learning a class
 * seen again in a later task keeps its unit.
 *
 * Refused (InputError naming the file and column): a task column with fewer
 * than 2 distinct values (no stream to learn in sequence); integer labels
 * that skip a class (class k with no row in any task: the class-incremental
 * head would hold a unit no task trains); a task with too few rows for both
 * a train and a test set. Malformed CSV, unknown columns and non-numeric
 * features are refused by `loadCsvDataset`.
 */
import { parse } from 'csv-parse/sync';
import { InputError } from '../../errors.js';
import { readInputText } from '../../scenario/input-file.js';
import { loadCsvDataset } from '../data/csv.js';
import {
  DEFAULT_TEST_FRACTION,
  splitTask,
  type TaskSplitOptions,
  type TaskStream,
  withHeads,
} from './tasks.js';

/** Options of {@link csvTasks}. Columns are header names or 0-based indices. */
export interface CsvTaskOptions extends TaskSplitOptions {
  /** The column naming each row's task. */
  readonly taskColumn: string | number;
  /** The label column; default the last column that is not the task column. */
  readonly labelColumn?: string | number;
  /** Feature columns in order; default every column but the label and task columns. */
  readonly featureColumns?: readonly (string | number)[];
  /** Whether the first row names the columns (default true). */
  readonly header?: boolean;
}

/** A CSV task stream, with the label text of each class. */
export interface CsvTaskStream extends TaskStream {
  /** `classNames[c]` is the label text of class c. */
  readonly classNames: readonly string[];
}

/**
 * Reads `file` as a task stream (see the module comment for what is refused).
 *
 * @throws InputError naming the file, the column and the problem.
 */
export function csvTasks(file: string, options: CsvTaskOptions): CsvTaskStream {
  const header = options.header ?? true;
  const names = firstRow(file, header);
  const width = names.length;
  const index = (column: string | number, path: string): number => {
    const i = typeof column === 'number' ? column : header ? names.indexOf(column) : -1;
    if (Number.isInteger(i) && i >= 0 && i < width) return i;
    const known = header
      ? `the columns are ${names.map((n, k) => `${JSON.stringify(n)} (${k})`).join(', ')}`
      : `indices 0 to ${width - 1}`;
    throw new InputError(file, [{ path, message: `no such column; ${known}`, value: column }]);
  };
  const task = index(options.taskColumn, 'taskColumn');
  const label =
    options.labelColumn === undefined
      ? lastOtherThan(width, task)
      : index(options.labelColumn, 'labelColumn');
  if (label === task)
    throw new InputError(file, [{ path: 'labelColumn', message: 'must not be the task column' }]);
  const features =
    options.featureColumns?.map((c, i) => index(c, `featureColumns[${i}]`)) ??
    Array.from({ length: width }, (_, c) => c).filter((c) => c !== task && c !== label);
  if (features.includes(task)) {
    throw new InputError(file, [
      { path: 'featureColumns', message: 'must not include the task column' },
    ]);
  }
  const data = loadCsvDataset(file, { header, labelColumn: label, featureColumns: features });
  const taskIds = loadCsvDataset(file, {
    header,
    labelColumn: task,
    featureColumns: features.slice(0, 1),
  });
  const order = [...new Set(taskIds.labels)];
  const taskPath = `column ${header ? JSON.stringify(names[task]) : task}`;
  if (order.length < 2) {
    const only = order.map((t) => JSON.stringify(taskIds.classNames[t])).join('');
    const message = `has ${order.length === 0 ? 'no value' : `one value (${only})`}; a task stream needs at least 2 tasks`;
    throw new InputError(file, [{ path: taskPath, message }]);
  }
  const counts = new Int32Array(data.numClasses);
  for (const l of data.labels) counts[l]! += 1;
  const empty = [...counts.keys()].filter((c) => counts[c] === 0);
  if (empty.length > 0) {
    const message = `class(es) ${empty.join(', ')} have no row in any task (integer labels must run 0 to ${data.numClasses - 1} without gaps)`;
    throw new InputError(file, [{ path: 'labelColumn', message }]);
  }
  const rowsOf = order.map((t) =>
    [...taskIds.labels.keys()].filter((r) => taskIds.labels[r] === t),
  );
  const split = { seed: options.seed, testFraction: options.testFraction ?? DEFAULT_TEST_FRACTION };
  try {
    const tasks = order.map((t, i) =>
      splitTask(data, rowsOf[i]!, i, taskIds.classNames[t]!, split),
    );
    return { ...withHeads(file, tasks, 'dataset'), classNames: data.classNames };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError(file, [{ path: taskPath, message: error.message }]);
  }
}

/** The fields of the file's first row (its header, or its first data row). */
function firstRow(file: string, header: boolean): string[] {
  const text = readInputText(file, 'dataset');
  try {
    const rows = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      to_line: 1,
    }) as string[][];
    if (rows[0] !== undefined) return rows[0];
  } catch {
    // Fall through: the loader reports malformed CSV with its line.
  }
  loadCsvDataset(file, { header });
  throw new InputError(file, [{ path: '', message: 'cannot read the first row' }]);
}

function lastOtherThan(width: number, column: number): number {
  return column === width - 1 ? width - 2 : width - 1;
}
