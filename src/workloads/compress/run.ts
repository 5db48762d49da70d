import { resolve } from 'node:path';
import { InputError } from '../../errors.js';
import type { Dataset } from '../../ml/data/dataset.js';
import { loadSplit } from '../../ml/data/from-spec.js';
import { checkModelFits, type ModelHandle } from '../../ml/models/handle.js';
import { loadModelFromDisk } from '../../ml/models/load.js';
import { initBackend } from '../../ml/runtime.js';
import { trainModel } from '../../ml/train.js';
import { NO_PROGRESS, type ProgressReporter } from '../../progress.js';
import type { RunResult } from '../../vocabulary/run-result.js';
import {
  estimateOnProfiles,
  measureVariant,
  type ProfileEstimate,
  type VariantMeasure,
} from './measure.js';
import type { ResolvedCompression } from './resolve.js';
import { applyStep, zooModel } from './steps.js';
import { compressionTables } from './tables.js';
import { startVariant, type Variant } from './variant.js';

/** A variant after its pipeline: what it is and what it measures. */
export interface MeasuredVariant {
  readonly variant: Variant;
  readonly measure: VariantMeasure;
  readonly estimates: readonly ProfileEstimate[];
}

/**
 * Runs a compression scenario: trains the model (the baseline), runs each
 * variant's pipeline on a copy of it, and measures every variant on the
 * held-out split, in encoded bytes and FLOPs, and on each hardware profile.
 * Writes `summary.csv`, `variants.csv`, `estimates.csv`, each variant's
 * encoded model (`models/<variant>.edgm`) and cost card (`cards/<variant>.json`,
 * usable as an inference scenario's `model.card`); its report is `report.ts`'s. `progress`
 * hears of each step done (the baseline's training, each variant's steps).
 */
export async function runCompression(
  resolved: ResolvedCompression,
  seed: number,
  progress: ProgressReporter = NO_PROGRESS,
): Promise<RunResult> {
  const { scenario, file, baseDir } = resolved;
  const section = scenario.compress;
  const steps = 1 + section.variants.reduce((sum, v) => sum + v.steps.length, 0);
  let stepsDone = 0;
  const stepDone = (label: string) => progress.update(++stepsDone / steps, label);
  const backend = await initBackend(section.backend);
  const data = loadSplit(section.dataset, baseDir, seed);
  const baseline = await loadModel(resolved, data.train, seed);
  const trained = trainModel(baseline, data.train, { ...section.train, seed });
  const measured: MeasuredVariant[] = [];
  const measureOne = (variant: Variant) => {
    const measure = measureVariant(variant, data.test);
    measured.push({ variant, measure, estimates: estimateOnProfiles(measure, resolved.profiles) });
  };
  const first = startVariant('baseline', baseline);
  first.steps.push(`train(${section.train.epochs} epochs)`);
  if (trained.kind === 'diverged')
    first.failure = `training diverged at epoch ${trained.epoch}, step ${trained.step} (loss ${trained.loss})`;
  measureOne(first);
  stepDone('baseline trained');
  const context = { train: data.train, training: section.train, seed, file, baseDir };
  for (const [v, spec] of section.variants.entries()) {
    const variant = startVariant(spec.name, baseline);
    for (const [s, step] of spec.steps.entries()) {
      if (variant.failure === null)
        await applyStep(variant, step, context, { variant: v, step: s });
      stepDone(`variant ${spec.name}, step ${s + 1}/${spec.steps.length}`);
    }
    measureOne(variant);
  }
  const tables = compressionTables(scenario, data, measured);
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
