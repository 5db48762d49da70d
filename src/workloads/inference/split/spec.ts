/**
 * `workload.inference.split`: the options of split computing
 * (`placement: split`). Under any other placement the block is ignored, so a
 * sweep over `placement` can keep it.
 */
import { z } from 'zod';
import { MAX_NAME_LENGTH } from '../../../scenario/limits.js';
import { quantity } from '../../../scenario/units.js';

/** Split points a scenario may list: more than any card in the zoo has layers. */
const MAX_SPLIT_POINTS = 10_000;

const layerName = z.string().min(1).max(MAX_NAME_LENGTH);

export const splitField = z
  .strictObject({
    points: z
      .array(layerName)
      .min(1)
      .max(MAX_SPLIT_POINTS)
      .optional()
      .describe(
        'Where a request may split: layer names (split after that layer), `input` (everything on the server) and `output` (everything on the device); default every layer boundary',
      ),
    activations: z
      .enum(['fp32', 'fp16', 'int8'])
      .optional()
      .describe("Precision the activations cross the split in; default the model's precision"),
    earlyExit: z
      .strictObject({
        after: layerName.describe('The layer after which a request may leave the model'),
        probability: quantity(
          'fraction',
          { min: 0, max: 1 },
          'Chance that a request leaves there (drawn per request, stream "early-exit" per device)',
        ),
      })
      .optional()
      .describe('An early exit (Edgent, Li et al. 2018): a request may end after this layer'),
  })
  .describe('Options of `placement: split`');

/** `workload.inference.split` after validation. */
export type SplitSpec = z.output<typeof splitField>;
