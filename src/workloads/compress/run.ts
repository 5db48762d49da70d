import { resolve } from 'node:path';
import { InputError } from '../../errors.js';
import type { Dataset } from '../../ml/data/dataset.js';
import { loadSplit } from '../../ml/data/from-spec.js';
import type { Evaluation } from '../../ml/evaluate.js';
import { checkModelFits, type ModelHandle } from '../../ml/models/handle.js';
import { loadModelFromDisk } from '../../ml/models/load.js';
import { initBackend } from '../../ml/runtime.js';
import { trainModel } from '../../ml/train.js';
import { NO_PROGRESS, type ProgressReporter } from '../../progress.js';
import type { RunResult } from '../../vocabulary/run-result.js';
import {
  estimateOnProfiles,
  evaluateVariant,
  measureVariant,
  type ProfileEstimate,
  type VariantMeasure,
} from './measure.js';
import type { ResolvedCompression } from './resolve.js';
import { applyStep, zooModel } from './steps.js';
import { compressionTables } from './tables.js';
import { nearChanceWarning, validationSplit } from './validation.js';
import { startVariant, type Variant } from './variant.js';

/** A variant after its pipeline: what it is and what it measures. */
export interface MeasuredVariant {
  readonly variant: Variant;
  /** Scores on the validation split (what settings are chosen on). */
  readonly validation: Evaluation;
  /** Scores on the test split, encoded bytes, FLOPs: measured once, after every pipeline ran. */
  readonly measure: VariantMeasure;
  readonly estimates: readonly ProfileEstimate[];
  /** Why its result deserves a look (accuracy near chance), or null. */
  readonly warning: string | null;
}

/** Where a run writes its warnings: one line each, as `edgesim: warning: ...` on stderr. */
export type WarningSink = (message: string) => void;

const STDERR_WARNING: WarningSink = (message) =>
  process.stderr.write(`edgesim: warning: ${message}\n`);

/**
 * Runs a compression scenario: holds out a validation split from the
 * training split, trains the model (the baseline) on the rest, runs each
 * variant's pipeline on a copy of it (calibrating on the validation split)
 * and scores it on the validation split; then, once every pipeline has run,
 * measures every variant on the test split, in encoded bytes and FLOPs, and
 * on each hardware profile. Writes `summary.csv`, `variants.csv`,
 * `classes.csv` (per-class precision, recall, F1), `confusion.csv`,
 * `estimates.csv`, each variant's encoded model (`models/<variant>.edgm`,
 * which rebuilds it alone) and cost card (`cards/<variant>.json`, usable as
 * an inference scenario's `model.card`); its report is `report.ts`'s.
 * `progress` hears of each step done (the baseline's training, each
 * variant's steps). A variant whose test accuracy stays near chance is
 * reported to `warn`.
 */
export async function runCompression(
  resolved: ResolvedCompression,
  seed: number,
  progress: ProgressReporter = NO_PROGRESS,
  warn: WarningSink = STDERR_WARNING,
): Promise<RunResult> {
  const { scenario, file, baseDir } = resolved;
  const section = scenario.compress;
  const steps = 1 + section.variants.reduce((sum, v) => sum + v.steps.length, 0);
  let stepsDone = 0;
  const stepDone = (label: string) => progress.update(++stepsDone / steps, label);
  const backend = await initBackend(section.backend);
  const data = loadSplit(section.dataset, baseDir, seed);
  const { train, validation } = validationSplit(data.train, section.validationFraction, seed);
  checkSplit(resolved, train, validation);
  const baseline = await loadModel(resolved, train, seed);
  const trained = trainModel(baseline, train, { ...section.train, seed });
  const pipelines: { variant: Variant; scores: Evaluation }[] = [];
  const validate = (variant: Variant) =>
    pipelines.push({ variant, scores: evaluateVariant(variant, validation) });
  const first = startVariant('baseline', baseline);
  first.steps.push(`train(${section.train.epochs} epochs)`);
  if (trained.kind === 'diverged')
    first.failure = `training diverged at epoch ${trained.epoch}, step ${trained.step} (loss ${trained.loss})`;
  validate(first);
  stepDone('baseline trained');
  const context = { train, validation, training: section.train, seed, file, baseDir };
  for (const [v, spec] of section.variants.entries()) {
    const variant = startVariant(spec.name, baseline);
    for (const [s, step] of spec.steps.entries()) {
      if (variant.failure === null)
        await applyStep(variant, step, context, { variant: v, step: s });
      stepDone(`variant ${spec.name}, step ${s + 1}/${spec.steps.length}`);
    }
    validate(variant);
  }
  // The test split is scored here, once, after every pipeline has run: nothing above saw it.
  const measured = pipelines.map(({ variant, scores }): MeasuredVariant => {
    const measure = measureVariant(variant, data.test);
    const warning =
      variant.failure === null
        ? nearChanceWarning(variant.name, measure.evaluation.accuracy, data.test.numClasses)
        : null;
    if (warning !== null) warn(warning);
    const estimates = estimateOnProfiles(measure, resolved.profiles);
    return { variant, validation: scores, measure, estimates, warning };
  });
  const tables = compressionTables(scenario, { train, validation, test: data.test }, measured);
  const files: Record<string, string | Uint8Array> = {};
  for (const { variant, measure } of measured) {
    files[`models/${variant.name}.edgm`] = measure.encoded.bytes;
    const deployment = {
      precision: measure.precision,
      weightSparsity: measure.kernelSparsity,
      encodedBytes: measure.encoded.bytes.length,
    };
    const card = { ...measure.card, name: `${scenario.name}/${variant.name}`, deployment };
    files[`cards/${variant.name}.json`] = `${JSON.stringify(card, null, 2)}\n`;
  }
  for (const { variant } of measured) variant.handle.model.dispose();
  baseline.model.dispose();
  return { tables, files, backend };
}

/** Both parts of the training split must hold samples. */
function checkSplit(resolved: ResolvedCompression, train: Dataset, validation: Dataset): void {
  const empty = validation.count === 0 ? 'validation' : train.count === 0 ? 'training' : null;
  if (empty === null) return;
  throw new InputError(resolved.file, [
    {
      path: 'compress.validationFraction',
      message: `leaves the ${empty} split empty (${train.count} training, ${validation.count} validation samples)`,
      value: resolved.scenario.compress.validationFraction,
    },
  ]);
}

async function loadModel(
  resolved: ResolvedCompression,
  train: Dataset,
  seed: number,
): Promise<ModelHandle> {
  const spec = resolved.scenario.compress.model;
  if ('zoo' in spec) return zooModel(spec.zoo, train, seed, resolved.file, 'compress.model.zoo');
  const path = resolve(resolved.baseDir, spec.file);
  const handle = await loadModelFromDisk(path);
  try {
    checkModelFits(handle, train);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError(resolved.file, [
      { path: 'compress.model.file', message: error.message, value: spec.file },
    ]);
  }
  return handle;
}
