import type { Split } from '../../ml/data/dataset.js';
import type { Table, TableValue } from '../../results/table.js';
import type { MeasuredVariant } from './run.js';
import type { CompressScenario } from './scenario.js';

/** The variant columns of `variants.csv`, in order. */
export const VARIANT_COLUMNS = [
  'variant',
  'steps',
  'status',
  'failure',
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
] as const;

/**
 * Result tables of a compression run:
 * - `variants.csv`: one row per variant (the baseline first) with its
 *   held-out scores, encoded size, parameters and FLOPs;
 * - `estimates.csv`: one row per variant and hardware profile with the
 *   roofline latency and energy of one inference (and the variant's
 *   accuracy and size, for trade-off plots);
 * - `summary.csv`: one row: the dataset and split, and for every variant
 *   its accuracy, encoded bytes and effective FLOPs in columns prefixed by
 *   its name (so a sweep of compression scenarios compares them).
 */
export function compressionTables(
  scenario: CompressScenario,
  data: Split,
  measured: readonly MeasuredVariant[],
): Record<string, Table> {
  const variants: TableValue[][] = measured.map(({ variant, measure }) => {
    const e = measure.evaluation;
    return [
      variant.name,
      variant.steps.join(' > '),
      variant.failure === null ? 'ok' : 'failed',
      variant.failure ?? '',
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
    ];
  });
  const estimates: TableValue[][] = measured.flatMap(({ variant, measure, estimates }) =>
    estimates.map((e) => [
      variant.name,
      e.profile,
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
    estimates: {
      columns: [
        'variant',
        'profile',
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
