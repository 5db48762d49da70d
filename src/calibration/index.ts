/**
 * `edgesim calibrate` and `edgesim fidelity`: fit a profile's latency
 * parameters to its published measurements, and compare every measurement
 * with what the calibrated profiles predict. Both read the built-in
 * profiles and `hardware-profiles/measurements/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { UsageError } from '../errors.js';
import { BUILTIN_PROFILE_DIR, type HardwareProfile, ProfileLibrary } from '../fleet/profiles.js';
import { MODEL_ZOO } from '../ml/cost/index.js';
import { CARD_FILE, readCostCardFile } from '../ml/cost/schema.js';
import { readDataFile } from '../scenario/data-file.js';
import { PACKAGE_ROOT } from '../version.js';
import type { CostCard, Precision } from '../vocabulary/cost-card.js';
import { copySources, withCopies } from './copies.js';
import { fitProfile, type PrecisionFit } from './fit.js';
import {
  cardPath,
  type Measurement,
  type MeasurementSet,
  measurementFile,
  readMeasurements,
} from './measurements.js';
import { predict } from './predict.js';
import { formatProfile, withFits } from './profile-file.js';

export type { PrecisionFit } from './fit.js';
export type { Measurement, MeasurementSet, Metric } from './measurements.js';

/**
 * The profiles that have a measurement file, then those that copy another's
 * calibration (after the profiles they copy from, so that one `calibrate
 * --write` refits a source and then copies it): the built-in ones and those
 * of the directories `EDGESIM_PROFILES` lists.
 */
export function profileNames(): string[] {
  const library = new ProfileLibrary();
  const names = library.names;
  const copying = names.filter((name) => copySources(documentOf(library, name)).size > 0);
  const fitted = names.filter(
    (name) => existsSync(measurementsFile(library, name)) && !copying.includes(name),
  );
  return [...fitted, ...copying];
}

/** What calibrating one profile gives. */
export interface Calibration {
  profile: string;
  /** The profile file. */
  file: string;
  fits: PrecisionFit[];
  /** What the fits' `halfOutputs` counts: output positions on a systolic array, else output elements. */
  fillsBy: 'outputs' | 'positions';
  /** Precisions whose calibration copies another profile's, with that profile. */
  copies: Map<Precision, string>;
  /** The profile file's text with the fits (or copies) written in. */
  text: string;
  /** Whether `text` differs from the file as it is. */
  changed: boolean;
}

/** Where a profile named as an argument of `calibrate` or `fidelity` comes from, for errors. */
const COMMAND_LINE = { file: 'the command line', path: 'profile' };

/** The file profile `profile` is read from (a built-in one by default, to name it in errors). */
function profileFile(library: ProfileLibrary, profile: string): string {
  return library.fileOf(profile) ?? join(BUILTIN_PROFILE_DIR, `${profile}.json`);
}

/** A profile's measurements: `measurements/<profile>.csv` beside its file. */
function measurementsFile(library: ProfileLibrary, profile: string): string {
  return measurementFile(profile, join(dirname(profileFile(library, profile)), 'measurements'));
}

function documentOf(library: ProfileLibrary, profile: string): Record<string, unknown> {
  return readDataFile(profileFile(library, profile), 'profile') as Record<string, unknown>;
}

let zoo: Map<string, CostCard> | undefined;
function zooCards(): Map<string, CostCard> {
  zoo ??= new Map(Object.entries(MODEL_ZOO).map(([name, build]) => [name, build()]));
  return zoo;
}

/** A profile's measurements, and the cost card of each model they name (zoo or card file). */
function measurementsOf(
  library: ProfileLibrary,
  profile: string,
): { measurements: Measurement[]; cards: Map<string, CostCard> } {
  const file = measurementsFile(library, profile);
  const measurements = readMeasurements(file, profile, [...zooCards().keys()]);
  const cards = new Map(zooCards());
  for (const { model } of measurements) {
    if (!CARD_FILE.test(model) || cards.has(model)) continue;
    const path = cardPath(file, model);
    cards.set(model, readCostCardFile(path));
  }
  return { measurements, cards };
}

/**
 * Fits `profile` to its calibration measurements. Deterministic: the same
 * measurements, peaks and priors give the same rounded values, so `changed`
 * is false for a profile file written by an earlier run.
 */
export function calibrate(profile: string): Calibration {
  const library = new ProfileLibrary();
  const resolved = library.resolve(profile, undefined, COMMAND_LINE);
  const file = profileFile(library, profile);
  const current = readFileSync(file, 'utf8');
  const document = documentOf(library, profile);
  const copies = copySources(document);
  const fillsBy = resolved.systolicArray === undefined ? 'outputs' : 'positions';
  if (copies.size > 0) {
    // The source as its file stands: `calibrate --check` holds that file to its own fit.
    const sourceOf = (name: string) =>
      library.names.includes(name) ? documentOf(library, name) : undefined;
    const text = formatProfile(withCopies(document, file, copies, sourceOf));
    return { profile, file, fits: [], fillsBy, copies, text, changed: text !== current };
  }
  const { measurements, cards } = measurementsOf(library, profile);
  const fits = fitProfile(resolved, measurements, cards);
  // Named in the fitted figures' notes: from the package for a built-in profile, else from its folder.
  const root = dirname(file) === BUILTIN_PROFILE_DIR ? PACKAGE_ROOT : dirname(file);
  const csv = relative(root, measurementsFile(library, profile));
  const text = fits.length === 0 ? current : formatProfile(withFits(document, fits, csv));
  return { profile, file, fits, fillsBy, copies, text, changed: text !== current };
}

