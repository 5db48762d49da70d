/**
 * Published measurements of models on hardware profiles, one CSV per profile
 * in `hardware-profiles/measurements/<profile>.csv` (header
 * `profile,model,framework,precision,batch,metric,value,set,source,note`):
 * what the latency model is fitted to (`set` calibration) and judged on
 * (`set` validation). The files say where each number comes from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError, type InputProblem } from '../errors.js';
import { BUILTIN_PROFILE_DIR } from '../fleet/profiles.js';
import { CARD_FILE } from '../ml/cost/schema.js';
import { PRECISIONS, type Precision } from '../vocabulary/cost-card.js';

export const METRICS = ['latency_ms', 'throughput_per_s', 'energy_uj'] as const;
export type Metric = (typeof METRICS)[number];
export const SETS = ['calibration', 'validation'] as const;
export type MeasurementSet = (typeof SETS)[number];

/** One published figure: a model on a device at a precision and batch. */
export interface Measurement {
  profile: string;
  /** A MODEL_ZOO name, or a cost card file (`.json`, `.yaml`) beside the CSV: see `CARD_FILE`. */
  model: string;
  framework: string;
  precision: Precision;
  batch: number;
  /** `latency_ms`: one call of `batch` samples; `throughput_per_s`: samples per second; `energy_uj`: per call. */
  metric: Metric;
  value: number;
  set: MeasurementSet;
  source: string;
  note: string;
  /** Line in the CSV file, from 1 (the header). */
  line: number;
}

const HEADER = [
  'profile',
  'model',
  'framework',
  'precision',
  'batch',
  'metric',
  'value',
  'set',
  'source',
  'note',
];

/** The measurement file of a profile (it may not exist). */
export function measurementFile(
  profile: string,
  dir = join(BUILTIN_PROFILE_DIR, 'measurements'),
): string {
  return join(dir, `${profile}.csv`);
}

/**
 * The measurements of `profile`, or [] when it has no file. Throws an
 * InputError naming the file, the line and the field of each bad row;
 * `models` lists the model names a row may use besides card files
 * ({@link CARD_FILE}), which must exist beside the CSV.
 */
export function readMeasurements(
  file: string,
  profile: string,
  models: readonly string[],
): Measurement[] {
  if (!existsSync(file)) return [];
  const records = parse(readFileSync(file, 'utf8'), { relax_column_count: true }) as string[][];
  const [header, ...rows] = records;
  if (header === undefined || header.join(',') !== HEADER.join(',')) {
    throw new InputError(file, [
      { path: 'line 1', message: `the header must be ${HEADER.join(',')}` },
    ]);
  }
  const problems: InputProblem[] = [];
  const out: Measurement[] = [];
  rows.forEach((row, i) => {
    const line = i + 2;
    const at = (field: string) => `line ${line}: ${field}`;
    const fail = (field: string, value: unknown, expected: string) =>
      problems.push({ path: at(field), message: `${JSON.stringify(value)}: expected ${expected}` });
    if (row.length !== HEADER.length) {
      problems.push({
        path: `line ${line}`,
        message: `has ${row.length} fields; expected ${HEADER.length}`,
      });
      return;
    }
    const [
      rowProfile,
      model,
      framework,
      precision,
      batchText,
      metric,
      valueText,
      set,
      source,
      note,
    ] = row as [string, string, string, string, string, string, string, string, string, string];
    const batch = Number(batchText);
    const value = Number(valueText);
    const before = problems.length;
    if (rowProfile !== profile) fail('profile', rowProfile, `"${profile}" (the file's profile)`);
    if (CARD_FILE.test(model)) {
      const path = cardPath(file, model);
      if (!existsSync(path)) fail('model', model, `a cost card file (no such file: ${path})`);
    } else if (!models.includes(model)) {
      fail('model', model, `one of ${models.join(', ')}, or a .json or .yaml cost card file`);
    }
    if (!(PRECISIONS as readonly string[]).includes(precision))
      fail('precision', precision, PRECISIONS.join(' | '));
    if (!Number.isInteger(batch) || batch < 1) fail('batch', batchText, 'a whole number >= 1');
    if (!(METRICS as readonly string[]).includes(metric))
      fail('metric', metric, METRICS.join(' | '));
    if (!(value > 0)) fail('value', valueText, 'a number > 0');
    if (!(SETS as readonly string[]).includes(set)) fail('set', set, SETS.join(' | '));
    if (source.trim() === '') fail('source', source, 'where the number comes from');
    if (problems.length > before) return;
    out.push({
      profile,
      model,
      framework,
      precision: precision as Precision,
      batch,
      metric: metric as Metric,
      value,
      set: set as MeasurementSet,
      source,
      note,
      line,
    });
  });
  if (problems.length > 0) throw new InputError(file, problems);
  return out;
}

/** Where a row's card file is: relative to the measurements file's folder. */
export function cardPath(measurementsFile: string, model: string): string {
  return resolve(dirname(measurementsFile), model);
}
