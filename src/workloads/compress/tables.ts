import type { Dataset } from '../../ml/data/dataset.js';
import { classMetrics } from '../../ml/metrics.js';
import type { Table, TableValue } from '../../results/table.js';
import type { MeasuredVariant } from './run.js';
import type { CompressScenario } from './scenario.js';

/** The variant columns of `variants.csv`, in order. */
export const VARIANT_COLUMNS = [
  'variant',
  'steps',
  'status',
  'failure',
  'validation_accuracy',
  'validation_macro_f1',
  'accuracy',
  'macro_precision',
  'macro_recall',
  'macro_f1',
  'roc_auc',
  'loss_nats',
  'encoded_bytes',
  'params',
  'nonzero_params',
  'kernel_sparsity',
  'flops',
  'effective_flops',
  'weight_precision',
  'activation_format',
  'warning',
] as const;

/** The columns of `classes.csv`: one row per variant and class, scored on the test split. */
export const CLASS_COLUMNS = ['variant', 'class', 'precision', 'recall', 'f1', 'support'] as const;

/** The columns of `confusion.csv`: one row per variant and (actual, predicted) pair, zeros included. */
export const CONFUSION_COLUMNS = ['variant', 'actual', 'predicted', 'count'] as const;

/** The three parts of a compression run's data. */
export interface CompressData {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
}

/**
 * Result tables of a compression run:
 * - `variants.csv`: one row per variant (the baseline first) with its
 *   validation accuracy and macro F1, its test scores (macro averages),
 *   encoded size, parameters and FLOPs, and a warning (accuracy near
 *   chance) or nothing;
 * - `classes.csv`: per variant and class, test precision, recall, F1 and
 *   support (their means over the classes present are the macro columns);
 * - `confusion.csv`: per variant, the test confusion matrix in long form
 *   (actual, predicted, count), every cell;
 * - `estimates.csv`: one row per variant and hardware profile with the
 *   roofline latency and energy of one inference (and the variant's
 *   accuracy and size, for trade-off plots);
 * - `summary.csv`: one row: the dataset and split, and for every variant
 *   its accuracy, encoded bytes and effective FLOPs in columns prefixed by
 *   its name (so a sweep of compression scenarios compares them).
 */
export function compressionTables(
  scenario: CompressScenario,
  data: CompressData,
  measured: readonly MeasuredVariant[],
): Record<string, Table> {
  const variants: TableValue[][] = measured.map(({ variant, validation, measure, warning }) => {
    const e = measure.evaluation;
    return [
      variant.name,
      variant.steps.join(' > '),
      variant.failure === null ? 'ok' : 'failed',
      variant.failure ?? '',
      validation.accuracy,
      validation.f1,
      e.accuracy,
      e.precision,
      e.recall,
      e.f1,
      e.rocAuc ?? null,
      e.loss,
      measure.encoded.bytes.length,
      measure.params,
      measure.nonzeroParams,
      measure.kernelSparsity,
      measure.flops,
      measure.effectiveFlops,
      measure.precision,
      measure.activationFormat,
      warning ?? '',
    ];
  });
  const classes: TableValue[][] = measured.flatMap(({ variant, measure }) =>
    classMetrics(measure.evaluation.confusion).map((c) => [
      variant.name,
      c.classIndex,
      c.precision,
      c.recall,
      c.f1,
      c.support,
    ]),
  );
  const confusion: TableValue[][] = measured.flatMap(({ variant, measure }) => {
    const { confusion: counts, numClasses } = measure.evaluation;
    return Array.from(counts, (count, i) => [
      variant.name,
      Math.floor(i / numClasses),
      i % numClasses,
      count,
    ]);
  });
  const estimates: TableValue[][] = measured.flatMap(({ variant, measure, estimates }) =>
    estimates.map((e) => [
      variant.name,
      e.profile,
      e.stack ?? '',
      measure.evaluation.accuracy,
      measure.encoded.bytes.length,
      e.ok ? 'ok' : 'unsupported',
      e.precision,
      e.latencyS,
      e.energyJ,
      e.boundBy,
      e.reason ?? '',
    ]),
  );
  const summary: Record<string, TableValue> = {
    scenario: scenario.name,
    dataset: data.train.name,
    model:
      'zoo' in scenario.compress.model ? scenario.compress.model.zoo : scenario.compress.model.file,
    train_samples: data.train.count,
    validation_samples: data.validation.count,
    test_samples: data.test.count,
    variants: measured.length,
    failed_variants: measured.filter((m) => m.variant.failure !== null).length,
  };
  for (const { variant, measure } of measured) {
    summary[`${variant.name}_accuracy`] = measure.evaluation.accuracy;
    summary[`${variant.name}_encoded_bytes`] = measure.encoded.bytes.length;
    summary[`${variant.name}_effective_flops`] = measure.effectiveFlops;
  }
  return {
    summary: { columns: Object.keys(summary), rows: [Object.values(summary)] },
    variants: { columns: VARIANT_COLUMNS, rows: variants },
    classes: { columns: CLASS_COLUMNS, rows: classes },
    confusion: { columns: CONFUSION_COLUMNS, rows: confusion },
    estimates: {
      columns: [
        'variant',
        'profile',
        'stack',
        'accuracy',
        'encoded_bytes',
        'status',
        'precision',
        'latency_s',
        'energy_j',
        'bound_by',
        'reason',
      ],
      rows: estimates,
    },
  };
}