/** One measurement beside its prediction. */
export interface FidelityRow extends Measurement {
  /** The prediction in the measurement's metric; undefined when the profile cannot run it. */
  predicted: number | undefined;
  /** predicted / measured. */
  ratio: number | undefined;
  /** Whether the measurement's stack is the reference, was in the calibration (its timing applied), or is unseen (predicted as the reference). */
  stack: 'reference' | 'calibrated' | 'unseen';
}

/** Median and worst absolute percentage error of a group of rows. */
export interface FidelitySummary {
  profile: string;
  set: MeasurementSet;
  /**
   * Which rows: `all`; or, for the validation set over all profiles, the
   * rows on a stack the calibration saw (`seen`: the reference or a
   * calibrated one) and the rows on one it never saw (`unseen`, predicted
   * as the reference stack: their error is the stacks' difference as much
   * as the model's).
   */
  stacks: 'all' | 'seen' | 'unseen';
  /** Latency and throughput rows only; energy is reported but not summarised. */
  count: number;
  medianErrorPct: number;
  worstErrorPct: number;
  /** Pairs within 15% (the target median). */
  within15: number;
  /** Pairs off by more than 35% (the target: none on validation). */
  beyond35: number;
}

/** What makes two measurements the same configuration. */
const CONFIGURATION = ['profile', 'model', 'framework', 'precision', 'batch', 'metric'] as const;
type ConfigurationField = (typeof CONFIGURATION)[number];

/**
 * A configuration (profile, model, stack, precision, batch, metric) measured
 * more than once, in either set: how far apart its own measurements lie, a
 * floor under any model's error on it. Runs of one benchmark on different
 * dates differ (Qualcomm AI Hub re-profiles every model with each release).
 */
export interface FidelityRepeat extends Pick<Measurement, ConfigurationField> {
  /** Its measurements, smallest first. */
  values: number[];
  /** Largest over smallest. */
  spread: number;
  predicted: number | undefined;
  /** How many of its measurements the prediction is within 35% of. */
  within35: number;
}

export interface Fidelity {
  rows: FidelityRow[];
  /** Per profile and set, then `profile: 'all'` per set. */
  summaries: FidelitySummary[];
  /** Configurations measured more than once (latency and throughput), in the rows' order. */
  repeats: FidelityRepeat[];
}

/** Predicted against measured for every recorded measurement of `profiles` (default all). */
export function fidelity(profiles?: readonly string[]): Fidelity {
  const library = new ProfileLibrary();
  const measured = (name: string) => existsSync(measurementsFile(library, name));
  const names = profiles ?? library.names.filter(measured);
  const rows = names.flatMap((name) => {
    const profile = library.resolve(name, undefined, COMMAND_LINE);
    if (!measured(name)) {
      throw new UsageError(
        `${name} has no measurements to compare: expected ${measurementsFile(library, name)}`,
      );
    }
    const { measurements, cards } = measurementsOf(library, name);
    return measurements.map((m) => compare(m, cards.get(m.model) as CostCard, profile));
  });
  const summaries: FidelitySummary[] = [];
  const summarise = (
    profile: string,
    set: MeasurementSet,
    stacks: FidelitySummary['stacks'],
  ): void => {
    const errors = rows
      .filter((r) => (profile === 'all' || r.profile === profile) && r.set === set)
      .filter((r) => stacks === 'all' || (stacks === 'unseen') === (r.stack === 'unseen'))
      .filter((r) => r.metric !== 'energy_uj' && r.ratio !== undefined)
      .map((r) => Math.abs((r.ratio as number) - 1) * 100);
    if (errors.length === 0) return;
    summaries.push({
      profile,
      set,
      stacks,
      count: errors.length,
      medianErrorPct: median(errors),
      worstErrorPct: Math.max(...errors),
      within15: errors.filter((e) => e <= 15).length,
      beyond35: errors.filter((e) => e > 35).length,
    });
  };
  for (const profile of [...names, 'all'])
    for (const set of ['calibration', 'validation'] as const) summarise(profile, set, 'all');
  summarise('all', 'validation', 'seen');
  summarise('all', 'validation', 'unseen');
  return { rows, summaries, repeats: repeatsOf(rows) };
}

/** The configurations among `rows` measured more than once (energy apart), in the rows' order. */
export function repeatsOf(rows: readonly FidelityRow[]): FidelityRepeat[] {
  const groups = new Map<string, FidelityRow[]>();
  for (const r of rows) {
    if (r.metric === 'energy_uj') continue;
    const key = JSON.stringify(CONFIGURATION.map((field) => r[field]));
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [r]);
    else group.push(r);
  }
  return [...groups.values()]
    .filter((group) => group.length > 1)
    .map((group) => {
      const first = group[0] as FidelityRow;
      const values = group.map((r) => r.value).sort((a, b) => a - b);
      const { profile, model, framework, precision, batch, metric } = first;
      return {
        profile,
        model,
        framework,
        precision,
        batch,
        metric,
        values,
        spread: (values.at(-1) as number) / (values[0] as number),
        predicted: first.predicted,
        within35: group.filter((r) => r.ratio !== undefined && Math.abs(r.ratio - 1) <= 0.35)
          .length,
      };
    });
}

function compare(m: Measurement, card: CostCard, profile: HardwareProfile): FidelityRow {
  const calibration = profile.throughput[m.precision]?.calibration;
  const known = calibration?.otherFrameworks?.[m.framework];
  const stack =
    calibration?.framework === m.framework
      ? 'reference'
      : known === undefined
        ? 'unseen'
        : 'calibrated';
  const predicted = predict(m, card, profile, known);
  return {
    ...m,
    predicted,
    ratio: predicted === undefined ? undefined : predicted / m.value,
    stack,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
