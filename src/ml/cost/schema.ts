import { z } from 'zod';
import { InputError } from '../../errors.js';
import { readDataFile } from '../../scenario/data-file.js';
import { toProblems } from '../../scenario/problems.js';
import { type CostCard, DETECTION_POSTPROCESS, makeCard, PRECISIONS } from './card.js';

/**
 * A cost card given as data (JSON or YAML), for models outside the zoo. Each
 * layer carries its own cost, following the conventions in `card.ts`. The
 * totals `params` and `flops` may be omitted; when given they must equal the
 * sums over the layers, which catches a layer left out.
 */

const count = z.number().int().min(0);
const shape = z.array(z.number().int().min(1)).min(1);

const layerSchema = z.strictObject({
  name: z.string().min(1).describe('Unique within the card'),
  kind: z
    .string()
    .min(1)
    .describe(
      'conv2d, depthwiseConv2d, dense, pool, add, concat, multiply, batchNorm, activation, ...',
    ),
  flops: z
    .number()
    .finite()
    .min(0)
    .describe('Operations for one input; 2 x MACs for conv and dense layers'),
  params: count.describe('Weights plus biases'),
  inputElements: count.describe('Activation elements read, summed over inputs'),
  outputElements: count.describe('Activation elements written'),
  outputShape: shape.describe('Output shape for one input (HWC or flat)'),
  inputs: z
    .array(z.number().int().min(-1))
    .min(1)
    .optional()
    .describe('Indices of the earlier layers read (-1 = model input); default the previous layer'),
  activation: z.string().min(1).optional().describe('Activation fused into the layer'),
  kernel: z
    .tuple([z.number().int().positive(), z.number().int().positive()])
    .optional()
    .describe('Kernel [height, width] of a convolution; 1x1 marks a pointwise conv'),
  detection: z
    .strictObject({
      anchors: z.number().int().positive(),
      classes: z.number().int().positive().describe('Classes scored, without background'),
      maxDetections: z.number().int().positive(),
    })
    .optional()
    .describe('On a detectionPostprocess layer: what it works through on the host CPU'),
});

/** Validates a cost card given as data and computes its totals; parses to a {@link CostCard}. */
export const costCardSchema = z
  .strictObject({
    name: z.string().min(1),
    inputShape: shape.describe('Shape of one input sample, e.g. [224, 224, 3]'),
    layers: z.array(layerSchema).min(1),
    params: count.optional().describe('Total parameters; if given, must equal the sum over layers'),
    flops: z
      .number()
      .min(0)
      .optional()
      .describe('Total FLOPs; if given, must equal the sum over layers'),
    deployment: z
      .strictObject({
        precision: z.enum(PRECISIONS),
        weightSparsity: z.number().min(0).lt(1),
        encodedBytes: count,
      })
      .optional()
      .describe('How a compressed model is deployed (written by edgesim compress)'),
  })
  .superRefine((card, ctx) => {
    const seen = new Set<string>();
    card.layers.forEach((layer, i) => {
      if (seen.has(layer.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['layers', i, 'name'],
          message: `layer name ${JSON.stringify(layer.name)} is used twice`,
        });
      }
      seen.add(layer.name);
      if ((layer.kind === DETECTION_POSTPROCESS) !== (layer.detection !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['layers', i, layer.detection === undefined ? 'kind' : 'detection'],
          message: `a ${DETECTION_POSTPROCESS} layer, and only one, has detection: { anchors, classes, maxDetections }`,
        });
      }
      for (const from of layer.inputs ?? []) {
        if (from >= i) {
          ctx.addIssue({
            code: 'custom',
            path: ['layers', i, 'inputs'],
            message: `input ${from} is not an earlier layer (this is layer ${i})`,
          });
        }
      }
    });
    for (const total of ['params', 'flops'] as const) {
      const given = card[total];
      const summed = card.layers.reduce((a, l) => a + l[total], 0);
      if (given !== undefined && given !== summed) {
        ctx.addIssue({
          code: 'custom',
          path: [total],
          message: `${total} is ${given} but the layers sum to ${summed}`,
        });
      }
    }
  })
  .transform((card): CostCard => {
    const made = makeCard(card.name, card.inputShape, card.layers);
    return card.deployment === undefined ? made : { ...made, deployment: card.deployment };
  });

/** A cost card as written in a file (totals optional). */
export type CostCardInput = z.input<typeof costCardSchema>;

/** Validates a cost card given as data. Throws an {@link InputError} naming `source`, the field and the problem. */
export function parseCostCard(data: unknown, source = 'cost card'): CostCard {
  const result = costCardSchema.safeParse(data, { reportInput: true });
  if (!result.success)
    throw new InputError(source, toProblems(result.error.issues, costCardSchema));
  return result.data;
}

/** A model named by a cost card file (JSON or YAML) rather than by a zoo name. */
export const CARD_FILE = /\.(json|ya?ml)$/;

/** Reads and validates the cost card file at `path`, as data: never code. */
export function readCostCardFile(path: string): CostCard {
  return parseCostCard(readDataFile(path, 'costCard'), path);
}
